import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AtelierError, isAtelierError } from '../api';
import { hashLoraFile, writeSafetensors, type LoraHashes, type TensorToWrite } from '../lora';
import type { Rank1Pair, SpaceLayout } from './w2w.types';
import { unflatten } from './vectorize';

export interface ExportModule {
  readonly key: string;
  readonly out: number;
  readonly in: number;
  readonly kernel: readonly [number, number] | null;
  readonly pair: Rank1Pair;
}

/** Layout modules from a vector, plus `extra` modules (a LoRA's modules outside the space's layers). */
export function exportModules(
  layout: SpaceLayout,
  vector: Float32Array,
  extra: readonly ExportModule[] = [],
): ExportModule[] {
  const pairs = unflatten(layout, vector);
  const inLayout = layout.modules.map((m) => ({
    key: m.key,
    out: m.out,
    in: m.in,
    kernel: m.kernel,
    pair: pairs.get(m.key)!,
  }));
  const keys = new Set(inLayout.map((m) => m.key));
  return [...inLayout, ...extra.filter((m) => !keys.has(m.key))].sort((a, b) => a.key.localeCompare(b.key));
}

export interface ExportPlace {
  /** Exact file; refused if it exists. */
  readonly out?: string;
  /** A folder: the file gets the first free `<name>-NNN.safetensors`. */
  readonly dir?: string;
  readonly name: string;
}

export interface ExportedLora {
  readonly path: string;
  readonly bytes: number;
  readonly hashes: LoraHashes;
  readonly writeMs: number;
}

/**
 * Writes rank-1 modules as a kohya LoRA (`<key>.lora_up.weight` [out, 1], `.lora_down.weight`
 * [1, in], `.alpha` = 1, convolutions as [out, 1, 1, 1] and [1, in, kh, kw]) in float32, which
 * ComfyUI's LoRA loader reads as it is. ΔW = up·down·alpha/rank = u·vᵀ exactly. The name is always
 * new (ComfyUI caches LoRAs by file name), the write atomic, an existing file never replaced.
 */
export async function exportLora(
  modules: readonly ExportModule[],
  place: ExportPlace,
  metadata: Readonly<Record<string, string>>,
): Promise<ExportedLora> {
  const started = performance.now();
  const tensors: [string, TensorToWrite][] = [];
  for (const m of modules) {
    const kernel = m.kernel ?? null;
    const upShape = kernel ? [m.out, 1, 1, 1] : [m.out, 1];
    const downShape = kernel ? [1, m.in / (kernel[0] * kernel[1]), kernel[0], kernel[1]] : [1, m.in];
    tensors.push([`${m.key}.alpha`, { dtype: 'F32', shape: [], data: new Float32Array([1]) }]);
    tensors.push([`${m.key}.lora_down.weight`, { dtype: 'F32', shape: downShape, data: m.pair.v }]);
    tensors.push([`${m.key}.lora_up.weight`, { dtype: 'F32', shape: upShape, data: m.pair.u }]);
  }
  const fullMetadata = {
    ...metadata,
    ss_network_dim: '1',
    ss_network_alpha: '1',
    ss_network_module: 'networks.lora',
  };
  const write = (destination: string) =>
    writeSafetensors(destination, tensors, { metadata: fullMetadata, modelHash: 'stamp' });

  let written: { path: string; bytes: number };
  if (place.out !== undefined) {
    const destination = path.resolve(place.out);
    await mkdir(path.dirname(destination), { recursive: true });
    written = await write(destination);
  } else {
    const dir = path.resolve(place.dir ?? '.');
    await mkdir(dir, { recursive: true });
    const base = safeName(place.name);
    written = await firstFree(dir, base, write);
  }
  const writeMs = performance.now() - started;
  const hashes = await hashLoraFile(written.path);
  return { path: written.path, bytes: written.bytes, hashes, writeMs };
}

async function firstFree(
  dir: string,
  base: string,
  write: (destination: string) => Promise<{ path: string; bytes: number }>,
): Promise<{ path: string; bytes: number }> {
  for (let n = 1; n < 100_000; n++) {
    const destination = path.join(dir, `${base}-${String(n).padStart(3, '0')}.safetensors`);
    try {
      return await write(destination);
    } catch (error) {
      if (isAtelierError(error) && error.code === 'OUTPUT_EXISTS') continue;
      throw error;
    }
  }
  throw new AtelierError('OUTPUT_EXISTS', `Every name ${base}-NNN is taken in ${dir}.`);
}

/** A file name stem: letters, digits, “-”, “_”, “.”; nothing that hides or escapes the folder. */
export function safeName(name: string): string {
  const cleaned = name
    .replace(/\.safetensors$/i, '')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80);
  return cleaned === '' ? 'lora' : cleaned;
}
