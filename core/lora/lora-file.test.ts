import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { reasonOf } from './errors';
import { type BrokenCase, writeBrokenCorpus } from './fixtures/broken-files';
import { generateSdxlLora } from './fixtures/sdxl-lora.generator';
import { inspectLora, openLora } from './lora-file';

let dir: string;
let corpus: BrokenCase[];
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-lora-file-'));
  corpus = await writeBrokenCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<AtelierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AtelierError) return error;
    throw new Error(`untyped failure: ${String(error)}`);
  }
  throw new Error('expected a typed error');
}

describe('inspectLora', () => {
  it('describes a full-size-named SDXL LoRA: format, base model, counts, ranks, metadata', async () => {
    const file = path.join(dir, 'style.safetensors');
    const generated = await generateSdxlLora(file, { rank: 4, alpha: 2, scale: 64, seed: 3 });
    const info = await inspectLora(file);
    expect(info.format).toBe('kohya');
    expect(info.base).toMatchObject({ baseModel: 'sdxl', confidence: 'high' });
    expect(info.moduleCount).toBe(986);
    expect(info.tensorCount).toBe(986 * 3);
    expect(info.countsByTarget).toEqual({ unet: 722, te1: 72, te2: 192 });
    expect(info.countsByKind.attn2_v).toBe(70);
    expect(info.countsByKind.proj_out).toBe(11);
    expect(info.countsByKind.te_mlp_fc1).toBe(44);
    expect(info.ranks).toEqual([{ rank: 4, modules: 986 }]);
    expect(info.modules.every((m) => m.alpha === 2)).toBe(true);
    expect(info.training.ss_network_dim).toBe('4');
    expect(info.training.sshs_model_hash).toBe(generated.tensorSha256);
    expect(info.modelspec['modelspec.architecture']).toBe('stable-diffusion-xl-v1-base/lora');
    expect(info.dtypes).toEqual({ F16: 986 * 3 });
    expect(info.problems).toEqual([]);
    expect(info.unmatchedKeys).toEqual([]);
    expect(info.valuesChecked).toBe(false);
  });

  it('reports module problems without throwing, and NaN/Inf only when asked to read values', async () => {
    const byName = (name: string) => corpus.find((c) => c.name === name)!.file;
    expect((await inspectLora(byName('up-without-down.safetensors'))).problems.map((p) => p.kind)).toEqual([
      'missing_down',
    ]);
    const lazy = await inspectLora(byName('nan-weights.safetensors'));
    expect(lazy.problems).toEqual([]);
    const checked = await inspectLora(byName('nan-weights.safetensors'), { checkValues: true });
    expect(checked.problems.map((p) => p.kind)).toEqual(['nan']);
    expect(checked.problems[0]?.message).toMatch(/1 NaN/);
    expect(checked.moduleCount).toBe(1);
  });
});

describe('broken corpus', () => {
  it('covers every failure the reader must type', () => {
    expect(corpus.map((c) => c.reason)).toEqual(
      expect.arrayContaining([
        'empty_file',
        'header_length_beyond_file',
        'header_not_json',
        'header_not_object',
        'unknown_dtype',
        'shape_bytes_mismatch',
        'overlapping_tensors',
        'span_outside_data',
        'data_truncated',
        'missing_down',
        'rank_mismatch',
        'nan',
        'inf',
        'checkpoint',
        'pickle',
      ]),
    );
  });

  it('answers each broken file with its own typed error and leaves no output or open handle behind', async () => {
    const before = readdirSync(dir).sort();
    const openFiles = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const handlesBefore = openFiles();
    for (const broken of corpus) {
      const error = await failure(openLora(broken.file, { checkValues: broken.needsValues === true }));
      expect([broken.name, error.code, reasonOf(error)]).toEqual([broken.name, broken.code, broken.reason]);
      expect(error.message.length).toBeGreaterThan(20);
      if (broken.stage === 'open') {
        const inspected = await failure(inspectLora(broken.file));
        expect([broken.name, reasonOf(inspected)]).toEqual([broken.name, broken.reason]);
      }
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(openFiles()).toBe(handlesBefore);
  });

  it('explains why pickles are refused', async () => {
    const pickle = corpus.find((c) => c.reason === 'pickle')!;
    const error = await failure(openLora(pickle.file));
    expect(error.message).toMatch(/run any code/);
    expect(error.message).toMatch(/\.safetensors/);
  });
});

describe('openLora', () => {
  it('serves tensors of a usable LoRA and closes its handle', async () => {
    const file = path.join(dir, 'open.safetensors');
    await generateSdxlLora(file, { rank: 2, scale: 128, textEncoders: false, dtype: 'F32' });
    const lora = await openLora(file, { checkValues: true });
    const first = lora.parsed.modules[0]!;
    expect(first.type).toBe('lora');
    if (first.type === 'lora')
      expect((await lora.reader.readFloat32(first.down.name)).length).toBe(first.rank * first.inFeatures);
    await lora.close();
    expect(lora.reader.isClosed).toBe(true);
  });
});
