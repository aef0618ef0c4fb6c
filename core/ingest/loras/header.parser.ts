import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isAtelierError } from '../../api';
import type { Disposable } from '../../common';
import { WorkerPool, type WorkerPoolOptions } from '../../jobs';
import { parseSafetensorsHeader } from '../../lora';
import { type EmbeddedCover, embeddedCover } from './cover-image';
import { type HeaderSummary, summarizeHeader } from './header-summary';

/** The bytes of one file's header (8 + N), for parsing on this thread or a worker. */
export interface HeaderTask {
  readonly bytes: Uint8Array;
  /** The whole file's size, so tensor spans are checked without reading the data. */
  readonly size: number;
  readonly path: string;
  /** Decode an embedded cover too (only when no preview image sits beside the file). */
  readonly wantCover: boolean;
}

export type HeaderOutcome =
  | {
      readonly ok: true;
      readonly summary: HeaderSummary;
      readonly cover: EmbeddedCover | null;
      readonly coverProblem: string | null;
    }
  | { readonly ok: false; readonly message: string };

/** Parses and summarizes a header; a file the user can fix (damaged, not a LoRA, a pickle) is an outcome, not a throw. */
export function parseHeaderTask(task: HeaderTask): HeaderOutcome {
  try {
    const header = parseSafetensorsHeader(task.bytes, task.size, task.path);
    const summary = summarizeHeader(header, task.path);
    const cover = task.wantCover ? embeddedCover(header.metadata) : null;
    if (cover !== null && 'problem' in cover)
      return { ok: true, summary, cover: null, coverProblem: cover.problem };
    return { ok: true, summary, cover, coverProblem: null };
  } catch (error) {
    if (isAtelierError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

export interface HeaderParser {
  /** May take `task.bytes`: a worker parser moves a buffer that holds only the header to its thread. */
  parse(task: HeaderTask): Promise<HeaderOutcome>;
}

/** Parses on the calling thread: what tests use, and fine for small libraries. */
export const inlineHeaderParser: HeaderParser = { parse: (task) => Promise.resolve(parseHeaderTask(task)) };

/**
 * Below this a header parses and summarizes in a few tenths of a millisecond, about what a round trip
 * to a worker costs. Full SDXL kohya headers (~400 KB, 2,958 tensors) take ~1.5–2 ms even on the fast
 * road (`parseHeaderFast`, the name caches in formats/): 30,000 of them are what workers are for.
 */
const INLINE_BELOW_BYTES = 64 * 1024;

/**
 * Parses big headers on worker threads, so a first scan of 30,000 real LoRAs uses every core and
 * the engine's thread stays free for list queries. Null when the worker entry is missing (a bundle
 * that did not emit `header.worker.js` beside this module): callers fall back to `inlineHeaderParser`.
 */
export function createHeaderWorkerParser(
  options: WorkerPoolOptions = {},
): (HeaderParser & Disposable) | null {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./header.worker${extension}`, import.meta.url);
  if (entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return null;
  // The engine thread mostly waits on I/O meanwhile, so on small machines every core gets a worker.
  const size = options.size ?? Math.max(2, os.availableParallelism() - 1);
  const pool = new WorkerPool<HeaderTask, HeaderOutcome>(entry, { name: 'lora-headers', ...options, size });
  return {
    parse: (task) => {
      if (task.bytes.length < INLINE_BELOW_BYTES) return inlineHeaderParser.parse(task);
      // A buffer read for this header alone moves to the worker instead of being copied.
      const { buffer, byteOffset, byteLength } = task.bytes;
      const owned = byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
      return pool.run(task, owned ? { transfer: [buffer] } : {});
    },
    dispose: () => pool.dispose(),
  };
}
