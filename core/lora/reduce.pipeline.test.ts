import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { createRng, fillGaussian, svd } from '../math';
import { reasonOf } from './errors';
import { generateSdxlLora } from './fixtures/sdxl-lora.generator';
import { sdxlModuleTable } from './fixtures/sdxl-modules';
import { denseDelta, lowRankDelta } from './formats/delta';
import { hashLoraFile } from './hash';
import { inLayerSet } from './layer-set';
import { inspectLora, openLora } from './lora-file';
import type { LayerSet } from './lora.types';
import { createReducePool, reduceLoraFile, type ReducePool, type ReduceFileOptions } from './reduce.pipeline';
import { type TensorToWrite, writeSafetensors } from './safetensors.writer';

let dir: string;
/** A 1/32-scale SDXL LoRA with all 986 modules (names real, widths 20…320), rank 8, F16. */
let tiny: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-reduce-'));
  tiny = path.join(dir, 'tiny.safetensors');
  await generateSdxlLora(tiny, {
    rank: 8,
    alpha: 4,
    scale: 32,
    seed: 7,
    metadata: { sshs_legacy_hash: 'deadbeef', 'modelspec.hash_sha256': '0xfeed' },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder under `dir`, which afterAll removes with everything in it. */
function workDir(): string {
  const folder = path.join(dir, `work-${counter++}`);
  mkdirSync(folder);
  return folder;
}

function reduce(options: Partial<ReduceFileOptions> & { destination: string }) {
  return reduceLoraFile({
    source: tiny,
    rule: { kind: 'fixed', rank: 1 },
    layers: 'all',
    pool: null,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<AtelierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AtelierError) return error;
    throw new Error(`untyped failure: ${String(error)}`);
  }
  throw new Error('expected a typed error');
}

/** Every module's applied ΔW (scale included), read back through the reader, by canonical key. */
async function deltas(file: string): Promise<Map<string, { delta: Float32Array; out: number; inF: number }>> {
  const lora = await openLora(file);
  try {
    const load = (ref: { name: string }) => lora.reader.readFloat32(ref.name);
    const result = new Map<string, { delta: Float32Array; out: number; inF: number }>();
    for (const m of lora.parsed.modules) {
      const delta = m.type === 'lora' ? await lowRankDelta(m, load) : await denseDelta(m, load);
      result.set(m.key, { delta, out: m.outFeatures, inF: m.inFeatures });
    }
    return result;
  } finally {
    await lora.close();
  }
}

function relFrob(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    d += (x[i]! - ref[i]!) ** 2;
    n += ref[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

/** σ₁·u₁·v₁ᵀ from a dense double-precision SVD: the best rank-1 approximation. */
function bestRank1(delta: Float32Array, out: number, inF: number): { approx: Float64Array; s: Float64Array } {
  const { u, s, v } = svd(delta, out, inF);
  const p = s.length;
  const approx = new Float64Array(out * inF);
  for (let i = 0; i < out; i++)
    for (let j = 0; j < inF; j++) approx[i * inF + j] = u[i * p]! * s[0]! * v[j * p]!;
  return { approx, s };
}

describe('reduceLoraFile: correctness on a tiny SDXL LoRA', () => {
  it('at full rank reproduces every module’s ΔW to 1e-5 after write → read back', async () => {
    const out = path.join(workDir(), 'full.safetensors');
    const result = await reduce({ destination: out, rule: { kind: 'fixed', rank: 8 }, outputDtype: 'F32' });
    expect(result.modules.length).toBe(986);
    expect(result.skipped).toEqual([]);
    const before = await deltas(tiny);
    const after = await deltas(out);
    expect(after.size).toBe(986);
    let worst = 0;
    for (const [key, { delta }] of before) worst = Math.max(worst, relFrob(after.get(key)!.delta, delta));
    expect(worst).toBeLessThan(1e-5);
  });

  it('at rank 1 writes the truncated ΔW the report predicts (F32 to 1e-5, F16 to 2e-3)', async () => {
    const references = new Map(
      [...(await deltas(tiny))].map(([key, { delta, out, inF }]) => [key, bestRank1(delta, out, inF)]),
    );
    for (const [dtype, tolerance] of [
      ['F32', 1e-5],
      ['F16', 2e-3],
    ] as const) {
      const out = path.join(workDir(), `rank1-${dtype}.safetensors`);
      const result = await reduce({ destination: out, outputDtype: dtype });
      const after = await deltas(out);
      let worst = 0;
      for (const report of result.modules) {
        const { approx, s } = references.get(report.key)!;
        expect(report.newRank).toBe(1);
        expect(report.originalRank).toBe(8);
        expect(Math.abs(report.singularValues[0]! - s[0]!) / s[0]!).toBeLessThan(1e-6);
        const total = Math.sqrt(s.reduce((a, x) => a + x * x, 0));
        expect(report.energyKept).toBeCloseTo(s[0]! / total, 6);
        worst = Math.max(worst, relFrob(after.get(report.key)!.delta, approx));
      }
      expect(result.modules.length).toBe(986);
      expect(worst).toBeLessThan(tolerance);
    }
  });

  it('keeps exactly the modules of each layer set', async () => {
    const table = sdxlModuleTable({ scale: 32 });
    for (const layers of ['all', 'attn', 'attn_v', 'ff', 'ff+attn_v'] as const satisfies LayerSet[]) {
      const out = path.join(workDir(), `${layers}.safetensors`);
      const result = await reduce({ destination: out, layers });
      const expected = table.filter((m) => inLayerSet(m.kind, layers)).map((m) => m.key);
      const info = await inspectLora(out);
      expect(info.modules.map((m) => m.key).sort()).toEqual([...expected].sort());
      expect(result.totals.modulesSelected).toBe(expected.length);
      rmSync(out);
    }
  });

  it('gives a file inspectLora reads as a kohya SDXL LoRA of rank 1 everywhere, with honest metadata', async () => {
    const out = path.join(workDir(), 'styled-r1.safetensors');
    const result = await reduce({ destination: out });
    const info = await inspectLora(out);
    expect(info.format).toBe('kohya');
    expect(info.base.baseModel).toBe('sdxl');
    expect(info.moduleCount).toBe(986);
    expect(info.ranks).toEqual([{ rank: 1, modules: 986 }]);
    expect(info.modules.every((m) => m.alpha === 1)).toBe(true);
    expect(info.dtypes).toEqual({ F16: 986 * 2, F32: 986 });
    expect(info.problems).toEqual([]);

    const parent = await hashLoraFile(tiny);
    const own = await hashLoraFile(out);
    expect(result.hashes).toEqual(own);
    expect(result.sourceHashes).toEqual(parent);
    expect(info.training).toMatchObject({
      ss_network_module: 'networks.lora',
      ss_network_dim: '1',
      ss_network_alpha: '1',
      ss_base_model_version: 'sdxl_base_v1-0',
      sshs_model_hash: own.tensorSha256,
    });
    expect(info.training.sshs_legacy_hash).toBeUndefined();
    // Training details of the parent stay.
    expect(info.training.ss_tag_frequency).toContain('watercolor painting');
    expect(info.modelspec['modelspec.hash_sha256']).toBeUndefined();
    expect(info.modelspec['modelspec.architecture']).toBe('stable-diffusion-xl-v1-base/lora');
    expect(info.modelspec['modelspec.title']).toBe('styled-r1');
    expect(info.otherMetadata['atelier.parent.sha256']).toBe(parent.sha256);
    expect(info.otherMetadata['atelier.parent.tensor_hash']).toBe(parent.tensorSha256);
    expect(info.otherMetadata['atelier.parent.file_name']).toBe('tiny.safetensors');
    const operation = JSON.parse(info.otherMetadata['atelier.operation']!) as Record<string, unknown>;
    expect(operation).toMatchObject({ op: 'reduce', rule: { kind: 'fixed', rank: 1 }, layers: 'all' });
    expect(typeof operation.version).toBe('string');
    expect(result.totals).toMatchObject({ modulesReduced: 986, maxRank: 1, outputBytes: statSync(out).size });
  });

  it('uses known source hashes instead of hashing the source again', async () => {
    const out = path.join(workDir(), 'known.safetensors');
    const known = {
      sha256: 'a'.repeat(64),
      autoV2: 'a'.repeat(10),
      tensorSha256: 'b'.repeat(64),
      autoV3: 'b'.repeat(12),
    };
    const result = await reduce({ destination: out, layers: 'attn_v', sourceHashes: known });
    expect(result.timings.hashSource).toBe(0);
    expect((await inspectLora(out)).otherMetadata['atelier.parent.sha256']).toBe(known.sha256);
  });

  it('reports progress up to the number of selected modules', async () => {
    const seen: [number, number][] = [];
    await reduce({
      destination: path.join(workDir(), 'p.safetensors'),
      layers: 'ff',
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen.length).toBe(140);
    expect(seen.at(-1)).toEqual([140, 140]);
    expect(seen.every(([d], i) => d === i + 1)).toBe(true);
  });
});

describe('reduceLoraFile: refusals leave nothing behind', () => {
  const listing = (folder: string) => readdirSync(folder).sort();

  it('refuses an existing destination unless asked to overwrite', async () => {
    const folder = workDir();
    const out = path.join(folder, 'exists.safetensors');
    writeFileSync(out, 'keep me');
    const error = await failure(reduce({ destination: out }));
    expect(error.code).toBe('OUTPUT_EXISTS');
    expect(reasonOf(error)).toBe('output_exists');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(listing(folder)).toEqual(['exists.safetensors']);
    await reduce({ destination: out, layers: 'attn_v', overwrite: true });
    expect((await inspectLora(out)).moduleCount).toBe(140);
    expect(listing(folder)).toEqual(['exists.safetensors']);
  });

  it('refuses to write onto the source, even with overwrite, also through a symbolic link', async () => {
    const before = await hashLoraFile(tiny);
    const link = path.join(workDir(), 'link.safetensors');
    symlinkSync(tiny, link);
    for (const destination of [tiny, link]) {
      const error = await failure(reduce({ destination, overwrite: true }));
      expect(error.code).toBe('OUTPUT_EXISTS');
      expect(reasonOf(error)).toBe('destination_is_source');
    }
    expect(await hashLoraFile(tiny)).toEqual(before);
  });

  it('refuses a read-only folder and a missing one with typed errors', async () => {
    const folder = workDir();
    const locked = path.join(folder, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    let target = locked;
    try {
      writeFileSync(path.join(locked, 'probe'), 'x');
      rmSync(path.join(locked, 'probe'));
      // Root ignores folder permissions; sysfs refuses new files even to root.
      target = '/sys';
    } catch {
      // Read-only for this user, as intended.
    }
    if (target !== '/sys' || existsSync('/sys/kernel')) {
      const error = await failure(reduce({ destination: path.join(target, 'out.safetensors') }));
      expect(error.code).toBe('PATH_NOT_WRITABLE');
      if (target === locked) expect(listing(locked)).toEqual([]);
    }
    const missing = await failure(reduce({ destination: path.join(folder, 'nope', 'out.safetensors') }));
    expect(missing.code).toBe('PATH_NOT_FOUND');
    expect(listing(folder)).toEqual(['locked']);
  });

  it('refuses bad options and an empty layer selection before writing anything', async () => {
    const folder = workDir();
    const out = path.join(folder, 'bad.safetensors');
    expect((await failure(reduce({ destination: out, rule: { kind: 'fixed', rank: 0 } }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await failure(reduce({ destination: out, layers: 'everything' as LayerSet }))).code).toBe(
      'INVALID_INPUT',
    );
    const te = path.join(folder, 'te-only.safetensors');
    await generateSdxlLora(te, { rank: 4, scale: 32, filter: (m) => m.target !== 'unet' });
    const empty = await failure(reduce({ source: te, destination: out, layers: 'attn_v' }));
    expect(reasonOf(empty)).toBe('empty_layer_set');
    expect(listing(folder)).toEqual(['te-only.safetensors']);
  });

  it('stops on abort with CANCELLED and no output', async () => {
    const folder = workDir();
    const out = path.join(folder, 'aborted.safetensors');
    const controller = new AbortController();
    const pending = reduce({
      destination: out,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 10) controller.abort();
      },
    });
    expect((await failure(pending)).code).toBe('CANCELLED');
    expect(listing(folder)).toEqual([]);
  });
});

describe('reduceLoraFile: other module types', () => {
  it('reduces LoHa and LoKr modules from their dense ΔW when small, and skips the large ones', async () => {
    for (const layout of ['loha', 'lokr'] as const) {
      const folder = workDir();
      const source = path.join(folder, `${layout}.safetensors`);
      // 1/8 scale: 640-channel layers become 80 wide (reduced), 1280-channel ones 160 (over the limit).
      await generateSdxlLora(source, {
        layout,
        rank: 4,
        scale: 8,
        textEncoders: false,
        filter: (m) => m.kind === 'attn1_v',
      });
      const out = path.join(folder, 'out.safetensors');
      const result = await reduce({ source, destination: out, outputDtype: 'F32' });
      expect(result.modules.length).toBe(10);
      expect(result.skipped.length).toBe(60);
      expect(result.skipped[0]!.reason).toContain('too large');
      const before = await deltas(source);
      const after = await deltas(out);
      for (const m of result.modules) {
        const { delta, out: rows, inF } = before.get(m.key)!;
        expect(m.type).toBe(layout);
        expect(relFrob(after.get(m.key)!.delta, bestRank1(delta, rows, inF).approx)).toBeLessThan(1e-5);
      }
      expect((await inspectLora(out)).format).toBe('kohya');
      rmSync(folder, { recursive: true });
    }
  });

  it('keeps a convolution’s k×k down and 1×1 up shapes', async () => {
    const folder = workDir();
    const source = path.join(folder, 'locon.safetensors');
    const rng = createRng(11);
    const key = 'lora_unet_input_blocks_1_0_in_layers_2';
    await writeSafetensors(source, [
      [
        `${key}.lora_down.weight`,
        { dtype: 'F32', shape: [4, 6, 3, 3], data: fillGaussian(rng, new Float32Array(4 * 54), 0.1) },
      ],
      [
        `${key}.lora_up.weight`,
        { dtype: 'F32', shape: [10, 4, 1, 1], data: fillGaussian(rng, new Float32Array(40), 0.1) },
      ],
      [`${key}.alpha`, { dtype: 'F32', shape: [], data: new Float32Array([2]) }],
    ]);
    const out = path.join(folder, 'out.safetensors');
    await reduce({ source, destination: out });
    const lora = await openLora(out);
    expect(lora.reader.tensor(`${key}.lora_down.weight`).shape).toEqual([1, 6, 3, 3]);
    expect(lora.reader.tensor(`${key}.lora_up.weight`).shape).toEqual([10, 1, 1, 1]);
    await lora.close();
    const { delta } = (await deltas(source)).get(key)!;
    expect(relFrob((await deltas(out)).get(key)!.delta, bestRank1(delta, 10, 54).approx)).toBeLessThan(1e-5);
  });

  it('skips DoRA modules with a reason and reduces the rest', async () => {
    const folder = workDir();
    const source = path.join(folder, 'dora.safetensors');
    const rng = createRng(12);
    const a = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_v';
    const b = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q';
    const pair = (key: string): [string, TensorToWrite][] => [
      [
        `${key}.lora_down.weight`,
        { dtype: 'F32', shape: [2, 8], data: fillGaussian(rng, new Float32Array(16)) },
      ],
      [
        `${key}.lora_up.weight`,
        { dtype: 'F32', shape: [8, 2], data: fillGaussian(rng, new Float32Array(16)) },
      ],
    ];
    const dora: [string, TensorToWrite] = [
      `${a}.dora_scale`,
      { dtype: 'F32', shape: [8, 1], data: new Float32Array(8).fill(1) },
    ];
    await writeSafetensors(source, [...pair(a), ...pair(b), dora]);
    const result = await reduce({ source, destination: path.join(folder, 'out.safetensors') });
    expect(result.modules.map((m) => m.key)).toEqual([b]);
    expect(result.skipped).toEqual([{ key: a, reason: expect.stringContaining('DoRA') as string }]);
  });
});

describe('reduceLoraFile on worker threads', () => {
  let pool: ReducePool;
  beforeAll(() => {
    pool = createReducePool({ size: 2 })!;
  });
  afterAll(() => pool.dispose());

  it('writes the same tensors as the in-thread path', async () => {
    const folder = workDir();
    const here = await reduce({ destination: path.join(folder, 'here.safetensors') });
    const there = await reduce({ destination: path.join(folder, 'there.safetensors'), pool });
    expect(there.hashes.tensorSha256).toBe(here.hashes.tensorSha256);
    expect(there.modules).toEqual(here.modules);
    expect(pool.workers).toBe(2);
  });

  it('terminates the workers on abort and leaves no output', async () => {
    const folder = workDir();
    const controller = new AbortController();
    const pending = reduce({
      destination: path.join(folder, 'out.safetensors'),
      pool,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 5) controller.abort();
      },
    });
    expect((await failure(pending)).code).toBe('CANCELLED');
    expect(pool.workers).toBe(0);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('runs on a pool of its own when none is given, and stops it afterwards', async () => {
    const folder = workDir();
    const result = await reduceLoraFile({
      source: tiny,
      destination: path.join(folder, 'own.safetensors'),
      rule: { kind: 'sv_fro', target: 0.9, maxRank: 4 },
      layers: 'attn',
    });
    expect(result.modules.length).toBe(560);
    expect(result.totals.maxRank).toBeLessThanOrEqual(4);
    expect((await inspectLora(result.destination)).training.ss_network_dim).toBe(
      String(result.totals.maxRank),
    );
  });
});
