import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeTestImage } from '../../vision';
import { bytesSource } from './byte-source';
import { A1111_PARAMETERS, COMFYUI_PROMPT, COMFYUI_WORKFLOW } from './fixtures/generation-texts';
import { insertPngChunks, iTXt, minimalPng, pngChunk, tEXt, zTXt } from './fixtures/metadata-writer';
import type { ByteSource } from './metadata.types';
import { readPngContainer } from './png.reader';

const read = (bytes: Uint8Array, maxTextBytes?: number) =>
  readPngContainer(bytesSource(bytes), maxTextBytes === undefined ? undefined : { maxTextBytes });

const codes = (problems: readonly { code: string }[]) => problems.map((p) => p.code);

describe('readPngContainer', () => {
  it('reads A1111 parameters from a real PNG, with its size', async () => {
    const png = insertPngChunks(await encodeTestImage('png', 64, 48), [tEXt('parameters', A1111_PARAMETERS)]);
    const meta = await read(png);
    expect(meta).toMatchObject({ format: 'png', width: 64, height: 48, problems: [] });
    expect(meta.texts['parameters']).toBe(A1111_PARAMETERS);
  });

  it('reads ComfyUI prompt and workflow, tEXt and compressed, also when written after the image data', async () => {
    const png = insertPngChunks(
      minimalPng(),
      [tEXt('prompt', COMFYUI_PROMPT), zTXt('workflow', COMFYUI_WORKFLOW)],
      'end',
    );
    const meta = await read(png);
    expect(meta.problems).toEqual([]);
    expect(meta.texts['prompt']).toBe(COMFYUI_PROMPT);
    expect(meta.texts['workflow']).toBe(COMFYUI_WORKFLOW);
  });

  it('reads iTXt as UTF-8, compressed or not', async () => {
    const text =
      '桜の下の少女, <lora:sakura:0.7>\nNegative prompt: ぼやけ\nSteps: 20, Sampler: Euler, Seed: 1';
    for (const compressed of [false, true]) {
      const meta = await read(insertPngChunks(minimalPng(), [iTXt('parameters', text, { compressed })]));
      expect(meta.problems).toEqual([]);
      expect(meta.texts['parameters']).toBe(text);
    }
  });

  it('decodes tEXt as Latin-1 per the spec, but as UTF-8 when a writer put valid UTF-8 there', async () => {
    const latin = await read(insertPngChunks(minimalPng(), [tEXt('parameters', 'café crème')]));
    expect(latin.texts['parameters']).toBe('café crème');
    const utf8 = await read(
      insertPngChunks(minimalPng(), [tEXt('parameters', 'café 桜', { encoding: 'utf8' })]),
    );
    expect(utf8.texts['parameters']).toBe('café 桜');
  });

  it('replaces invalid UTF-8 in iTXt and says so', async () => {
    const bytes = Uint8Array.of(0x61, 0xff, 0xfe, 0x62);
    const meta = await read(insertPngChunks(minimalPng(), [iTXt('parameters', bytes)]));
    expect(meta.texts['parameters']).toBe('a\uFFFD\uFFFDb');
    expect(codes(meta.problems)).toEqual(['bad_text_encoding']);
  });

  it('skips a chunk with a bad CRC and keeps reading the others', async () => {
    const png = insertPngChunks(minimalPng(), [
      tEXt('parameters', 'broken', { badCrc: true }),
      tEXt('prompt', '{}'),
    ]);
    const meta = await read(png);
    expect(meta.texts['parameters']).toBeUndefined();
    expect(meta.texts['prompt']).toBe('{}');
    expect(codes(meta.problems)).toEqual(['bad_crc']);
  });

  it('bounds text chunks and inflated text', async () => {
    const big = await read(
      insertPngChunks(minimalPng(), [tEXt('parameters', 'x'.repeat(5000)), tEXt('prompt', 'ok')]),
      1000,
    );
    expect(big.texts['parameters']).toBeUndefined();
    expect(big.texts['prompt']).toBe('ok');
    expect(codes(big.problems)).toEqual(['oversized']);

    // 1 MB of zeros deflates to about 1 KB: a small chunk that would inflate far past the bound.
    const bomb = pngChunk(
      'zTXt',
      Uint8Array.from([...Buffer.from('workflow\0\0'), ...deflateSync(new Uint8Array(1 << 20))]),
    );
    const inflated = await read(insertPngChunks(minimalPng(), [bomb]), 64 * 1024);
    expect(inflated.texts['workflow']).toBeUndefined();
    expect(codes(inflated.problems)).toEqual(['oversized']);
  });

  it('reports corrupt compressed data, missing keywords and unknown compression', async () => {
    const corrupt = pngChunk('zTXt', Uint8Array.from([...Buffer.from('prompt\0\0'), 1, 2, 3, 4]));
    const noKeyword = pngChunk('tEXt', Buffer.from('no separator here'));
    const method = pngChunk('zTXt', Uint8Array.from([...Buffer.from('prompt\0'), 7, 1, 2]));
    const meta = await read(insertPngChunks(minimalPng(), [corrupt, noKeyword, method]));
    expect(codes(meta.problems)).toEqual(['inflate_failed', 'bad_chunk', 'bad_chunk']);
  });

  it('keeps the first of two chunks with one keyword, and treats __proto__ as a plain keyword', async () => {
    const meta = await read(
      insertPngChunks(minimalPng(), [
        tEXt('prompt', 'first'),
        tEXt('prompt', 'second'),
        tEXt('__proto__', 'x'),
      ]),
    );
    expect(meta.texts['prompt']).toBe('first');
    expect(Object.keys(meta.texts)).toEqual(['prompt', '__proto__']);
  });

  it('reports truncated files and keeps what came before the cut', async () => {
    const png = insertPngChunks(minimalPng(), [tEXt('parameters', 'kept'), tEXt('prompt', 'cut off')]);
    const cut = png.subarray(0, Buffer.from(png).indexOf('cut off') + 3);
    const meta = await read(cut);
    expect(meta.texts['parameters']).toBe('kept');
    expect(meta.texts['prompt']).toBeUndefined();
    expect(codes(meta.problems)).toContain('truncated');

    const noEnd = await read(png.subarray(0, png.length - 12));
    expect(codes(noEnd.problems)).toEqual(['truncated']);
    expect((await read(png.subarray(0, 5))).problems[0]?.code).toBe('not_an_image');
  });

  it('stops at a chunk whose type is not letters (garbage), without throwing', async () => {
    const png = minimalPng();
    const garbage = Uint8Array.from([
      ...png.subarray(0, 33),
      0,
      0,
      0,
      4,
      0x00,
      0x01,
      0x02,
      0x03,
      1,
      2,
      3,
      4,
      0,
      0,
      0,
      0,
    ]);
    const meta = await read(garbage);
    expect(meta.width).toBe(2);
    expect(codes(meta.problems)).toEqual(['bad_chunk']);
  });

  it('skips image data by offset: a 4 MB image costs a few small reads', async () => {
    const idat = pngChunk('IDAT', new Uint8Array(4 << 20));
    const png = insertPngChunks(
      insertPngChunks(minimalPng(), [idat]),
      [tEXt('parameters', 'after the data')],
      'end',
    );
    let bytesRead = 0;
    const inner = bytesSource(png);
    const counting: ByteSource = {
      size: inner.size,
      read: async (offset, length) => {
        const bytes = await inner.read(offset, length);
        bytesRead += bytes.length;
        return bytes;
      },
    };
    const meta = await readPngContainer(counting);
    expect(meta.texts['parameters']).toBe('after the data');
    expect(bytesRead).toBeLessThan(300 * 1024);
  });
});
