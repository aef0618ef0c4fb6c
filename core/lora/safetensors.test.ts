import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { dtypeSize } from './dtype';
import { fileSystemError, reasonOf } from './errors';
import { SafetensorsReader, withSafetensors } from './safetensors.reader';
import { type TensorToWrite, writeSafetensors } from './safetensors.writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-safetensors-'));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<AtelierError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AtelierError) return error;
    throw error;
  }
  throw new Error('expected a typed error');
}

const sample = (): [string, TensorToWrite][] => [
  ['half', { dtype: 'F16', shape: [3], data: Float32Array.from([1, -0.5, 65504]) }],
  ['single', { dtype: 'F32', shape: [2, 2], data: Float32Array.from([0.1, 0.2, 0.3, 0.4]) }],
  ['brain', { dtype: 'BF16', shape: [2], data: Float32Array.from([1.5, -2]) }],
  ['double', { dtype: 'F64', shape: [1], data: Float64Array.from([Math.PI]) }],
  ['steps', { dtype: 'I64', shape: [1], data: new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]) }],
  ['scalar', { dtype: 'F32', shape: [], data: Float32Array.from([8]) }],
];

describe('safetensors writer and reader', () => {
  it('round-trips tensors and metadata exactly', async () => {
    const first = path.join(dir, 'first.safetensors');
    const second = path.join(dir, 'second.safetensors');
    await writeSafetensors(first, sample(), { metadata: { ss_network_dim: '4', note: 'ünïcode ✓' } });

    await withSafetensors(first, async (reader) => {
      expect(reader.metadata).toEqual({ ss_network_dim: '4', note: 'ünïcode ✓' });
      expect(Array.from(await reader.readFloat32('half'))).toEqual([1, -0.5, 65504]);
      expect(await reader.readFloat32('single')).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
      expect(Array.from(await reader.readFloat32('brain'))).toEqual([1.5, -2]);
      expect(await reader.readScalar('scalar')).toBe(8);
      const copy: [string, TensorToWrite][] = [];
      for (const info of reader.tensors.values())
        copy.push([
          info.name,
          { dtype: info.dtype, shape: info.shape, data: await reader.readBytes(info.name) },
        ]);
      await writeSafetensors(second, copy, { metadata: reader.metadata, sourcePath: reader.path });
    });

    const [a, b] = await Promise.all([SafetensorsReader.open(first), SafetensorsReader.open(second)]);
    try {
      expect(b.metadata).toEqual(a.metadata);
      expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort());
      for (const info of a.tensors.values()) {
        expect(b.tensor(info.name).dtype).toBe(info.dtype);
        expect(b.tensor(info.name).shape).toEqual(info.shape);
        expect(await b.readBytes(info.name)).toEqual(await a.readBytes(info.name));
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(readFileSync(second)).toEqual(readFileSync(first));
  });

  it('pads the header with spaces to 8 bytes and keeps every tensor aligned', async () => {
    const file = path.join(dir, 'aligned.safetensors');
    await writeSafetensors(file, sample(), { metadata: { x: 'y' } });
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(bytes.subarray(8, 8 + n).toString('utf8')).toMatch(/} *$/);
    await withSafetensors(file, (reader) => {
      for (const info of reader.tensors.values())
        expect((reader.header.dataOffset + info.begin) % dtypeSize(info.dtype)).toBe(0);
    });
  });

  it('stamps sshs_model_hash with the hash of the tensor bytes when asked', async () => {
    const file = path.join(dir, 'stamped.safetensors');
    const result = await writeSafetensors(file, sample(), {
      metadata: { sshs_model_hash: 'stale', sshs_legacy_hash: 'stale' },
      modelHash: 'stamp',
    });
    const bytes = readFileSync(file);
    const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
    expect(result.tensorSha256).toBe(createHash('sha256').update(bytes.subarray(dataStart)).digest('hex'));
    await withSafetensors(file, (reader) => {
      expect(reader.metadata).toEqual({ sshs_model_hash: result.tensorSha256 });
    });
  });

  it('reads only the bytes of the tensor asked for', async () => {
    const file = path.join(dir, 'lazy.safetensors');
    await writeSafetensors(file, [
      ['big', { dtype: 'F32', shape: [1024, 256], data: new Float32Array(1024 * 256) }],
      ['small', { dtype: 'F32', shape: [2], data: Float32Array.from([3, 4]) }],
    ]);
    const reader = await SafetensorsReader.open(file);
    // Overwrite the big tensor's bytes on disk: a lazy reader still serves `small` correctly.
    const bytes = readFileSync(file);
    bytes.fill(
      0xff,
      reader.header.dataOffset + reader.tensor('big').begin,
      reader.header.dataOffset + reader.tensor('big').end,
    );
    writeFileSync(file, bytes);
    expect(Array.from(await reader.readFloat32('small'))).toEqual([3, 4]);
    await reader.close();
    expect(reader.isClosed).toBe(true);
  });

  it('refuses to decode integer tensors as weights, and unknown names', async () => {
    const file = path.join(dir, 'ints.safetensors');
    await writeSafetensors(file, sample());
    await withSafetensors(file, async (reader) => {
      expect(reasonOf(await caught(reader.readFloat32('steps')))).toBe('undecodable_dtype');
      expect(reasonOf(await caught(reader.readBytes('nope')))).toBe('tensor_not_found');
      expect(reasonOf(await caught(reader.readScalar('single')))).toBe('tensor_entry_malformed');
    });
  });

  it('types missing files and folders', async () => {
    expect((await caught(SafetensorsReader.open(path.join(dir, 'missing.safetensors')))).code).toBe(
      'PATH_NOT_FOUND',
    );
    expect(reasonOf(await caught(SafetensorsReader.open(dir)))).toBe('is_directory');
    if (existsSync('/dev/null'))
      expect(reasonOf(await caught(SafetensorsReader.open('/dev/null')))).toBe('not_a_file');
  });
});

