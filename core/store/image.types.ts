import type { z } from 'zod';
import type { ImageList, ImageListItem, ImageListQuery, ReactionFlags, ReactionKind } from '../api';

/** A list query with its defaults applied (what `ImageListQuery.parse` returns). */
export type ImageListParams = z.output<typeof ImageListQuery>;

/** What an incremental scan compares against the disk without opening the file. */
export interface StoredImageVersion {
  readonly id: number;
  readonly path: string;
  readonly size: number | null;
  readonly mtimeMs: number | null;
}

/**
 * How an image's LoRA reference was resolved. `matchRule` says which evidence won: `autov3`,
 * `tensor_hash`, `sha256`, `autov2`, `file_name`, or `unmatched` (the name is kept to retry later).
 */
export interface ImageLoraLinkInput {
  readonly name: string | null;
  readonly weight: number | null;
  readonly loraFileId: number | null;
  readonly modelVersionId: number | null;
  readonly matchRule: string;
}

/** One local image as the scanner read it. */
export interface ScannedImage {
  readonly path: string;
  readonly folderId: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** When the image was made, as far as the file tells (its mtime); kept on rescans. */
  readonly createdAt: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly prompt: string | null;
  readonly negativePrompt: string | null;
  readonly seed: number | null;
  readonly steps: number | null;
  readonly sampler: string | null;
  readonly cfg: number | null;
  readonly clipSkip: number | null;
  readonly modelHash: string | null;
  /** Everything else read from the file (tool, scheduler, LoRA references as written, problems). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly loras: readonly ImageLoraLinkInput[];
}

/** A LoRA file or version found for a reference. */
export interface LoraMatch {
  readonly loraFileId: number | null;
  readonly modelVersionId: number | null;
}

/** Index-backed lookups the linker resolves references with; hashes are lower-case hex. */
export interface LoraLookup {
  loraFileByAutoV3(hash: string): LoraMatch | undefined;
  loraFileByTensorHash(hash: string): LoraMatch | undefined;
  loraFileBySha256(hash: string): LoraMatch | undefined;
  /** Full-file SHA-256 starting with `prefix` (8–63 hex digits). */
  loraFileBySha256Prefix(prefix: string): LoraMatch | undefined;
  loraFileByAutoV2(hash: string): LoraMatch | undefined;
  /** A Civitai version whose SHA-256 is `hash` or starts with it (no local file needed). */
  modelVersionBySha256(hashOrPrefix: string): LoraMatch | undefined;
  /** A file whose name without extension is `stem`, compared case-insensitively. */
  loraFileByStem(stem: string): LoraMatch | undefined;
}

/** An image whose links are worth resolving again, with the references it was made from. */
export interface ImageToRelink {
  readonly id: number;
  readonly userId: number;
  readonly createdAt: string;
  /** `meta.loraRefs` as stored by the scan; null when the image has none. */
  readonly loraRefs: unknown;
  readonly links: readonly ImageLoraLinkInput[];
}

export interface ImageRepository extends LoraLookup {
  /** Stored local images of a folder, for comparing sizes and mtimes. */
  versionsInFolder(folderId: number): StoredImageVersion[];
  /**
   * Inserts or updates images by path, replacing their LoRA links and the `generated` interactions
   * those links imply, in one transaction. Returns how many rows were new and how many changed.
   */
  saveScanned(images: readonly ScannedImage[]): { added: number; changed: number };
  /** Deletes images (links, reactions and interactions go with them). One transaction. */
  remove(ids: readonly number[]): void;
  /**
   * Files renamed or moved: each image `id` takes the path of the row the scan just made for its new
   * name, which goes, so the image keeps its reactions, links and interactions. One transaction.
   */
  followMoves(moves: readonly { id: number; path: string; folderId: number }[]): void;
  /** Local images with a link that is unmatched, matched by name only, or whose file is gone; by id. */
  nextToRelink(afterId: number, limit: number): ImageToRelink[];
  /** Replaces links (and their interactions) of several images in one transaction. */
  replaceLinks(updates: readonly { imageId: number; links: readonly ImageLoraLinkInput[] }[]): void;
  list(params: ImageListParams, localUserId: number): ImageList;
  get(id: number, localUserId: number): ImageListItem | undefined;
  /** Sets or toggles a reaction; undefined when the image or user does not exist. */
  react(userId: number, imageId: number, kind: ReactionKind, on?: boolean): ReactionFlags | undefined;
  /** The local file of an image; undefined for unknown or remote-only images. */
  pathOf(id: number): string | undefined;
  /** Problems the scan found in an image's file. */
  problemsOf(id: number): string[];
}
