import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing';
import { rawSafetensors } from './fixtures/broken-files';
import { generateSdxlLora, type SdxlLoraLayout } from './fixtures/sdxl-lora.generator';
import { parseHeaderExact, parseSafetensorsHeader, readHeaderLength } from './safetensors.header';
import { parseHeaderFast } from './safetensors.header.fast';

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

function both(bytes: Uint8Array, fileSize = bytes.length) {
  const length = readHeaderLength(bytes, fileSize);
  return {
    fast: parseHeaderFast(bytes, length, fileSize),
    exact: parseHeaderExact(bytes, length, fileSize),
  };
}

/** The fast road must give exactly what the exact one gives: same tensors in the same order, same metadata. */
function expectSame(bytes: Uint8Array, fileSize = bytes.length): void {
  const { fast, exact } = both(bytes, fileSize);
  expect(fast).not.toBeNull();
  expect([...fast!.tensors.entries()]).toEqual([...exact.tensors.entries()]);
  expect(Object.entries(fast!.metadata)).toEqual(Object.entries(exact.metadata));
  expect(fast).toEqual(exact);
}

function exactOnly(headerText: string, data = new Uint8Array(64)): void {
  const bytes = rawSafetensors(headerText, data);
  expect(parseHeaderFast(bytes, readHeaderLength(bytes, bytes.length), bytes.length)).toBeNull();
}

describe('parseHeaderFast', () => {
  it.each<SdxlLoraLayout>(['kohya', 'peft', 'loha', 'lokr'])(
    'reads a generated %s LoRA exactly as JSON.parse does',
    async (layout) => {
      const dir = tempDir('atelier-fast-header-');
      try {
        const file = path.join(dir.path, `${layout}.safetensors`);
        await generateSdxlLora(file, {
          layout,
          scale: 64,
          metadata: { 'modelspec.title': 'Ünïcödé “title” 日本語', ss_tag_frequency: '{"a \\"b\\"": 1}' },
        });
        expectSame(await readFile(file));
      } finally {
        dir.dispose();
      }
    },
  );

  it('accepts any whitespace, field order, metadata position and unsorted offsets', () => {
    const header =
      ' \n{ "b" : { "shape" : [ 2 , 3 ] , "data_offsets" : [ 16 , 28 ] , "dtype" : "F16" } ,\t' +
      '"__metadata__" : { "k" : "v\\u00e9\\n", "proto": "x" } ,\r\n' +
      '"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}, "empty":{"dtype":"F32","shape":[0,4],"data_offsets":[28,28]},' +
      '"step":{"dtype":"I64","shape":[],"data_offsets":[28,36]} }   ';
    expectSame(rawSafetensors(header.replace('"proto"', '"__proto__"'), new Uint8Array(36)));
    expectSame(rawSafetensors('{}'));
    expectSame(rawSafetensors('{"__metadata__":{}}'));
  });

  it('checks spans against the whole file size, given only the header', () => {
    const prefix = rawSafetensors(JSON.stringify({ a: entry('F32', [4], 0, 16) }));
    expectSame(prefix, prefix.length + 16);
    const length = readHeaderLength(prefix, prefix.length + 8);
    expect(parseHeaderFast(prefix, length, prefix.length + 8)).toBeNull();
  });

  it.each([
    ['an escaped tensor name', '{"a\\u0062":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'],
    ['a non-ASCII tensor name', '{"é":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'],
    ['an integer-like tensor name', '{"1":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'],
    ['an extra field', '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}'],
    ['a repeated field', '{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}'],
    ['a missing field', '{"a":{"dtype":"F32","shape":[1]}}'],
    [
      'a repeated tensor',
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
    ],
    ['repeated metadata', '{"__metadata__":{},"__metadata__":{}}'],
    ['a leading zero', '{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}'],
    ['a negative size', '{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'],
    ['a fraction', '{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}'],
    ['an exponent', '{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}'],
    ['a huge number', '{"a":{"dtype":"F32","shape":[1234567890123456],"data_offsets":[0,4]}}'],
    ['three offsets', '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}'],
    ['an unknown dtype', '{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}'],
    ['a size mismatch', '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}'],
    [
      'overlapping tensors',
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
    ],
    ['metadata with a number', '{"__metadata__":{"a":1}}'],
    ['metadata that is a list', '{"__metadata__":["a"]}'],
    ['bad metadata JSON', '{"__metadata__":{"a":"\\x"}}'],
    ['a trailing comma', '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}'],
    ['text after the object', '{} x'],
    ['a second object', '{}{}'],
    ['a byte-order mark', '\ufeff{}'],
    ['a raw control character in a name', '{"a\tb":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'],
    ['a list at the top', '[]'],
  ])('leaves %s to the exact parser', (_label, header) => {
    exactOnly(header);
  });

  it('leaves invalid UTF-8 to the exact parser', () => {
    const bytes = rawSafetensors(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    expect(parseHeaderFast(bytes, readHeaderLength(bytes, bytes.length), bytes.length)).toBeNull();
  });

  it('is what parseSafetensorsHeader answers for a well-formed header', () => {
    const bytes = rawSafetensors(JSON.stringify({ a: entry('BF16', [2, 2], 0, 8) }), new Uint8Array(8));
    expect(parseSafetensorsHeader(bytes)).toEqual(
      parseHeaderExact(bytes, readHeaderLength(bytes, bytes.length), bytes.length),
    );
  });
});
