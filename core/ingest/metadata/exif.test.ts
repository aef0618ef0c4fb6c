import { describe, expect, it } from 'vitest';
import { encodeTestImage } from '../../vision';
import { bytesSource } from './byte-source';
import { A1111_PARAMETERS, COMFYUI_PROMPT } from './fixtures/generation-texts';
import {
  exifBlock,
  insertJpegComment,
  insertJpegExif,
  userComment,
  webpWithExif,
} from './fixtures/metadata-writer';
import { readJpegContainer } from './jpeg.reader';
import { readExifTexts } from './tiff.reader';
import { decodeUserComment } from './user-comment';
import { readWebpContainer } from './webp.reader';

const codes = (problems: readonly { code: string }[]) => problems.map((p) => p.code);

describe('decodeUserComment', () => {
  const text = 'a cat, <lora:cat:0.5>\nSteps: 20';

  it('reads every character code, whichever byte order UTF-16 was written in', () => {
    for (const tiffLittleEndian of [false, true]) {
      expect(decodeUserComment(userComment(text, 'ascii'), tiffLittleEndian)).toBe(text);
      expect(decodeUserComment(userComment(text, 'unicode-be'), tiffLittleEndian)).toBe(text);
      expect(decodeUserComment(userComment(text, 'unicode-le'), tiffLittleEndian)).toBe(text);
      expect(decodeUserComment(userComment('猫 café', 'undefined'), tiffLittleEndian)).toBe('猫 café');
      expect(decodeUserComment(userComment(text, 'none'), tiffLittleEndian)).toBe(text);
    }
  });

  it('falls back to the TIFF byte order for UTF-16 with no ASCII to tell by, and honours a BOM', () => {
    const cjk = '桜花爛漫';
    expect(decodeUserComment(userComment(cjk, 'unicode-be'), false)).toBe(cjk);
    expect(decodeUserComment(userComment(cjk, 'unicode-le'), true)).toBe(cjk);
    expect(decodeUserComment(userComment('\uFEFF' + cjk, 'unicode-le'), false)).toBe(cjk);
  });

  it('drops NUL padding and tolerates odd lengths and tiny values', () => {
    const padded = Uint8Array.from([...userComment('abc', 'unicode-be'), 0, 0, 0]);
    expect(decodeUserComment(padded, false)).toBe('abc');
    expect(decodeUserComment(Uint8Array.of(0x41), false)).toBe('A');
    expect(decodeUserComment(new Uint8Array(0), false)).toBe('');
  });
});

describe('readExifTexts', () => {
  it('walks IFD0 to the Exif IFD in both byte orders, with or without the Exif prefix', () => {
    for (const littleEndian of [false, true]) {
      for (const exifPrefix of [false, true]) {
        const block = exifBlock({
          userComment: userComment(A1111_PARAMETERS, 'unicode-be'),
          strings: { 0x0110: `prompt:${COMFYUI_PROMPT}`, 0x010f: 'workflow:{}' },
          littleEndian,
          exifPrefix,
        });
        const { texts, problems } = readExifTexts(block);
        expect(problems).toEqual([]);
        expect(texts['UserComment']).toBe(A1111_PARAMETERS);
        expect(texts['Model']).toBe(`prompt:${COMFYUI_PROMPT}`);
        expect(texts['Make']).toBe('workflow:{}');
      }
    }
  });

  it('reports broken blocks instead of throwing', () => {
    const badPointer = readExifTexts(exifBlock({ userComment: userComment('x', 'ascii'), badPointer: true }));
    expect(codes(badPointer.problems)).toEqual(['bad_exif']);
    expect(codes(readExifTexts(Uint8Array.of(1, 2, 3)).problems)).toEqual(['bad_exif']);
    const wrongMagic = exifBlock({ strings: { 0x010e: 'x' } });
    wrongMagic[3] = 41;
    expect(codes(readExifTexts(wrongMagic).problems)).toEqual(['bad_exif']);
    const cut = exifBlock({ userComment: userComment('long enough to need an offset', 'ascii') });
    expect(codes(readExifTexts(cut.subarray(0, cut.length - 10)).problems)).toEqual(['bad_exif']);
    const hugeCount = exifBlock({ strings: { 0x010e: 'x' } });
    hugeCount[8] = 0xff;
    expect(codes(readExifTexts(hugeCount).problems)).toEqual(['bad_exif']);
  });
});

