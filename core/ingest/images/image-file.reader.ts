import type { LoraLookup, ScannedImage } from '../../store';
import { readImageMetadata } from '../metadata/image-metadata';
import type { ByteSource, ParsedImageMetadata } from '../metadata/metadata.types';
import type { ImageFileSystem } from './image-fs';
import { errnoOf } from './image-fs';
import { linkLoraReferences } from './lora-linker';

export type ReadOutcome =
  | { readonly kind: 'image'; readonly image: ScannedImage; readonly problems: number }
  /** Deleted or renamed between listing and reading. */
  | { readonly kind: 'vanished' }
  /** Could not be opened or read (permissions, I/O error); the stored row, if any, is kept. */
  | { readonly kind: 'unreadable'; readonly reason: string };

export interface ImageSizeProbe {
  probe(path: string): Promise<{ width: number; height: number }>;
}

async function parse(fs: ImageFileSystem, file: string, size: number): Promise<ParsedImageMetadata> {
  const handle = await fs.open(file);
  try {
    const source: ByteSource = {
      size,
      read: async (offset, length) => {
        const into = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const read = into.length === 0 ? 0 : await handle.read(into, offset);
        return into.subarray(0, read);
      },
    };
    return await readImageMetadata(source);
  } finally {
    await handle.close();
  }
}

/**
 * Reads one image file into a row: metadata from its chunks (only headers and text are read), its
 * LoRA references linked against the library, and any problems kept in `meta.problems`. A file
 * without its size in the header gets it from `probe` when one is given.
 */
export async function readImageFile(
  fs: ImageFileSystem,
  file: { path: string; size: number; mtimeMs: number; folderId: number },
  lookup: LoraLookup,
  probe?: ImageSizeProbe,
): Promise<ReadOutcome> {
  let parsed: ParsedImageMetadata;
  try {
    parsed = await parse(fs, file.path, file.size);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return { kind: 'vanished' };
    return { kind: 'unreadable', reason: code ?? (error instanceof Error ? error.message : String(error)) };
  }
  const { container, generation, problems } = parsed;
  let width = container.width;
  let height = container.height;
  if ((width === null || height === null) && container.format !== null && probe) {
    try {
      ({ width, height } = await probe.probe(file.path));
    } catch {
      // The header problems already say what is wrong with the file.
    }
  }
  const image: ScannedImage = {
    path: file.path,
    folderId: file.folderId,
    size: file.size,
    mtimeMs: file.mtimeMs,
    createdAt: new Date(file.mtimeMs).toISOString(),
    width: width ?? generation.width,
    height: height ?? generation.height,
    prompt: generation.prompt,
    negativePrompt: generation.negativePrompt,
    seed: generation.seed,
    steps: generation.steps,
    sampler: generation.sampler,
    cfg: generation.cfg,
    clipSkip: generation.clipSkip,
    modelHash: generation.modelHash,
    meta: {
      format: container.format,
      tool: generation.tool,
      scheduler: generation.scheduler,
      modelName: generation.modelName,
      extra: generation.extra,
      loraRefs: generation.loras,
      problems,
    },
    loras: linkLoraReferences(generation.loras, lookup),
  };
  return { kind: 'image', image, problems: problems.length };
}
