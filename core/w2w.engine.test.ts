import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Job,
  W2wDirection,
  W2wExport,
  W2wPreview,
  W2wProjection,
  W2wSpaceInfo,
  W2wSpaceSummary,
} from './api';
import { createEngine } from './engine';
import type { Engine } from './engine.types';
import { hashLoraFile } from './lora';
import { tempDir } from './testing';
import { readRank1, writePlantedCollection, type PlantedCollection } from './w2w';

const dir = tempDir('atelier-w2w-engine-');
let engine: Engine;
let collection: PlantedCollection;

async function call<T>(method: string, input: unknown): Promise<T> {
  return (await engine.invoke(method, input)) as T;
}

async function waitForJob(id: number): Promise<Job> {
  for (const started = Date.now(); Date.now() - started < 60_000;) {
    const job = await call<Job>('jobs.get', { id });
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish in 60 s`);
}

/** ΔW = u·vᵀ of a rank-1 pair. */
function outer(u: Float32Array, v: Float32Array): Float64Array {
  const out = new Float64Array(u.length * v.length);
  for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) out[i * v.length + j] = u[i]! * v[j]!;
  return out;
}

beforeAll(async () => {
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
  mkdirSync(path.join(dir.path, 'loras'));
  collection = await writePlantedCollection({ dir: path.join(dir.path, 'loras'), count: 20, scale: 16 });
  const job = await call<Job>('w2w.build', {
    name: 'planted',
    layers: 'attn_v',
    loras: collection.files.map((f) => f.path),
  });
  const done = await waitForJob(job.id);
  expect(done.state, done.error ?? '').toBe('done');
}, 120_000);
afterAll(() => {
  engine.dispose();
  dir.dispose();
});

const positives = () => collection.files.filter((f) => f.label === 1).map((f) => f.path);
const negatives = () => collection.files.filter((f) => f.label === -1).map((f) => f.path);

describe('w2w through the engine', () => {
  it('lists and describes the space', async () => {
    const list = await call<W2wSpaceSummary[]>('w2w.list', {});
    expect(list.map((s) => s.name)).toEqual(['planted']);
    const info = await call<W2wSpaceInfo>('w2w.info', { space: 'planted' });
    expect(info).toMatchObject({ baseModel: 'sdxl', layers: 'attn_v', memberCount: 20, components: 19 });
    expect(info.members).toHaveLength(20);
    expect(info.reconstruction.max).toBeLessThan(1e-4);
  });

  it('refuses a second space of the same name, and a space over too few LoRAs, before queuing a job', async () => {
    await expect(call('w2w.build', { name: 'planted', loras: positives() })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(call('w2w.build', { name: 'empty' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('learns a direction from files, with accuracy and label counts', async () => {
    const direction = await call<W2wDirection>('w2w.direction', {
      space: 'planted',
      name: 'planted',
      positive: positives(),
      negative: negatives(),
      method: 'logistic',
    });
    expect(direction).toMatchObject({ positiveCount: 10, negativeCount: 10, method: 'logistic' });
    expect(direction.accuracy).toBeGreaterThan(0.9);
    const projection = await call<W2wProjection>('w2w.project', { space: 'planted', x: 'planted' });
    expect(projection.points).toHaveLength(20);
    const pos = projection.points.filter((p) => p.label === 'positive').map((p) => p.x);
    const neg = projection.points.filter((p) => p.label === 'negative').map((p) => p.x);
    expect(Math.min(...pos)).toBeGreaterThan(Math.max(...neg));
  });

  it('moves the probability monotonically with the strength, both ways', async () => {
    const lora = collection.files[1]!.path; // a negative
    let last = -1;
    for (const strength of [-3, -2, -1, 0, 1, 2, 3]) {
      const preview = await call<W2wPreview>('w2w.preview', {
        space: 'planted',
        lora,
        directions: [`planted=${strength}`],
        plot: ['planted', 'planted'],
      });
      const readout = preview.readouts[0]!;
      expect(readout.probability).toBeGreaterThan(last);
      last = readout.probability;
      expect(preview.point!.x).toBeCloseTo(readout.coefficient, 6);
      if (strength === 0) expect(preview.distance).toBe(0);
      else expect(preview.distance).toBeGreaterThan(0);
    }
  });

  it('plots against the first principal component (@pc1)', async () => {
    const lora = collection.files[1]!.path;
    const at = (strength: number) =>
      call<W2wPreview>('w2w.preview', {
        space: 'planted',
        lora,
        directions: [`planted=${strength}`],
        plot: ['planted', '@pc1'],
      });
    const [still, moved] = await Promise.all([at(0), at(2)]);
    const projection = await call<W2wProjection>('w2w.project', { space: 'planted', x: 'planted' });
    expect(projection.yLabel).toBe('principal component 1');
    expect(still.point!.y).toBeCloseTo(projection.points[1]!.y, 6);
    expect(moved.point!.x).toBeGreaterThan(still.point!.x);
  });

  it('exports with strength 0 a LoRA whose ΔW equals the rank-1 input’s', async () => {
    const lora = collection.files[2]!.path;
    const out = path.join(dir.path, 'exports', 'zero.safetensors');
    const exported = await call<W2wExport>('w2w.edit', {
      space: 'planted',
      lora,
      directions: ['planted=0'],
      out,
    });
    expect(exported.path).toBe(out);
    const [before, after] = await Promise.all([
      readRank1(lora, { canonical: false }),
      readRank1(out, { canonical: false }),
    ]);
    expect(after.pairs.size).toBe(before.pairs.size);
    for (const [key, pair] of before.pairs) {
      const a = outer(pair.u, pair.v);
      const b = outer(after.pairs.get(key)!.u, after.pairs.get(key)!.v);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < a.length; i++) {
        err += (a[i]! - b[i]!) ** 2;
        norm += a[i]! ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-6);
    }
  });

  it('exports an edit that reads back with the predicted weights, under a fresh name each time', async () => {
    const lora = collection.files[3]!.path;
    const outDir = path.join(dir.path, 'comfy-like');
    const first = await call<W2wExport>('w2w.edit', {
      space: 'planted',
      lora,
      directions: ['planted=2'],
      outDir,
    });
    const second = await call<W2wExport>('w2w.edit', {
      space: 'planted',
      lora,
      directions: ['planted=2'],
      outDir,
    });
    expect(path.basename(first.path)).toMatch(/-w2w-001\.safetensors$/);
    expect(path.basename(second.path)).toMatch(/-w2w-002\.safetensors$/);
    expect(first.readouts[0]!.probability).toBeGreaterThan(0.5);
    const record = JSON.parse((await readRank1(first.path)).metadata.atelier_w2w!) as {
      space: string;
      directions: { direction: string; strength: number }[];
      parent: { sha256: string; tensorSha256: string };
    };
    const parent = await hashLoraFile(lora);
    expect(record).toMatchObject({
      space: 'planted',
      directions: [{ direction: 'planted', strength: 2 }],
      parent: { sha256: parent.sha256, tensorSha256: parent.tensorSha256 },
    });
    // Read back: the edited file, projected into the space, sits where the read-outs said.
    const preview = await call<W2wPreview>('w2w.preview', {
      space: 'planted',
      lora: first.path,
      directions: [],
    });
    // Re-reading re-balances each pair's split (‖u‖ = ‖v‖), which moves the point a little.
    expect(preview.reconstructionError).toBeLessThan(0.1);
    const projected = await call<W2wPreview>('w2w.preview', {
      space: 'planted',
      lora: first.path,
      directions: ['planted=0'],
    });
    const predicted = first.readouts[0]!.coefficient;
    expect(Math.abs(projected.readouts[0]!.coefficient - predicted)).toBeLessThan(0.1 * Math.abs(predicted));
    // The file holds exactly θ + α·d: two strengths differ by a multiple of the same step.
    const zero = await call<W2wExport>('w2w.edit', {
      space: 'planted',
      lora,
      directions: ['planted=0'],
      outDir,
    });
    const third = await call<W2wExport>('w2w.edit', {
      space: 'planted',
      lora,
      directions: ['planted=4'],
      outDir,
    });
    const read = (file: string) => readRank1(file, { canonical: false });
    const [base, two, four] = await Promise.all([read(zero.path), read(first.path), read(third.path)]);
    const key = [...base.pairs.keys()][0]!;
    const step2 = two.pairs.get(key)!.u.map((x, i) => x - base.pairs.get(key)!.u[i]!);
    const step4 = four.pairs.get(key)!.u.map((x, i) => x - base.pairs.get(key)!.u[i]!);
    step2.forEach((x, i) => expect(step4[i]!).toBeCloseTo(2 * x, 4));
  });

  it('samples a new LoRA from the space', async () => {
    const out = path.join(dir.path, 'exports', 'sample.safetensors');
    const sample = await call<W2wExport>('w2w.sample', { space: 'planted', seed: 3, out });
    expect(sample.modules).toBe(collection.modules.length);
    const preview = await call<W2wPreview>('w2w.preview', { space: 'planted', lora: out, directions: [] });
    // In the space up to the re-balancing of each pair's split on reading.
    expect(preview.reconstructionError).toBeLessThan(0.1);
  });

  it('says what is missing: unknown space, direction, no ComfyUI folder', async () => {
    const lora = collection.files[0]!.path;
    await expect(call('w2w.info', { space: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      call('w2w.preview', { space: 'planted', lora, directions: ['nope=1'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      call('w2w.edit', { space: 'planted', lora, directions: ['planted=1'] }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
