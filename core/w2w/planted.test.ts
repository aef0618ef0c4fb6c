import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing';
import { trainDirection, type DirectionMethod } from './direction';
import { writePlantedCollection, type PlantedCollection } from './fixtures/planted-collection';
import { buildSpace } from './space.build';
import { SpaceFile } from './space.file';

const dir = tempDir('atelier-w2w-planted-');
let collection: PlantedCollection;

beforeAll(async () => {
  collection = await writePlantedCollection({ dir: dir.path, count: 40, scale: 16, seed: 11 });
}, 60_000);
afterAll(() => dir.dispose());

async function build(name: string, canonical: boolean): Promise<SpaceFile> {
  const built = await buildSpace({
    name,
    layers: 'attn_v',
    standardize: 'zscore',
    members: collection.files.map((f) => ({ path: f.path })),
    destination: path.join(dir.path, `${name}.space.safetensors`),
    overwrite: false,
    scratchDir: path.join(dir.path, 'scratch'),
    canonical,
  });
  return SpaceFile.open(built.file);
}

/** The planted (du, dv) in the space's coordinates, each module turned the way the space aligned it. */
function plantedVector(space: SpaceFile): Float64Array {
  const out = new Float64Array(space.dimension);
  for (const m of space.header.layout.modules) {
    const d = collection.direction.get(m.key)!;
    const b = collection.base.get(m.key)!;
    let dot = 0;
    for (let j = 0; j < m.out; j++) dot += b.u[j]! * space.reference[m.offset + j]!;
    for (let j = 0; j < m.in; j++) dot += b.v[j]! * space.reference[m.offset + m.out + j]!;
    const sign = dot < 0 ? -1 : 1;
    d.u.forEach((x, j) => (out[m.offset + j] = sign * x));
    d.v.forEach((x, j) => (out[m.offset + m.out + j] = sign * x));
  }
  return out;
}

async function learnedCosine(
  space: SpaceFile,
  method: DirectionMethod,
  planted: Float64Array,
): Promise<number> {
  const labels = Int8Array.from(collection.files.map((f) => f.label));
  const trained = trainDirection(
    { coefficients: space.coefficients, n: labels.length, m: space.m, labels },
    method,
  );
  const delta = space.toDelta(await space.combine(trained.pattern));
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let p = 0; p < delta.length; p++) {
    dot += delta[p]! * planted[p]!;
    a += delta[p]! ** 2;
    b += planted[p]! ** 2;
  }
  return dot / Math.sqrt(a * b);
}

describe('a planted direction', () => {
  it('is recovered by every method (cos ≥ 0.95) in a space with canonical, aligned factors', async () => {
    const space = await build('canonical', true);
    try {
      const planted = plantedVector(space);
      for (const method of ['logistic', 'svm', 'lstsq'] as const) {
        expect(await learnedCosine(space, method, planted), method).toBeGreaterThanOrEqual(0.95);
      }
    } finally {
      await space.close();
    }
  }, 60_000);

  it('is lost when the random sign flips of the factor pairs are left in', async () => {
    const space = await build('raw', false);
    try {
      // Without alignment there is no frame to compare in: measure against each member's own signs.
      const planted = new Float64Array(space.dimension);
      for (const m of space.header.layout.modules) {
        const d = collection.direction.get(m.key)!;
        d.u.forEach((x, j) => (planted[m.offset + j] = x));
        d.v.forEach((x, j) => (planted[m.offset + m.out + j] = x));
      }
      for (const method of ['logistic', 'svm', 'lstsq'] as const) {
        expect(Math.abs(await learnedCosine(space, method, planted)), method).toBeLessThan(0.5);
      }
    } finally {
      await space.close();
    }
  }, 60_000);
});
