import path from 'node:path';
import { AtelierError } from '../../api';
import type { ImageList, ImageListItem, ReactionFlags, ReactionKind, ScanSummary } from '../../api';
import type { ImageListParams, ImageRepository, StoredImageVersion } from '../../store';
import { pairMovedFiles } from '../moved-files';
import type { ImageFileSystem } from './image-fs';
import { nodeImageFs } from './image-fs';
import type { ReadOutcome } from './image-file.reader';
import { readImageFile } from './image-file.reader';
import type { WalkState } from './image-walker';
import { cancelled, walkImages } from './image-walker';
import { linkLoraReferences, storedReferences } from './lora-linker';

export type ImageScanCounts = ScanSummary['images'];

export interface ImageScanRoot {
  readonly folderId: number;
  readonly path: string;
}

export interface ImageScanOptions {
  readonly followSymlinks?: boolean;
  readonly signal?: AbortSignal;
  /** Progress is unknown while walking (null); messages say how far the scan got. */
  readonly report?: (progress: number | null, message?: string) => void;
}

/** Thumbnails and size probes, done where sharp lives (`core/vision`'s ThumbnailCache). */
export interface ImageMedia {
  thumbnail(path: string, size: number): Promise<string>;
  probe(path: string): Promise<{ width: number; height: number }>;
}

export interface ImageLibraryServiceOptions {
  readonly fs?: ImageFileSystem;
  /** The artist's own user id: scanned images are theirs, and lists show their reactions. */
  readonly localUserId?: number;
  /** Longest side of a gallery thumbnail; 512 is sharp on a 2× screen at the gallery's tile size. */
  readonly thumbnailSize?: number;
  /** Files read at once; reads are small (headers and text chunks), so a few hide the latency. */
  readonly readConcurrency?: number;
  /** Rows written per transaction. */
  readonly batchSize?: number;
}

const RELINK_BATCH = 500;

