import path from 'node:path';
import type { z } from 'zod';
import { AtelierError, isAtelierError, LoraListQuery } from '../../api';
import type { LoraBases, LoraDetail, LoraList, ScanSummary } from '../../api';
import { hashLoraFile } from '../../lora';
import type { HashOptions, LoraHashes } from '../../lora';
import type { LoraFileRepository, ScannedLoraFile, StoredLoraFile } from '../../store';
import type { LoraCandidate, ScanRoot } from './folder-walker';
import { walkLoraFolders } from './folder-walker';
import { type FileStamp, pairMovedFiles } from '../moved-files';
import { type HeaderParser, inlineHeaderParser } from './header.parser';
import { errnoOf, type LibraryFileSystem, nodeLibraryFs } from './library-fs';
import { type LibraryWatcher, type LibraryWatchOptions, watchLoraFolders } from './library.watcher';
import {
  errorRow,
  pickleMessage,
  readFailureMessage,
  scanLoraFile,
  type SeenFile,
} from './lora-file.scanner';

export type LoraScanCounts = ScanSummary['loraFiles'];

export interface LibraryJobOptions {
  readonly signal: AbortSignal;
  report(progress: number | null, message?: string): void;
}

export interface LoraScanOptions extends LibraryJobOptions {
  /** Follow symbolic links to folders and files (each real folder is entered once). */
  readonly followSymlinks: boolean;
}

export interface LoraLibraryServiceOptions {
  readonly files: LoraFileRepository;
  /** Where covers embedded in LoRA headers are extracted to (never beside the LoRA). */
  readonly cacheDir: string;
  readonly fs?: LibraryFileSystem;
  readonly hashFile?: (filePath: string, options: HashOptions) => Promise<LoraHashes>;
  /** Where headers are parsed; `createHeaderWorkerParser()` spreads big ones over worker threads. Default inline. */
  readonly headerParser?: HeaderParser;
  /** Files stat'ed and read at once; reads are small, so this mostly hides latency. Default 32. */
  readonly concurrency?: number;
  /** Rows per transaction. Default 500. */
  readonly batchSize?: number;
}

const UNHASHED_PAGE = 64;
const PROGRESS_EVERY = 250;

function cancelled(what: string): AtelierError {
  return new AtelierError('CANCELLED', `${what} was cancelled.`, { reason: 'aborted' });
}

/** The stat pass's verdict on one listed file. */
type Seen =
  | { kind: 'gone' }
  | { kind: 'failed'; seen: SeenFile; message: string }
  | { kind: 'present'; seen: SeenFile };

/** The sidecar fingerprint of a file just moved: matches none, so the file is read again. */
const MOVED = '\u0000moved';

