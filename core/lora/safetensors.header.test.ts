import { describe, expect, it } from 'vitest';
import { reasonOf } from './errors';
import { rawSafetensors } from './fixtures/broken-files';
import {
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  readHeaderLength,
  sniffPickle,
} from './safetensors.header';

function reasonFor(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return reasonOf(error);
  }
  return undefined;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

describe('parseSafetensorsHeader', () => {
  it('parses tensors in data order and string metadata', () => {
    const header = JSON.stringify({
      b: entry('F16', [2, 3], 16, 28),
      a: entry('F32', [2, 2], 0, 16),
      empty: entry('F32', [0, 4], 28, 28),
      __metadata__: { ss_network_dim: '4', proto: 'x' },
    }).replace('"proto"', '"__proto__"');
    const bytes = rawSafetensors(header, new Uint8Array(28));
    const parsed = parseSafetensorsHeader(bytes);
    expect([...parsed.tensors.keys()]).toEqual(['a', 'b', 'empty']);
    expect(parsed.tensors.get('b')).toEqual({ name: 'b', dtype: 'F16', shape: [2, 3], begin: 16, end: 28 });
    expect(parsed.metadata.ss_network_dim).toBe('4');
    expect(Object.getPrototypeOf(parsed.metadata)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(parsed.metadata, '__proto__')?.value).toBe('x');
    expect(parsed.dataOffset).toBe(8 + Buffer.byteLength(header));
    expect(parsed.dataLength).toBe(28);
  });

  it('accepts every safetensors dtype in a header, including ones it cannot decode', () => {
    const header = JSON.stringify({
      step: entry('I64', [], 0, 8),
      f8: entry('F8_E4M3', [4], 8, 12),
      flag: entry('BOOL', [1], 12, 13),
    });
    expect(parseSafetensorsHeader(rawSafetensors(header, new Uint8Array(13))).tensors.size).toBe(3);
  });

  it('checks spans against the file size when given only the header bytes', () => {
    const header = JSON.stringify({ a: entry('F32', [4], 0, 16) });
    const prefix = rawSafetensors(header);
    expect(parseSafetensorsHeader(prefix, prefix.length + 16).tensors.size).toBe(1);
    expect(reasonFor(() => parseSafetensorsHeader(prefix, prefix.length + 8))).toBe('data_truncated');
    expect(reasonFor(() => parseSafetensorsHeader(prefix.subarray(0, 20), prefix.length + 16))).toBe(
      'header_incomplete',
    );
  });

  it.each([
    ['shape with a negative size', { a: entry('F32', [-1], 0, 0) }, 'tensor_entry_malformed'],
    ['offsets that run backwards', { a: entry('F32', [1], 8, 4) }, 'tensor_entry_malformed'],
    ['missing data_offsets', { a: { dtype: 'F32', shape: [1] } }, 'tensor_entry_malformed'],
    ['entry that is a string', { a: 'F32' }, 'tensor_entry_malformed'],
    ['metadata that is an array', { __metadata__: ['a'] }, 'metadata_not_strings'],
    ['lower-case dtype', { a: entry('f32', [1], 0, 4) }, 'unknown_dtype'],
    ['shape product overflowing', { a: entry('F64', [2 ** 40, 2 ** 40], 0, 8) }, 'shape_bytes_mismatch'],
  ])('refuses a %s', (_label, header, reason) => {
    expect(
      reasonFor(() => parseSafetensorsHeader(rawSafetensors(JSON.stringify(header), new Uint8Array(16)))),
    ).toBe(reason);
  });

  it('treats zero-length tensors as never overlapping', () => {
    const header = JSON.stringify({ a: entry('F32', [2], 0, 8), b: entry('F32', [0], 4, 4) });
    expect(parseSafetensorsHeader(rawSafetensors(header, new Uint8Array(8))).tensors.size).toBe(2);
  });
});

describe('readHeaderLength', () => {
  it('bounds the header length', () => {
    const first = Buffer.alloc(8);
    first.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES + 1));
    expect(reasonFor(() => readHeaderLength(first, MAX_HEADER_BYTES * 2))).toBe('header_too_large');
    first.writeBigUInt64LE(0xffffffffffffffffn);
    expect(reasonFor(() => readHeaderLength(first, 100))).toBe('header_length_beyond_file');
  });

  it('recognizes pickles once their bytes fail to read as safetensors', () => {
    expect(sniffPickle(new Uint8Array([0x80, 0x04, 0x95]))).toBe('pickle');
    expect(sniffPickle(new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe('torch_zip');
    expect(sniffPickle(new Uint8Array([0x80, 0x01]))).toBeNull();
    expect(
      reasonFor(() => readHeaderLength(new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0, 0x2e, 0, 0]), 8)),
    ).toBe('pickle');
    // A pickle whose first bytes happen to read as a plausible length fails as JSON, then as a pickle.
    const plausible = new Uint8Array(8 + 0x0210).fill(0x20);
    plausible.set([0x80, 0x02, 0x10, 0, 0, 0, 0, 0, 0x7d, 0x71]);
    expect(reasonFor(() => parseSafetensorsHeader(plausible))).toBe('pickle');
  });

  it('reads a real file whose 640-byte header starts with the pickle opcode', () => {
    const body = JSON.stringify({ a: entry('F32', [1], 0, 4) });
    const bytes = rawSafetensors(body + ' '.repeat(0x280 - body.length), new Uint8Array(4));
    expect([...bytes.subarray(0, 2)]).toEqual([0x80, 0x02]);
    expect(parseSafetensorsHeader(bytes).tensors.size).toBe(1);
  });
});
