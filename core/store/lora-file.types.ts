import type { z } from 'zod';
import type { LoraBases, LoraDetail, LoraList, LoraListQuery } from '../api';

/** A list query with its defaults applied (what `LoraListQuery.parse` returns). */
export type LoraListParams = z.output<typeof LoraListQuery>;

/** What the scanner compares against the disk without opening the file. */
export interface LoraFileMove {
  readonly id: number;
  readonly path: string;
  readonly fileName: string;
  readonly folderId: number;
}

export interface StoredLoraFile {
  readonly id: number;
  readonly path: string;
  readonly folderId: number | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sidecarSig: string | null;
}

/**
 * What sidecars and the header say about the model a file belongs to. A file without Civitai ids
 * gets a local model and version, so every parsed LoRA is a `model_versions` row (0001-initial.ts).
 */
export interface ModelIdentity {
  readonly civitaiModelId: number | null;
  readonly civitaiVersionId: number | null;
  readonly modelName: string;
  readonly versionName: string;
  /** Civitai's label ("SDXL 1.0", "Pony") when a sidecar gives one, else the detected architecture. */
  readonly baseModel: string | null;
  readonly trainedWords: readonly string[];
  /** null when no sidecar lists tags: the model keeps the tags it has. */
  readonly tags: readonly string[] | null;
  readonly description: string | null;
  readonly nsfw: boolean | null;
  /** Version extras without a column: preferred weight, activation text, image URLs. */
  readonly versionMeta: Readonly<Record<string, unknown>> | null;
}

/** One file as the scanner found it, ready to be stored with its model. */
export interface ScannedLoraFile {
  readonly path: string;
  readonly folderId: number | null;
  readonly fileName: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly scanState: 'parsed' | 'error';
  /** For `error` rows, why; for `parsed` rows, sidecar problems worth showing (the file itself is fine). */
  readonly error: string | null;
  readonly format: string | null;
  readonly baseModel: string | null;
  readonly header: Readonly<Record<string, unknown>> | null;
  readonly previewPath: string | null;
  readonly sidecarSig: string | null;
  /** Sidecar files that contributed metadata, and what was wrong with any of them. */
  readonly sidecars: { readonly used: readonly string[]; readonly problems: readonly string[] } | null;
  /** null for files that are not usable LoRAs (errors): they get no model. */
  readonly identity: ModelIdentity | null;
}

export interface UnhashedLoraFile {
  readonly id: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface LoraFileHashes {
  readonly sha256: string;
  readonly autoV2: string;
  readonly tensorHash: string;
  readonly autoV3: string;
}

/** The LoRA library's storage, implemented by `SqliteLoraFileRepository`; the scanner knows only this. */
export interface LoraFileRepository {
  /** Stored files whose path starts with `prefix` (a folder path ending in its separator). */
  listUnder(prefix: string): StoredLoraFile[];
  /** Inserts or updates files by path with their models, tags and search rows, in one transaction. */
  saveScanned(files: readonly ScannedLoraFile[]): void;
  /** Points unchanged files at the folder they were found under now (a folder re-added as part of another). */
  setFolder(ids: readonly number[], folderId: number): void;
  /** Deletes files with their search rows, and local models no longer used by anything. One transaction. */
  remove(ids: readonly number[]): void;
  /**
   * Gives files a new path (renamed or moved on disk), keeping their rows and everything that points
   * at them; their search rows follow the new names. One transaction.
   */
  move(moves: readonly LoraFileMove[]): void;
  /** Parsed, unhashed files with an id above `afterId`, in id order. */
  nextUnhashed(afterId: number, limit: number): UnhashedLoraFile[];
  countUnhashed(): number;
  /** Stores hashes only if the row still has `expected` size and mtime; false when the file changed meanwhile. */
  saveHashes(id: number, expected: { size: number; mtimeMs: number }, hashes: LoraFileHashes): boolean;
  markError(id: number, message: string): void;
  list(query: LoraListParams): LoraList;
  /** Detected base models with their file counts, most files first. */
  bases(): LoraBases['bases'];
  get(id: number): Omit<LoraDetail, 'images'> | undefined;
  /** The preview image of a file (sidecar or extracted cover), for the media route. */
  previewPath(id: number): string | undefined;
  /** Rewrites the search rows of these files; call after changing their tags outside the scanner. */
  refreshSearch(ids: readonly number[]): void;
}