describe('writer safety', () => {
  it('refuses to overwrite unless asked', async () => {
    const file = path.join(dir, 'out.safetensors');
    await writeSafetensors(file, sample());
    const error = await caught(writeSafetensors(file, sample()));
    expect(error.code).toBe('OUTPUT_EXISTS');
    expect(reasonOf(error)).toBe('output_exists');
    await writeSafetensors(file, sample().slice(0, 1), { overwrite: true });
    await withSafetensors(file, (reader) => expect(reader.tensors.size).toBe(1));
    expect(readdirSync(dir)).toEqual(['out.safetensors']);
  });

  it('refuses to write onto its source, even with overwrite or through a symlink', async () => {
    const source = path.join(dir, 'source.safetensors');
    await writeSafetensors(source, sample());
    const before = readFileSync(source);
    const link = path.join(dir, 'link.safetensors');
    symlinkSync(source, link);
    for (const destination of [source, link, path.join(dir, '.', 'source.safetensors')]) {
      const error = await caught(
        writeSafetensors(destination, sample().slice(0, 1), { sourcePath: source, overwrite: true }),
      );
      expect(error.code).toBe('OUTPUT_EXISTS');
      expect(reasonOf(error)).toBe('destination_is_source');
    }
    expect(readFileSync(source)).toEqual(before);
  });

  it('leaves nothing behind when a tensor fails mid-write', async () => {
    const file = path.join(dir, 'partial.safetensors');
    const tensors: [string, TensorToWrite][] = [
      ['ok', { dtype: 'F32', shape: [4], data: new Float32Array(4) }],
      ['bad', { dtype: 'F32', shape: [4], data: () => new Float32Array(3) }],
    ];
    const error = await caught(writeSafetensors(file, tensors));
    expect(error.code).toBe('INVALID_INPUT');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses malformed input before touching the disk', async () => {
    const file = path.join(dir, 'x.safetensors');
    const cases: [string, TensorToWrite][][] = [
      [['__metadata__', { dtype: 'F32', shape: [1], data: new Float32Array(1) }]],
      [['ints', { dtype: 'I32', shape: [1], data: new Float32Array(1) }]],
      [['shape', { dtype: 'F32', shape: [1.5], data: new Float32Array(1) }]],
    ];
    for (const tensors of cases)
      expect((await caught(writeSafetensors(file, tensors))).code).toBe('INVALID_INPUT');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('types a read-only folder', async () => {
    const readOnly = path.join(dir, 'locked');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    let target = readOnly;
    try {
      writeFileSync(path.join(readOnly, 'probe'), 'x');
      // Root ignores folder permissions; sysfs refuses new files even to root.
      rmSync(path.join(readOnly, 'probe'));
      target = '/sys';
    } catch {
      // The folder is read-only for this user, as intended.
    }
    if (target === '/sys' && !existsSync('/sys/kernel')) return;
    const error = await caught(writeSafetensors(path.join(target, 'out.safetensors'), sample()));
    expect(error.code).toBe('PATH_NOT_WRITABLE');
    expect(['permission_denied', 'read_only_file_system']).toContain(reasonOf(error));
    chmodSync(readOnly, 0o755);
  });

  it('maps write errors to typed codes', () => {
    const as = (code: string) => Object.assign(new Error(code), { code });
    const reasons = ['EROFS', 'EACCES', 'ENOSPC', 'ENOENT'].map((code) => {
      const error = fileSystemError(as(code), '/x/out.safetensors', 'write') as AtelierError;
      return [error.code, reasonOf(error)];
    });
    expect(reasons).toEqual([
      ['PATH_NOT_WRITABLE', 'read_only_file_system'],
      ['PATH_NOT_WRITABLE', 'permission_denied'],
      ['PATH_NOT_WRITABLE', 'disk_full'],
      ['PATH_NOT_FOUND', 'not_found'],
    ]);
    const unknown = as('EIO');
    expect(fileSystemError(unknown, '/x', 'write')).toBe(unknown);
  });
});