function isUnder(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function sameLinks(a: readonly unknown[], b: readonly unknown[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The artist's generated images: scanning image folders (incremental, read-only), linking images to
 * the LoRAs that made them, the gallery list with search and filters, reactions, and thumbnails.
 */
export class ImageLibraryService {
  private readonly fs: ImageFileSystem;
  private readonly localUserId: number;
  private readonly thumbnailSize: number;
  private readonly readConcurrency: number;
  private readonly batchSize: number;

  constructor(
    private readonly images: ImageRepository,
    private readonly media: ImageMedia,
    options: ImageLibraryServiceOptions = {},
  ) {
    this.fs = options.fs ?? nodeImageFs;
    this.localUserId = options.localUserId ?? 1;
    this.thumbnailSize = options.thumbnailSize ?? 512;
    this.readConcurrency = options.readConcurrency ?? 8;
    this.batchSize = options.batchSize ?? 200;
  }

  /**
   * Scans image folders: new and changed files (by size and mtime) are read, unchanged ones are not
   * opened, and rows of files gone from a folder that was fully listed are removed. Files are never
   * written. A bad file is stored with its problems and counted in `errors`; the scan goes on. On
   * cancel, what was read is kept, nothing is removed, and CANCELLED is thrown.
   */
  async scan(roots: readonly ImageScanRoot[], options: ImageScanOptions = {}): Promise<ImageScanCounts> {
    const counts = { seen: 0, added: 0, changed: 0, unchanged: 0, removed: 0, moved: 0, errors: 0 };
    const claimed = new Set<string>();
    for (const root of roots) {
      if (options.signal?.aborted) throw cancelled();
      await this.scanRoot(root, options, counts, claimed);
    }
    return counts;
  }

  private async scanRoot(
    root: ImageScanRoot,
    options: ImageScanOptions,
    counts: { -readonly [K in keyof ImageScanCounts]: ImageScanCounts[K] },
    claimed: Set<string>,
  ): Promise<void> {
    const rootPath = path.resolve(root.path);
    try {
      if (!(await this.fs.stat(rootPath)).isDirectory()) throw new Error('not a folder');
    } catch {
      // An unplugged drive must not empty the library: nothing under this root is removed.
      counts.errors++;
      options.report?.(null, `${rootPath} is not reachable; its images were kept.`);
      return;
    }
    const stored = new Map<string, StoredImageVersion>(
      this.images.versionsInFolder(root.folderId).map((v) => [v.path, v]),
    );
    const present = new Set<string>();
    /** Files with no row before this scan, and those of them read and stored: where a moved file may be. */
    const fresh = new Map<string, { path: string; size: number; mtimeMs: number }>();
    const arrived: { path: string; size: number; mtimeMs: number }[] = [];
    const state: WalkState = { unlisted: [], problems: [] };
    const running = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let batch: Extract<ReadOutcome, { kind: 'image' }>['image'][] = [];

    const flush = () => {
      if (batch.length === 0) return;
      const saved = this.images.saveScanned(batch);
      counts.added += saved.added;
      counts.changed += saved.changed;
      batch = [];
      options.report?.(null, `${counts.seen} images found, ${counts.added + counts.changed} read`);
    };
    const settle = (file: string, outcome: ReadOutcome) => {
      if (outcome.kind === 'vanished') {
        present.delete(file);
        counts.seen--;
      } else if (outcome.kind === 'unreadable') {
        counts.errors++;
        options.report?.(null, `${file} could not be read (${outcome.reason}).`);
      } else {
        if (outcome.problems > 0) counts.errors++;
        const isNew = fresh.get(file);
        if (isNew !== undefined) arrived.push(isNew);
        batch.push(outcome.image);
        if (batch.length >= this.batchSize) flush();
      }
    };

    try {
      for await (const found of walkImages(
        this.fs,
        rootPath,
        { followSymlinks: options.followSymlinks ?? false, signal: options.signal },
        state,
      )) {
        if (options.signal?.aborted) throw cancelled();
        if (failure) break;
        if (claimed.has(found.path)) continue;
        claimed.add(found.path);
        counts.seen++;
        present.add(found.path);
        if (found.error !== undefined) {
          counts.errors++;
          options.report?.(null, `${found.path} could not be read (${found.error}).`);
          continue;
        }
        const before = stored.get(found.path);
        if (before && before.size === found.size && before.mtimeMs === found.mtimeMs) {
          counts.unchanged++;
          continue;
        }
        // Only a folder that had rows can have moves (a first scan keeps no list of its files).
        if (before === undefined && stored.size > 0) {
          fresh.set(found.path, { path: found.path, size: found.size, mtimeMs: found.mtimeMs });
        }
        while (running.size >= this.readConcurrency) await Promise.race(running);
        const file = { ...found, folderId: root.folderId };
        const task = readImageFile(this.fs, file, this.images, this.media).then((outcome) =>
          settle(found.path, outcome),
        );
        running.add(task);
        task.then(
          () => running.delete(task),
          (error: unknown) => {
            failure ??= { error };
            running.delete(task);
          },
        );
      }
    } finally {
      await Promise.allSettled(running);
      if (!failure) flush();
    }
    // A database failure while saving stops the scan; bad files never do.
    if (failure) throw failure.error;
    for (const problem of state.problems) options.report?.(null, problem);
    if (options.signal?.aborted) throw cancelled();

    const gone = [...stored.values()].filter(
      (v) => !present.has(v.path) && !state.unlisted.some((dir) => isUnder(v.path, dir) || v.path === dir),
    );
    // A renamed or moved image keeps its row, and with it the artist's reactions.
    const moves = pairMovedFiles(gone, arrived);
    this.images.followMoves(
      moves.map(({ from, to }) => ({ id: from.id, path: to.path, folderId: root.folderId })),
    );
    const moved = new Set(moves.map(({ from }) => from.id));
    this.images.remove(gone.filter((v) => !moved.has(v.id)).map((v) => v.id));
    counts.removed += gone.length - moves.length;
    counts.moved += moves.length;
  }

  /**
   * Resolves again the links that a scan could not make by hash: unmatched references, links by
   * file name only, and links whose file was deleted. Run after LoRA hashes become known.
   */
  relink(): { images: number; relinked: number } {
    let after = 0;
    let images = 0;
    let relinked = 0;
    for (;;) {
      const candidates = this.images.nextToRelink(after, RELINK_BATCH);
      if (candidates.length === 0) break;
      const updates = [];
      for (const candidate of candidates) {
        images++;
        const refs = storedReferences(candidate.loraRefs);
        if (refs.length === 0) continue;
        const links = linkLoraReferences(refs, this.images);
        if (sameLinks(links, candidate.links)) continue;
        updates.push({ imageId: candidate.id, links });
        relinked++;
      }
      this.images.replaceLinks(updates);
      after = candidates[candidates.length - 1]!.id;
    }
    return { images, relinked };
  }

  list(query: ImageListParams): ImageList {
    return this.images.list(query, this.localUserId);
  }

  get(id: number): ImageListItem {
    const item = this.images.get(id, this.localUserId);
    if (!item) throw notFound(id);
    return item;
  }

  /** Problems the scan found in the image's file, as sentences. */
  problems(id: number): string[] {
    this.get(id);
    return this.images.problemsOf(id);
  }

  /** Toggles a reaction, or sets it when `on` is given. */
  react(
    userId: number,
    imageId: number,
    kind: ReactionKind,
    on?: boolean,
  ): { imageId: number; reactions: ReactionFlags } {
    const reactions = this.images.react(userId, imageId, kind, on);
    if (!reactions) throw notFound(imageId, userId);
    return { imageId, reactions };
  }

  /** The file the media route serves: the image itself, or its thumbnail (made on first request). */
  async locate(kind: 'image' | 'thumbnail', id: number): Promise<string> {
    const file = this.images.pathOf(id);
    if (file === undefined) {
      throw new AtelierError(
        'NOT_FOUND',
        `Image ${id} has no local file (unknown, or only in the ImageGem dataset).`,
      );
    }
    return kind === 'image' ? file : this.media.thumbnail(file, this.thumbnailSize);
  }
}

function notFound(imageId: number, userId?: number): AtelierError {
  return new AtelierError(
    'NOT_FOUND',
    userId === undefined
      ? `Image ${imageId} is not in the library; rescan or refresh the list.`
      : `Image ${imageId} or user ${userId} is not in the library; rescan or refresh the list.`,
  );
}