describe('readJpegContainer', () => {
  it('reads UserComment from APP1 and the frame size, as piexif writes them (A1111 JPEG)', async () => {
    const tiff = exifBlock({ userComment: userComment(A1111_PARAMETERS, 'unicode-be') });
    const jpeg = insertJpegExif(await encodeTestImage('jpeg', 80, 60), tiff);
    const meta = await readJpegContainer(bytesSource(jpeg));
    expect(meta).toMatchObject({ format: 'jpeg', width: 80, height: 60, problems: [] });
    expect(meta.texts['UserComment']).toBe(A1111_PARAMETERS);
  });

  it('reads a COM comment', async () => {
    const jpeg = insertJpegComment(await encodeTestImage('jpeg', 8, 8), 'Steps: 5, Seed: 1, Sampler: x');
    expect((await readJpegContainer(bytesSource(jpeg))).texts['Comment']).toBe(
      'Steps: 5, Seed: 1, Sampler: x',
    );
  });

  it('reports truncated and corrupt files, and refuses non-JPEG bytes', async () => {
    const jpeg = insertJpegExif(
      await encodeTestImage('jpeg', 8, 8),
      exifBlock({ userComment: userComment('x', 'ascii') }),
    );
    expect(codes((await readJpegContainer(bytesSource(jpeg.subarray(0, 20)))).problems)).toEqual([
      'truncated',
    ]);
    const corrupt = Uint8Array.from(jpeg);
    corrupt[4 + ((jpeg[4]! << 8) | jpeg[5]!)] = 0x00; // the marker after APP1
    expect(codes((await readJpegContainer(bytesSource(corrupt))).problems)).toEqual(['bad_chunk']);
    expect(codes((await readJpegContainer(bytesSource(Uint8Array.of(1, 2, 3)))).problems)).toEqual([
      'not_an_image',
    ]);
  });

  it('bounds the EXIF block it reads', async () => {
    const tiff = exifBlock({ userComment: userComment('x'.repeat(4000), 'ascii') });
    const jpeg = insertJpegExif(await encodeTestImage('jpeg', 8, 8), tiff);
    const meta = await readJpegContainer(bytesSource(jpeg), { maxTextBytes: 1000 });
    expect(meta.texts['UserComment']).toBeUndefined();
    expect(codes(meta.problems)).toEqual(['oversized']);
  });
});

describe('readWebpContainer', () => {
  it('reads the EXIF chunk with and without the Exif prefix Pillow adds, and the canvas size', async () => {
    const plain = await encodeTestImage('webp', 70, 50);
    for (const exifPrefix of [false, true]) {
      const exif = exifBlock({ userComment: userComment(A1111_PARAMETERS, 'unicode-be'), exifPrefix });
      const webp = webpWithExif(plain, exif, { width: 70, height: 50 });
      const meta = await readWebpContainer(bytesSource(webp));
      expect(meta).toMatchObject({ format: 'webp', width: 70, height: 50, problems: [] });
      expect(meta.texts['UserComment']).toBe(A1111_PARAMETERS);
    }
  });

  it('reads the size of simple lossy and lossless files', async () => {
    const lossy = await readWebpContainer(bytesSource(await encodeTestImage('webp', 33, 17)));
    expect([lossy.width, lossy.height]).toEqual([33, 17]);
    const sharp = (await import('sharp')).default;
    const lossless = new Uint8Array(
      await sharp(await encodeTestImage('png', 21, 13))
        .webp({ lossless: true })
        .toBuffer(),
    );
    const meta = await readWebpContainer(bytesSource(lossless));
    expect([meta.width, meta.height]).toEqual([21, 13]);
  });

  it('reports a truncated file', async () => {
    const webp = webpWithExif(
      await encodeTestImage('webp', 8, 8),
      exifBlock({ userComment: userComment('x', 'ascii') }),
      {
        width: 8,
        height: 8,
      },
    );
    const meta = await readWebpContainer(bytesSource(webp.subarray(0, webp.length - 5)));
    expect(codes(meta.problems)).toContain('truncated');
  });
});
