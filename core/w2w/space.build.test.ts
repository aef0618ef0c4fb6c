import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing';
import { writePlantedCollection, type PlantedCollection } from './fixtures/planted-collection';
import { buildSpace, type BuiltSpace } from './space.build';
import { SpaceFile } from './space.file';
import { readRank1 } from './vectorize';

const dir = tempDir('atelier-w2w-build-');
let collection: PlantedCollection;
let built: BuiltSpace;

beforeAll(async () => {
  collection = await writePlantedCollection({ dir: dir.path, count: 24, scale: 16 });
  built = await buildSpace({
    name: 'test',
    layers: 'attn_v',
    standardize: 'zscore',
    members: collection.files.map((f) => ({ path: f.path })),
    destination: path.join(dir.path, 'spaces', 'test.space.safetensors'),
    overwrite: false,
    scratchDir: path.join(dir.path, 'scratch'),
  });
}, 60_000);
afterAll(() => dir.dispose());

describe('buildSpace', () => {
  it('keeps N − 1 components that explain everything, and writes a space file that reopens', async () => {
    expect(built.members).toHaveLength(24);
    expect(built.pca.m).toBe(23);
    expect(built.pca.explained).toBeGreaterThan(1 - 1e-9);
    expect(built.pca.reconstruction.max).toBeLessThan(1e-4);
    const space = await SpaceFile.open(built.file);
    try {
      expect(space.m).toBe(23);
      expect(space.header.layout.modules).toHaveLength(collection.modules.length);
      expect(space.header.members.map((m) => m.tensorHash)).toEqual(built.members.map((m) => m.tensorHash));
    } finally {
      await space.close();
    }
  });

  it('reconstructs a member from all components to 1e-4 relative', async () => {
    const space = await SpaceFile.open(built.file);
    try {
      for (const i of [0, 7, 23]) {
        const member = await readRank1(built.members[i]!.path);
        const theta = space.vectorOf(member.pairs);
        const c = await space.project(theta);
        const stored = space.coefficients.subarray(i * space.m, (i + 1) * space.m);
        for (let t = 0; t < space.m; t++) expect(c[t]).toBeCloseTo(stored[t]!, 3);
        const rebuilt = space.toParameters(await space.combine(stored));
        let err = 0;
        let norm = 0;
        for (let p = 0; p < theta.length; p++) {
          err += (theta[p]! - rebuilt[p]!) ** 2;
          norm += theta[p]! ** 2;
        }
        expect(Math.sqrt(err / norm)).toBeLessThan(1e-4);
      }
    } finally {
      await space.close();
    }
  });

  it('has orthonormal components', async () => {
    const space = await SpaceFile.open(built.file);
    try {
      const rows: Float32Array[] = [];
      await space.forEachComponents((_, count, values) => {
        for (let r = 0; r < count; r++)
          rows.push(values.slice(r * space.dimension, (r + 1) * space.dimension));
      });
      for (const [a, b] of [
        [0, 0],
        [0, 1],
        [5, 5],
        [3, 22],
      ] as const) {
        let dot = 0;
        for (let p = 0; p < space.dimension; p++) dot += rows[a]![p]! * rows[b]![p]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 4);
      }
    } finally {
      await space.close();
    }
  });
});