/**
 * Runs `work` over `items` with at most `limit` in flight. Stops starting new items once `signal`
 * aborts, waits for those in flight, then throws CANCELLED, so callers can commit finished work.
 */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<boolean> {
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (next < items.length) {
      if (signal.aborted) {
        stopped = true;
        return;
      }
      await work(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return !stopped && !signal.aborted;
}

/**
 * The LoRA library: incremental folder scans that make files browsable from their headers alone,
 * background hashing, duplicate detection by tensor hash, search and filters over the store, and a
 * watcher that says when to scan again.
 */
export class LoraLibraryService {
  private readonly files: LoraFileRepository;
  private readonly cacheDir: string;
  private readonly fs: LibraryFileSystem;
  private readonly hashFile: (filePath: string, options: HashOptions) => Promise<LoraHashes>;
  private readonly headerParser: HeaderParser;
  private readonly concurrency: number;
  private readonly batchSize: number;

  constructor(options: LoraLibraryServiceOptions) {
    this.files = options.files;
    this.cacheDir = options.cacheDir;
    this.fs = options.fs ?? nodeLibraryFs;
    this.hashFile = options.hashFile ?? hashLoraFile;
    this.headerParser = options.headerParser ?? inlineHeaderParser;
    this.concurrency = options.concurrency ?? 32;
    this.batchSize = options.batchSize ?? 500;
  }

  /**
   * Brings the library in step with the folders. Unchanged files (same size, mtime and sidecar
   * fingerprint) are not opened; new and changed ones have their header and sidecars read. Files no
   * longer on disk are deleted from the library (with their search rows and unused local models),
   * but only after a complete walk and never under a folder that could not be listed, so an
   * unplugged drive or a cancelled scan removes nothing. Rows are committed every `batchSize` files,
   * so a killed scan keeps what it finished and the next one continues from there.
   */
  async scan(roots: readonly ScanRoot[], options: LoraScanOptions): Promise<LoraScanCounts> {
    const counts = { seen: 0, added: 0, changed: 0, unchanged: 0, removed: 0, moved: 0, errors: 0 };
    const { signal } = options;
    options.report(null, 'Listing LoRA folders…');
    const walk = await walkLoraFolders(this.fs, roots, {
      followSymlinks: options.followSymlinks,
      signal,
      onFound: (n) => options.report(null, `Listing LoRA folders… ${n} files so far`),
    });
    counts.errors += walk.unlisted.length;

    const stored = new Map<string, StoredLoraFile>();
    for (const root of roots) {
      for (const row of this.files.listUnder(withSeparator(path.resolve(root.path))))
        stored.set(row.path, row);
    }
    const unlisted = walk.unlisted.map(withSeparator);
    counts.moved = await this.followMoves(walk.candidates, stored, unlisted, signal);
    const present = new Set<string>();
    const refoldered = new Map<number, number[]>();
    const batch: ScannedLoraFile[] = [];
    const flush = () => this.files.saveScanned(batch.splice(0));
    const total = walk.candidates.length;
    let done = 0;

    const complete = await forEachLimited(walk.candidates, this.concurrency, signal, async (candidate) => {
      const prior = stored.get(candidate.path);
      const row = await this.scanOne(candidate, prior, counts, present);
      if (
        row === null &&
        prior !== undefined &&
        present.has(prior.path) &&
        prior.folderId !== candidate.folderId
      ) {
        const ids = refoldered.get(candidate.folderId);
        if (ids === undefined) refoldered.set(candidate.folderId, [prior.id]);
        else ids.push(prior.id);
      }
      if (row !== null) {
        batch.push(row);
        if (row.scanState === 'error') counts.errors++;
        if (batch.length >= this.batchSize) flush();
      }
      if (++done % PROGRESS_EVERY === 0) options.report(done / total, `Checked ${done} of ${total} files`);
    });
    flush();
    for (const [folderId, ids] of refoldered) this.files.setFolder(ids, folderId);
    if (!complete) throw cancelled('The library scan');

    const gone = [...stored.values()]
      .filter((row) => !present.has(row.path) && !unlisted.some((dir) => row.path.startsWith(dir)))
      .map((row) => row.id);
    for (let i = 0; i < gone.length; i += this.batchSize)
      this.files.remove(gone.slice(i, i + this.batchSize));
    counts.removed = gone.length;
    options.report(
      1,
      `${counts.seen} LoRA files: ${counts.added} new, ${counts.changed} changed, ${counts.moved} moved, ${counts.removed} gone`,
    );
    return counts;
  }

  /**
   * Files renamed or moved inside the library keep their rows, and with them the artist's tags, the
   * images linked to them, their hashes and their place in W2W spaces (see `pairMovedFiles`). Costs a
   * stat of each new file, and only when some stored file is gone. Updates `stored` to the new paths.
   */
  private async followMoves(
    candidates: readonly LoraCandidate[],
    stored: Map<string, StoredLoraFile>,
    unlisted: readonly string[],
    signal: AbortSignal,
  ): Promise<number> {
    const listed = new Set(candidates.map((c) => c.path));
    const gone = [...stored.values()].filter(
      (row) => !listed.has(row.path) && !unlisted.some((dir) => row.path.startsWith(dir)),
    );
    const fresh = candidates.filter((c) => !stored.has(c.path) && c.kind !== 'pickle');
    if (gone.length === 0 || fresh.length === 0) return 0;
    const arrived: (FileStamp & { candidate: LoraCandidate })[] = [];
    await forEachLimited(fresh, this.concurrency, signal, async (candidate) => {
      try {
        const { size, mtimeMs } = await this.fs.stat(candidate.path);
        arrived.push({ size, mtimeMs, candidate });
      } catch {
        // Unreadable now: the scan reports it on the file.
      }
    });
    if (signal.aborted) return 0;
    const moves = pairMovedFiles(gone, arrived).map(({ from, to }) => ({ from, to: to.candidate }));
    this.files.move(
      moves.map(({ from, to }) => ({
        id: from.id,
        path: to.path,
        fileName: to.fileName,
        folderId: to.folderId,
      })),
    );
    for (const { from, to } of moves) {
      stored.delete(from.path);
      // Read again: a name taken from the file's old name, and its sidecars, follow the new one (the
      // hashes stay, size and mtime being the same).
      stored.set(to.path, { ...from, path: to.path, folderId: to.folderId, sidecarSig: MOVED });
    }
    return moves.length;
  }

  /**
   * Hashes parsed files in id order (SHA-256, AutoV2, tensor hash, AutoV3), committing each file on
   * its own, so a cancelled job keeps every hash it finished. A file that changed since it was
   * scanned is skipped: the next scan re-reads it and queues it again.
   */
  async hashPending(options: LibraryJobOptions): Promise<{ hashed: number; errors: number }> {
    const total = Math.max(1, this.files.countUnhashed());
    let done = 0;
    let hashed = 0;
    let errors = 0;
    let afterId = 0;
    for (;;) {
      const page = this.files.nextUnhashed(afterId, UNHASHED_PAGE);
      if (page.length === 0) break;
      for (const row of page) {
        afterId = row.id;
        if (options.signal.aborted) throw cancelled('Hashing');
        options.report(done / total, `Hashing ${path.basename(row.path)}`);
        done++;
        try {
          if (!(await this.unchangedSince(row))) continue;
          const hashes = await this.hashFile(row.path, { signal: options.signal });
          if (!(await this.unchangedSince(row))) continue;
          if (hashes.tensorSha256 === null || hashes.autoV3 === null) {
            this.files.markError(row.id, `“${path.basename(row.path)}” is no longer a safetensors file.`);
            errors++;
            continue;
          }
          const saved = this.files.saveHashes(row.id, row, {
            sha256: hashes.sha256,
            autoV2: hashes.autoV2,
            tensorHash: hashes.tensorSha256,
            autoV3: hashes.autoV3,
          });
          if (saved) hashed++;
        } catch (error) {
          if (isAtelierError(error) && error.code === 'CANCELLED') throw error;
          if (isAtelierError(error) && error.code === 'PATH_NOT_FOUND') continue;
          if (errnoOf(error) === 'ENOENT') continue;
          this.files.markError(row.id, `Hashing failed: ${readFailureMessage(error, row.path)}`);
          errors++;
        }
      }
    }
    options.report(1, `Hashed ${hashed} files`);
    return { hashed, errors };
  }

  /**
   * Deletes every file under these folders from the library (their search rows and unused local
   * models too), for a folder the artist removed; nothing on disk is touched. Returns how many.
   */
  forget(folderPaths: readonly string[]): number {
    let removed = 0;
    for (const folder of folderPaths) {
      const ids = this.files.listUnder(withSeparator(path.resolve(folder))).map((row) => row.id);
      for (let i = 0; i < ids.length; i += this.batchSize)
        this.files.remove(ids.slice(i, i + this.batchSize));
      removed += ids.length;
    }
    return removed;
  }

  list(query: z.input<typeof LoraListQuery>): LoraList {
    return this.files.list(LoraListQuery.parse(query));
  }

  /** The base models found in the library (what the base filter can match), most files first. */
  bases(): LoraBases {
    return { bases: this.files.bases() };
  }

  get(id: number): Omit<LoraDetail, 'images'> {
    const detail = this.files.get(id);
    if (detail === undefined) throw new AtelierError('NOT_FOUND', `There is no LoRA ${id} in the library.`);
    return detail;
  }

  /** The preview image of a LoRA (a sidecar image or the cover extracted from its header). */
  previewPath(id: number): string | undefined {
    return this.files.previewPath(id);
  }

  /** Calls `onChange` (debounced) when LoRAs or their sidecars change under `roots`; run `scan` then. */
  watch(
    roots: readonly (ScanRoot | string)[],
    onChange: () => void,
    options: LibraryWatchOptions = {},
  ): LibraryWatcher {
    return watchLoraFolders(
      roots.map((r) => (typeof r === 'string' ? r : r.path)),
      onChange,
      options,
    );
  }

  private async scanOne(
    candidate: LoraCandidate,
    prior: StoredLoraFile | undefined,
    counts: LoraScanCounts,
    present: Set<string>,
  ): Promise<ScannedLoraFile | null> {
    const seen = await this.statCandidate(candidate);
    if (seen.kind === 'gone') return null;
    const { size, mtimeMs, sidecarSig } = seen.seen;
    if (
      prior !== undefined &&
      prior.size === size &&
      prior.mtimeMs === mtimeMs &&
      prior.sidecarSig === sidecarSig
    ) {
      present.add(candidate.path);
      counts.seen++;
      counts.unchanged++;
      return null;
    }
    let row: ScannedLoraFile;
    if (seen.kind === 'failed') {
      row = errorRow(seen.seen, seen.message);
    } else if (candidate.kind === 'pickle') {
      row = errorRow(seen.seen, pickleMessage(candidate.path));
    } else {
      const context = { fs: this.fs, cacheDir: this.cacheDir, parser: this.headerParser };
      const outcome = await scanLoraFile(context, seen.seen);
      if (outcome.kind === 'vanished') return null;
      row = outcome.file;
    }
    present.add(candidate.path);
    counts.seen++;
    if (prior === undefined) counts.added++;
    else counts.changed++;
    return row;
  }

  /** Size and mtime of the file and a fingerprint of its sidecars, without opening anything. */
  private async statCandidate(candidate: LoraCandidate): Promise<Seen> {
    let size = 0;
    let mtimeMs = 0;
    let failure: string | null = null;
    try {
      const stats = await this.fs.stat(candidate.path);
      size = stats.size;
      mtimeMs = stats.mtimeMs;
    } catch (error) {
      const errno = errnoOf(error);
      const missing = errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'ELOOP';
      if (missing && !candidate.isSymlink) return { kind: 'gone' };
      // The link's own mtime stands in for the file's, so an unchanged broken link is not re-reported.
      try {
        mtimeMs = (await this.fs.lstat(candidate.path)).mtimeMs;
      } catch {
        return { kind: 'gone' };
      }
      failure = missing
        ? `“${candidate.fileName}” is a link to a file that does not exist (any more). Fix or delete the link.`
        : readFailureMessage(error, candidate.path);
    }
    const parts: string[] = [];
    for (const sidecar of candidate.metadataSidecars) {
      const name = path.basename(sidecar.path);
      try {
        const stats = await this.fs.stat(sidecar.path);
        parts.push(`${name}:${stats.size}:${stats.mtimeMs}`);
      } catch {
        parts.push(`${name}:?`);
      }
    }
    for (const preview of candidate.previews) parts.push(path.basename(preview));
    const seen: SeenFile = {
      candidate,
      size,
      mtimeMs,
      sidecarSig: parts.length === 0 ? null : parts.join('|'),
    };
    return failure === null ? { kind: 'present', seen } : { kind: 'failed', seen, message: failure };
  }

  private async unchangedSince(row: { path: string; size: number; mtimeMs: number }): Promise<boolean> {
    const stats = await this.fs.stat(row.path);
    return stats.size === row.size && stats.mtimeMs === row.mtimeMs;
  }
}

function withSeparator(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
