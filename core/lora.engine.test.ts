import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoraHashes, LoraInspection } from './api';
import { createEngine } from './engine';
import type { Engine } from './engine.types';
import { generateSdxlLora } from './lora';
import { tempDir } from './testing';

let dir: ReturnType<typeof tempDir>;
let engine: Engine;

beforeEach(() => {
  dir = tempDir('atelier-lora-engine-');
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
});
afterEach(() => {
  engine.dispose();
  dir.dispose();
});

describe('LoRA methods through the engine', () => {
  it('inspects a generated SDXL LoRA: format, base model, module counts and ranks', async () => {
    const file = path.join(dir.path, 'tiny.safetensors');
    await generateSdxlLora(file, { rank: 4, scale: 16, seed: 3 });
    const inspection = (await engine.invoke('lora.inspect', { path: file })) as LoraInspection;
    expect(inspection.format).toBe('kohya');
    expect(inspection.base.baseModel).toBe('sdxl');
    expect(inspection.moduleCount).toBe(986);
    expect(inspection.countsByTarget).toEqual({ unet: 722, te1: 72, te2: 192 });
    expect(inspection.ranks).toEqual([{ rank: 4, modules: 986 }]);
    expect(inspection.training.ss_network_dim).toBe('4');
  });

  it('hashes a file: AutoV2 and AutoV3 are prefixes of the two SHA-256s', async () => {
    const file = path.join(dir.path, 'tiny.safetensors');
    await generateSdxlLora(file, { rank: 2, scale: 32, textEncoders: false });
    const hashes = (await engine.invoke('lora.hash', { path: file })) as LoraHashes;
    expect(hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes.autoV2).toBe(hashes.sha256.slice(0, 10));
    expect(hashes.autoV3).toBe(hashes.tensorSha256?.slice(0, 12));
    expect(hashes.tensorSha256).not.toBe(hashes.sha256);
  });

  it('refuses a pickle without unpickling it, with a typed error', async () => {
    const file = path.join(dir.path, 'old.ckpt');
    writeFileSync(file, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
    await expect(engine.invoke('lora.inspect', { path: file })).rejects.toMatchObject({
      code: 'UNSAFE_FILE_FORMAT',
    });
  });
});

describe('lora.spectra', () => {
  it('returns every module’s singular values, filtered by layer set, matching the planted spectrum', async () => {
    const file = path.join(dir.path, 'planted.safetensors');
    // up = diag-like factors with known singular values: ΔW = up·down·(alpha/rank) with alpha = rank.
    await generateSdxlLora(file, {
      rank: 2,
      alpha: 2,
      scale: 32,
      textEncoders: false,
      factors: ({ role, shape }) => {
        const [rows, cols] = shape as [number, number];
        const data = new Float32Array(rows * cols);
        if (role === 'up') {
          data[0 * cols + 0] = 3;
          data[1 * cols + 1] = 0.5;
        } else {
          data[0 * cols + 0] = 1;
          data[1 * cols + 1] = 1;
        }
        return data;
      },
    });
    const all = (await engine.invoke('lora.spectra', { path: file })) as {
      modules: { singularValues: number[] }[];
    };
    expect(all.modules).toHaveLength(722);
    const onlyV = (await engine.invoke('lora.spectra', { path: file, layers: 'attn_v' })) as {
      modules: { kind: string; singularValues: number[] }[];
    };
    expect(onlyV.modules).toHaveLength(140);
    expect(new Set(onlyV.modules.map((m) => m.kind))).toEqual(new Set(['attn1_v', 'attn2_v']));
    for (const module of onlyV.modules) {
      expect(module.singularValues[0]).toBeCloseTo(3, 5);
      expect(module.singularValues[1]).toBeCloseTo(0.5, 5);
    }
  });
});

describe('lora.reduce', () => {
  async function waitForJob(id: number) {
    await expect
      .poll(async () => ((await engine.invoke('jobs.get', { id })) as { state: string }).state, {
        timeout: 20_000,
      })
      .toMatch(/done|failed|cancelled/);
    return (await engine.invoke('jobs.get', { id })) as {
      state: string;
      error: string | null;
      result: unknown;
    };
  }

  it('reduces to rank 1 as a job, keeps only the chosen layers, and names the file so it is new', async () => {
    const file = path.join(dir.path, 'portrait.safetensors');
    await generateSdxlLora(file, { rank: 8, scale: 16, seed: 5 });
    const job = (await engine.invoke('lora.reduce', { path: file, layers: 'attn_v' })) as { id: number };
    const done = await waitForJob(job.id);
    expect(done.error).toBeNull();
    const result = done.result as { destination: string; modules: { newRank: number }[] };
    expect(result.destination).toBe(path.join(dir.path, 'portrait-attn_v-rank1.safetensors'));
    expect(result.modules).toHaveLength(140);
    const inspection = (await engine.invoke('lora.inspect', { path: result.destination })) as LoraInspection;
    expect(inspection.moduleCount).toBe(140);
    expect(inspection.ranks).toEqual([{ rank: 1, modules: 140 }]);

    const again = (await engine.invoke('lora.reduce', { path: file, layers: 'attn_v' })) as { id: number };
    const second = (await waitForJob(again.id)).result as { destination: string };
    expect(second.destination).toBe(path.join(dir.path, 'portrait-attn_v-rank1-2.safetensors'));
  });

  it('refuses to overwrite an existing output or the source with a typed error, before any job starts', async () => {
    const file = path.join(dir.path, 'a.safetensors');
    await generateSdxlLora(file, { rank: 2, scale: 32, textEncoders: false });
    const out = path.join(dir.path, 'taken.safetensors');
    writeFileSync(out, 'keep me');
    await expect(engine.invoke('lora.reduce', { path: file, out })).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
    });
    await expect(engine.invoke('lora.reduce', { path: file, out: file })).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
    });
    expect(await engine.invoke('jobs.list', {})).toEqual([]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });
});
