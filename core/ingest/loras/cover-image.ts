import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LibraryFileSystem } from './library-fs';

export interface EmbeddedCover {
  readonly bytes: Uint8Array;
  readonly extension: '.png' | '.jpg' | '.webp' | '.gif';
}

function sniffImage(bytes: Uint8Array): EmbeddedCover['extension'] | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return '.png';
  if (starts(0xff, 0xd8, 0xff)) return '.jpg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return '.gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42) {
    return '.webp';
  }
  return null;
}

function decodeBase64Image(value: string): EmbeddedCover | null {
  const data = value.replace(/^data:[^,]*;base64,/, '');
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  const extension = sniffImage(bytes);
  return extension === null ? null : { bytes, extension };
}

/**
 * The first cover image a LoRA carries in its header: `ssmd_cover_images` (a JSON list of base64
 * images, written by sd-webui-additional-networks) or `modelspec.thumbnail` (a data URL).
 * Returns a problem text when a key is present but holds no readable image.
 */
export function embeddedCover(
  metadata: Readonly<Record<string, string>>,
): EmbeddedCover | { problem: string } | null {
  const covers = metadata.ssmd_cover_images;
  if (covers !== undefined) {
    let list: unknown;
    try {
      list = JSON.parse(covers);
    } catch {
      return { problem: 'ssmd_cover_images is not a JSON list; no cover taken from the file.' };
    }
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    const image = typeof first === 'string' ? decodeBase64Image(first) : null;
    if (image !== null) return image;
    if (Array.isArray(list) && list.length === 0) return null;
    return {
      problem: 'ssmd_cover_images holds no PNG, JPEG, WebP or GIF image; no cover taken from the file.',
    };
  }
  const thumbnail = metadata['modelspec.thumbnail'];
  if (thumbnail !== undefined && thumbnail.startsWith('data:')) return decodeBase64Image(thumbnail);
  return null;
}

/**
 * Writes a cover into the cache by its content hash, so files sharing a cover share one file and a
 * rescan never writes it twice. Returns its path.
 */
export async function cacheCover(
  fs: LibraryFileSystem,
  cacheDir: string,
  cover: EmbeddedCover,
): Promise<string> {
  const name = createHash('sha256').update(cover.bytes).digest('hex').slice(0, 32) + cover.extension;
  const target = path.join(cacheDir, 'lora-covers', name);
  try {
    await fs.stat(target);
  } catch {
    await fs.writeFileAtomic(target, cover.bytes);
  }
  return target;
}
