import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { reasonOf } from './errors';
import { hashLoraFile } from './hash';
import { writeSafetensors } from './safetensors.writer';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-hash-'));
  file = path.join(dir, 'x.safetensors');
  // Over 2 MB so hashing spans several chunks and the header/data boundary sits inside the first one.
  const big = new Float32Array(700_000).map((_, i) => Math.sin(i));
  await writeSafetensors(file, [['w', { dtype: 'F32', shape: [big.length], data: big }]], {
    metadata: { a: 'b' },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('hashLoraFile', () => {
  it('computes full-file and tensor-data SHA-256 with AutoV2/AutoV3 prefixes', async () => {
    const bytes = readFileSync(file);
    const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
    const progress: number[] = [];
    const hashes = await hashLoraFile(file, {
      chunkSize: 1024 * 1024,
      onProgress: (p) => progress.push(p.bytesDone),
    });
    expect(hashes.sha256).toBe(sha(bytes));
    expect(hashes.autoV2).toBe(sha(bytes).slice(0, 10));
    expect(hashes.tensorSha256).toBe(sha(bytes.subarray(dataStart)));
    expect(hashes.autoV3).toBe(sha(bytes.subarray(dataStart)).slice(0, 12));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('still hashes a file that is not safetensors, without a tensor hash', async () => {
    const other = path.join(dir, 'notes.txt');
    writeFileSync(other, 'hello');
    expect(await hashLoraFile(other)).toEqual({
      sha256: sha(Buffer.from('hello')),
      autoV2: sha(Buffer.from('hello')).slice(0, 10),
      tensorSha256: null,
      autoV3: null,
    });
  });

  it('stops with CANCELLED when aborted', async () => {
    const controller = new AbortController();
    const run = hashLoraFile(file, {
      chunkSize: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtelierError);
    expect((error as AtelierError).code).toBe('CANCELLED');
    expect(reasonOf(error)).toBe('aborted');
  });

  it('types a missing file', async () => {
    const error = await hashLoraFile(path.join(dir, 'missing')).catch((e: unknown) => e);
    expect((error as AtelierError).code).toBe('PATH_NOT_FOUND');
  });
});
