import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing';
import { encodeTestImage } from './fixtures/test-images';
import { makeThumbnail, probeImage, ThumbnailCache, thumbnailPath } from './thumbnails';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('thumbnails', () => {
  let temp: ReturnType<typeof tempDir>;
  let images: string;
  let cache: string;

  beforeEach(() => {
    temp = tempDir('atelier-thumbs-');
    images = path.join(temp.path, 'images');
    cache = path.join(temp.path, 'cache');
    mkdirSync(images);
  });
  afterEach(() => temp.dispose());

  async function writeImage(name: string, format: 'png' | 'jpeg' | 'webp', width: number, height: number) {
    const file = path.join(images, name);
    writeFileSync(file, await encodeTestImage(format, width, height));
    return file;
  }

  it('writes a WebP that fits the box, keeps the aspect ratio, and never enlarges', async () => {
    const wide = await writeImage('wide.png', 'png', 400, 200);
    const thumb = await makeThumbnail(wide, cache, 128);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([128, 64]);

    const small = await writeImage('small.jpg', 'jpeg', 40, 30);
    const same = await sharp(await makeThumbnail(small, cache, 256)).metadata();
    expect([same.width, same.height]).toEqual([40, 30]);
  });

  it('is cached by path, size and mtime, and replaces the thumbnail of an older version', async () => {
    const file = await writeImage('a.webp', 'webp', 300, 300);
    const first = await makeThumbnail(file, cache, 64);
    const firstStat = statSync(first);
    expect(await makeThumbnail(file, cache, 64)).toBe(first);
    expect(statSync(first).mtimeMs).toBe(firstStat.mtimeMs);
    expect(await makeThumbnail(file, cache, 96)).not.toBe(first);

    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const second = await makeThumbnail(file, cache, 64);
    expect(second).not.toBe(first);
    expect(second).toBe(thumbnailPath(cache, file, 64, statSync(file)));
    const remaining = filesUnder(cache);
    expect(remaining).toHaveLength(2);
    expect(remaining.some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('leaves the source untouched and writes only inside the cache folder', async () => {
    const file = await writeImage('keep.png', 'png', 200, 100);
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    await makeThumbnail(file, cache, 64);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readdirSync(images)).toEqual(['keep.png']);
  });

  it('reports a file that is not an image, and a missing one, as typed errors with no temp file left', async () => {
    const bad = path.join(images, 'bad.png');
    writeFileSync(bad, 'not an image at all');
    await expect(makeThumbnail(bad, cache, 64)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(makeThumbnail(path.join(images, 'gone.png'), cache, 64)).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
    await expect(makeThumbnail(bad, cache, 5)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(filesUnder(cache)).toEqual([]);
  });

  it('probes width and height', async () => {
    const file = await writeImage('p.jpg', 'jpeg', 123, 45);
    expect(await probeImage(file)).toEqual({ width: 123, height: 45, format: 'jpeg' });
  });

  it('bounds concurrent decodes, shares one decode per thumbnail, and cancels queued work on dispose', async () => {
    const files = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => writeImage(`c${i}.png`, 'png', 300, 200)));
    const thumbs = new ThumbnailCache(cache, 2);
    const shared = [thumbs.thumbnail(files[0]!, 64), thumbs.thumbnail(files[0]!, 64)];
    expect(shared[0]).toBe(shared[1]);
    const all = await Promise.all([...shared, ...files.slice(1).map((f) => thumbs.thumbnail(f, 64))]);
    expect(new Set(all).size).toBe(files.length);

    const busy = files.map((f) => thumbs.thumbnail(f, 32));
    thumbs.dispose();
    const settled = await Promise.allSettled(busy);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(files.length - 2);
    await expect(thumbs.thumbnail(files[0]!, 48)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
