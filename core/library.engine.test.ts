import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageList, Job, LoraDetail, LoraList } from './api';
import { createEngine } from './engine';
import type { Engine } from './engine.types';
import { minimalPng, tEXt } from './ingest';
import { generateSdxlLora } from './lora';
import { tempDir } from './testing';

let dir: ReturnType<typeof tempDir>;
let engine: Engine;

beforeEach(() => {
  dir = tempDir('atelier-library-engine-');
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
});
afterEach(() => {
  engine.dispose();
  dir.dispose();
});

const call = <T>(method: string, input: unknown = {}) => engine.invoke(method, input) as Promise<T>;

async function settle(kind: string): Promise<Job> {
  await expect
    .poll(async () => (await call<Job[]>('jobs.list')).filter((j) => j.kind === kind).map((j) => j.state), {
      timeout: 20_000,
    })
    .toContain('done');
  return (await call<Job[]>('jobs.list')).find((j) => j.kind === kind)!;
}

/** A PNG as A1111 writes it: its `parameters` text names the LoRA by tag and by AutoV3 hash. */
function a1111Png(parameters: string): Uint8Array {
  const png = minimalPng(8, 8);
  const iend = png.subarray(png.length - 12);
  return Buffer.concat([png.subarray(0, png.length - 12), tEXt('parameters', parameters), iend]);
}

describe('the library through the engine', () => {
  it('scans a ComfyUI install: LoRAs become browsable, get hashed, and images link to them by hash', async () => {
    const root = path.join(dir.path, 'ComfyUI');
    const loras = path.join(root, 'models', 'loras', 'sdxl');
    const output = path.join(root, 'output');
    mkdirSync(loras, { recursive: true });
    mkdirSync(output, { recursive: true });
    await generateSdxlLora(path.join(loras, 'inkwash.safetensors'), {
      rank: 2,
      scale: 32,
      textEncoders: false,
      seed: 1,
    });
    await generateSdxlLora(path.join(loras, 'copy of inkwash.safetensors'), {
      rank: 2,
      scale: 32,
      textEncoders: false,
      seed: 1,
    });
    await call('folders.add', { path: root });

    const scan = await call<Job>('library.scan');
    expect(scan.kind).toBe('library.scan');
    const done = await settle('library.scan');
    expect(done.result).toMatchObject({ loraFiles: { added: 2 } });
    await settle('library.hash');

    const list = await call<LoraList>('loras.list', { query: 'inkwash' });
    expect(list.total).toBe(2);
    const first = list.items[0]!;
    expect(first.baseModel).toBe('sdxl');
    expect(first.autoV3).toMatch(/^[0-9a-f]{12}$/);
    // Same weights under two names: duplicates by tensor hash.
    expect(first.duplicateCount).toBe(1);

    writeFileSync(
      path.join(output, 'ComfyUI_00001_.png'),
      a1111Png(
        `ink wash mountains <lora:inkwash:0.8>\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, CFG scale: 5, Seed: 42, Size: 8x8, Lora hashes: "inkwash: ${first.autoV3}"`,
      ),
    );
    await call('library.scan');
    await expect
      .poll(async () => (await call<ImageList>('images.list', { query: 'mountains' })).total, {
        timeout: 20_000,
      })
      .toBe(1);
    const images = await call<ImageList>('images.list', { query: 'mountains' });
    const image = images.items[0]!;
    expect(image.steps).toBe(30);
    expect(image.loras[0]).toMatchObject({ weight: 0.8, matchRule: 'autov3' });

    const detail = await call<LoraDetail>('loras.get', { id: image.loras[0]!.loraFileId });
    expect(detail.images.map((i) => i.id)).toEqual([image.id]);
    expect(await call('images.react', { imageId: image.id, kind: 'heart' })).toMatchObject({
      reactions: { heart: true },
    });
    const hearted = await call<ImageList>('images.list', { reaction: 'heart' });
    expect(hearted.items.map((i) => i.id)).toEqual([image.id]);
  });
});
