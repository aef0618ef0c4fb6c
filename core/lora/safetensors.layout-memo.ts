import { Buffer } from 'node:buffer';
import type { TensorInfo } from './safetensors.header';

/**
 * Tensor tables already read, keyed by the exact bytes that listed them. A library holds thousands of
 * LoRAs made by the same trainer at the same rank: their headers differ in `__metadata__` (names,
 * dates, tag counts) but list the same 2,958 tensors with the same shapes and offsets, byte for byte.
 * The fast road reads the metadata of every file and, when the rest of the header equals one it has
 * read (compared in full, no hash), hands back that header's tensor table instead of reading it again.
 *
 * Equal bytes parse to an equal table, and offsets are relative to the data, so the table is right
 * for every file that lists it; only the file's size differs, which the caller checks (`dataEnd`).
 */
export interface MemoLayout {
  /** Shared by every header with these bytes: read-only, like every header's table. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** The largest `end` of any tensor: the data length the file needs at least. */
  readonly dataEnd: number;
}

interface Entry extends MemoLayout {
  readonly bytes: Buffer;
  /** Files that reused it (halved whenever it keeps a newcomer out, so old favourites age). */
  hits: number;
}

/** Below this a table reads in well under a tenth of a millisecond: not worth a copy of its bytes. */
export const LAYOUT_MEMO_MIN_BYTES = 16 * 1024;
/**
 * Memory the remembered layouts may take per thread, counted as twice their bytes (the copy, and the
 * table it parsed to, which is about as big): ~40 full SDXL lists, the least recently used going first.
 */
const LAYOUT_MEMO_BUDGET_BYTES = 32 * 1024 * 1024;

/** Fingerprints of lists seen once, kept to admit a list on its second sighting; cleared when full. */
const SIGHTINGS_LIMIT = 4096;
/** Bytes between those a fingerprint reads: ~6,000 of a full SDXL list, a few microseconds. */
const FINGERPRINT_STRIDE = 61;

/** Length and a hash of sampled bytes: equal lists always agree, so it only ever decides admission. */
function fingerprintOf(bytes: Uint8Array, start: number, end: number): string {
  let h = 0x811c9dc5;
  for (let p = start; p < end; p += FINGERPRINT_STRIDE) h = Math.imul(h ^ bytes[p]!, 0x01000193);
  h = Math.imul(h ^ bytes[end - 1]!, 0x01000193);
  return `${end - start}:${h >>> 0}`;
}

export class LayoutMemo {
  /**
   * How often lists not kept were seen. A list is kept from its second sighting on: a file whose list
   * is its own (a dynamic resize gives every module its own rank) would otherwise cost a copy and push
   * out a list that thousands of files share. When the memo is full, a newcomer replaces the least
   * used list only if it was seen more often than that one was used, so a library with more lists than
   * fit keeps its most common ones instead of cycling through all of them.
   */
  private readonly sightings = new Map<string, number>();
  /** Least recently used first (a Map iterates in insertion order; a hit moves its entry to the end). */
  private readonly entries = new Map<Entry, number>();
  /** Entries by list length: lists of different trainers or ranks rarely share one. */
  private readonly byLength = new Map<number, Entry[]>();
  private bytesKept = 0;

  constructor(private readonly budgetBytes = LAYOUT_MEMO_BUDGET_BYTES) {}

  /** The layout listed by `bytes[start, end)`, when one with exactly these bytes was remembered. */
  find(bytes: Uint8Array, start: number, end: number): MemoLayout | undefined {
    const length = end - start;
    if (length < LAYOUT_MEMO_MIN_BYTES) return undefined;
    const candidates = this.byLength.get(length);
    if (candidates === undefined) return undefined;
    const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, length);
    for (const entry of candidates) {
      if (!entry.bytes.equals(view)) continue;
      entry.hits++;
      this.entries.delete(entry);
      this.entries.set(entry, length);
      return entry;
    }
    return undefined;
  }

  /** Keeps a copy of `bytes[start, end)` with the table it parsed to, once such a list was seen before. */
  remember(bytes: Uint8Array, start: number, end: number, tensors: ReadonlyMap<string, TensorInfo>): void {
    const length = end - start;
    if (length < LAYOUT_MEMO_MIN_BYTES || 2 * length > this.budgetBytes) return;
    const fingerprint = fingerprintOf(bytes, start, end);
    const seen = (this.sightings.get(fingerprint) ?? 0) + 1;
    if (seen < 2 || !this.makeRoom(2 * length, seen)) {
      if (this.sightings.size >= SIGHTINGS_LIMIT) this.sightings.clear();
      this.sightings.set(fingerprint, seen);
      return;
    }
    this.sightings.delete(fingerprint);
    let dataEnd = 0;
    for (const tensor of tensors.values()) if (tensor.end > dataEnd) dataEnd = tensor.end;
    const entry: Entry = { bytes: Buffer.from(bytes.subarray(start, end)), tensors, dataEnd, hits: 0 };
    this.entries.set(entry, length);
    const sameLength = this.byLength.get(length);
    if (sameLength === undefined) this.byLength.set(length, [entry]);
    else sameLength.push(entry);
    this.bytesKept += 2 * length;
  }

  /** Frees `cost` bytes of the budget from the least used lists, unless they were used more than `seen`. */
  private makeRoom(cost: number, seen: number): boolean {
    while (this.bytesKept + cost > this.budgetBytes) {
      let victim: Entry | undefined;
      // Least hits; among equals the least recently used (the Map's first).
      for (const entry of this.entries.keys())
        if (victim === undefined || entry.hits < victim.hits) victim = entry;
      if (victim!.hits >= seen) {
        victim!.hits >>= 1;
        return false;
      }
      this.forget(victim!);
    }
    return true;
  }

  private forget(entry: Entry): void {
    const length = this.entries.get(entry)!;
    this.entries.delete(entry);
    const sameLength = this.byLength.get(length)!;
    sameLength.splice(sameLength.indexOf(entry), 1);
    if (sameLength.length === 0) this.byLength.delete(length);
    this.bytesKept -= 2 * length;
  }

  get size(): number {
    return this.entries.size;
  }
}
