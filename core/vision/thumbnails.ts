import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AtelierError } from '../api';
import type { Disposable } from '../common';

export const MIN_THUMBNAIL_SIZE = 16;
export const MAX_THUMBNAIL_SIZE = 2048;

export interface ImageProbe {
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_THUMBNAIL_SIZE || size > MAX_THUMBNAIL_SIZE) {
    throw new AtelierError(
      'INVALID_INPUT',
      `A thumbnail size must be a whole number from ${MIN_THUMBNAIL_SIZE} to ${MAX_THUMBNAIL_SIZE}; got ${size}.`,
    );
  }
}

async function statSource(source: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    return await stat(source);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new AtelierError('PATH_NOT_FOUND', `${source} is gone. Rescan the folder to update the library.`);
    }
    throw error;
  }
}

function undecodable(source: string, error: unknown): AtelierError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AtelierError('INVALID_INPUT', `${source} could not be read as an image (${reason}).`);
}

/**
 * Where the thumbnail of one version of a file lives. The source's size and mtime are in the name,
 * so an edited image gets a new thumbnail without the cache having to be told.
 */
export function thumbnailPath(
  cacheDir: string,
  source: string,
  size: number,
  version: { size: number; mtimeMs: number },
): string {
  const key = createHash('sha1').update(path.resolve(source)).digest('hex');
  return path.join(
    cacheDir,
    key.slice(0, 2),
    `${key}-${size}-${Math.trunc(version.mtimeMs)}-${version.size}.webp`,
  );
}

/**
 * Writes (or finds) a WebP thumbnail of `source` fitting in size×size, EXIF orientation applied.
 * Written to a temporary name and renamed, so a reader never sees half a file; older versions of
 * the same thumbnail are removed. The source is only read.
 */
export async function makeThumbnail(source: string, cacheDir: string, size: number): Promise<string> {
  checkSize(size);
  const version = await statSource(source);
  const target = thumbnailPath(cacheDir, source, size, version);
  try {
    await stat(target);
    return target;
  } catch {
    // Not cached yet.
  }
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await sharp(source, { failOn: 'none' })
      .rotate()
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof AtelierError) throw error;
    throw undecodable(source, error);
  }
  await removeStaleVersions(target);
  return target;
}

async function removeStaleVersions(target: string): Promise<void> {
  const dir = path.dirname(target);
  const name = path.basename(target);
  const prefix = name.split('-').slice(0, 2).join('-') + '-';
  for (const entry of await readdir(dir)) {
    if (entry !== name && entry.startsWith(prefix) && entry.endsWith('.webp')) {
      await rm(path.join(dir, entry), { force: true });
    }
  }
}

/** Width, height and format from the file header (sharp reads no pixels for this). */
export async function probeImage(source: string): Promise<ImageProbe> {
  await statSource(source);
  try {
    const meta = await sharp(source).metadata();
    if (meta.width === undefined || meta.height === undefined) throw new Error('no dimensions');
    return { width: meta.width, height: meta.height, format: meta.format ?? 'unknown' };
  } catch (error) {
    throw undecodable(source, error);
  }
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Thumbnails and probes behind one bound on concurrent decodes: a gallery asks for hundreds at
 * once, and each decode of an SDXL image holds tens of MB. Requests for the same thumbnail share
 * one decode.
 */
export class ThumbnailCache implements Disposable {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly inFlight = new Map<string, Promise<string>>();
  private disposed = false;

  constructor(
    readonly cacheDir: string,
    private readonly concurrency = 4,
  ) {}

  thumbnail(source: string, size: number): Promise<string> {
    const key = `${path.resolve(source)}\0${size}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const job = this.limit(() => makeThumbnail(source, this.cacheDir, size)).finally(() =>
      this.inFlight.delete(key),
    );
    this.inFlight.set(key, job);
    return job;
  }

  probe(source: string): Promise<ImageProbe> {
    return this.limit(() => probeImage(source));
  }

  /** Queued requests fail with CANCELLED; decodes already running finish and are kept. */
  dispose(): void {
    this.disposed = true;
    const cancelled = new AtelierError('CANCELLED', 'The thumbnail cache was closed.');
    for (const waiter of this.waiting.splice(0)) waiter.reject(cancelled);
  }

  private async limit<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new AtelierError('CANCELLED', 'The thumbnail cache was closed.');
    // A finishing task hands its slot straight to the next waiter, so the bound holds in between.
    if (this.running >= this.concurrency) {
      await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.resolve();
      else this.running--;
    }
  }
}
