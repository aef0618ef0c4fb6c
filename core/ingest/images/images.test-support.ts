import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeTestImage } from '../../vision';
import {
  A1111_PARAMETERS,
  CIVITAI_PARAMETERS,
  COMFYUI_PROMPT,
  COMFYUI_WORKFLOW,
} from '../metadata/fixtures/generation-texts';
import {
  exifBlock,
  insertJpegExif,
  insertPngChunks,
  tEXt,
  userComment,
  webpWithExif,
  zTXt,
} from '../metadata/fixtures/metadata-writer';
import type { ImageFileSystem } from './image-fs';
import { nodeImageFs } from './image-fs';

/** Writes a file with a fixed mtime, so "newest first" and incremental checks are deterministic. */
export function writeAt(file: string, bytes: Uint8Array, minute: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  const time = new Date(Date.UTC(2024, 0, 1, 12, minute));
  utimesSync(file, time, time);
  return file;
}

export const FIXTURE_NAMES = {
  a1111Png: 'a1111.png',
  civitaiJpeg: 'sub/civitai.jpg',
  a1111Webp: 'sub/deeper/forge.webp',
  comfyPng: 'comfy/ComfyUI_00001_.png',
  badCrcPng: 'broken-crc.png',
  notAnImage: 'not-an-image.png',
} as const;

/**
 * An image folder the way artists have them: A1111 PNG, Civitai-style JPEG, Forge WebP, ComfyUI PNG,
 * a PNG with a corrupt text chunk, a file named .png that is not an image, and things to ignore.
 */
export async function writeImageFolder(root: string): Promise<Record<keyof typeof FIXTURE_NAMES, string>> {
  const at = (name: string) => path.join(root, name);
  const png = await encodeTestImage('png', 64, 96);
  const files = {
    a1111Png: writeAt(
      at(FIXTURE_NAMES.a1111Png),
      insertPngChunks(png, [tEXt('parameters', A1111_PARAMETERS)]),
      1,
    ),
    civitaiJpeg: writeAt(
      at(FIXTURE_NAMES.civitaiJpeg),
      insertJpegExif(
        await encodeTestImage('jpeg', 48, 32),
        exifBlock({ userComment: userComment(CIVITAI_PARAMETERS, 'unicode-be') }),
      ),
      2,
    ),
    a1111Webp: writeAt(
      at(FIXTURE_NAMES.a1111Webp),
      webpWithExif(
        await encodeTestImage('webp', 40, 40),
        exifBlock({
          userComment: userComment(
            'a quiet harbor <lora:ink:0.5>\nSteps: 12, Sampler: Euler, Seed: 9',
            'unicode-le',
          ),
          littleEndian: true,
          exifPrefix: true,
        }),
        { width: 40, height: 40 },
      ),
      3,
    ),
    comfyPng: writeAt(
      at(FIXTURE_NAMES.comfyPng),
      insertPngChunks(png, [tEXt('prompt', COMFYUI_PROMPT), zTXt('workflow', COMFYUI_WORKFLOW)]),
      4,
    ),
    badCrcPng: writeAt(
      at(FIXTURE_NAMES.badCrcPng),
      insertPngChunks(png, [tEXt('parameters', 'lost', { badCrc: true })]),
      5,
    ),
    notAnImage: writeAt(at(FIXTURE_NAMES.notAnImage), new TextEncoder().encode('<html>not a png</html>'), 6),
  };
  writeAt(at('notes.txt'), new TextEncoder().encode('not an image'), 7);
  writeAt(at('.thumbnails/hidden.png'), png, 8);
  return files;
}

/** The node file system with every open counted and chosen paths made to fail. */
export function countingFs(
  failures: Map<string, string> = new Map(),
): ImageFileSystem & { opened: string[] } {
  const opened: string[] = [];
  const fail = (p: string) => {
    const code = failures.get(p);
    if (code !== undefined) throw Object.assign(new Error(`${code}: ${p}`), { code });
  };
  return {
    opened,
    readdir: async (dir) => {
      fail(dir);
      return nodeImageFs.readdir(dir);
    },
    stat: (p) => nodeImageFs.stat(p),
    realpath: (p) => nodeImageFs.realpath(p),
    open: async (p) => {
      opened.push(p);
      fail(p);
      return nodeImageFs.open(p);
    },
  };
}
