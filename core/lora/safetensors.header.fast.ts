import { Buffer, isUtf8 } from 'node:buffer';
import { type Dtype, dtypeSize, isDtype } from './dtype';
import type { SafetensorsHeader, TensorInfo } from './safetensors.header';
import { LayoutMemo } from './safetensors.layout-memo';

/**
 * The fast road through a well-formed safetensors header: one pass over the bytes that reads tensor
 * entries (`{"dtype":…,"shape":[…],"data_offsets":[a,b]}`) without building a JSON tree, and hands
 * only `__metadata__` to JSON.parse. A full SDXL kohya header (2,958 entries) costs JSON.parse alone
 * more than a library scan can spend per file.
 *
 * It answers null at the first thing it does not expect (escapes or non-ASCII in a tensor name, an
 * extra field, a negative or fractional number, a duplicate name, any validation failure…): the
 * caller then takes the exact, slow road, which produces the same result or the typed error. So this
 * only ever has to be right about what it accepts, and it accepts only what JSON.parse would.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;
/** 15 decimal digits always fit a safe integer. */
const MAX_DIGITS = 15;
const FAIL = -1;

/** Field names of a tensor entry, as bytes; compared in place instead of decoding a string. */
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const DTYPE = ascii('dtype');
const SHAPE = ascii('shape');
const DATA_OFFSETS = ascii('data_offsets');

type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
/** Buffer's own decoder, without `toString`'s argument handling (thousands of names per header). */
const latin1Slice: Latin1Slicer =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('latin1', start, end);
  };

function skipSpace(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return p;
    p++;
  }
  return p;
}

/** `p` at an opening quote: the index of the closing one, or FAIL for escapes, control or non-ASCII bytes. */
function plainStringEnd(b: Uint8Array, p: number, end: number): number {
  if (p >= end || b[p] !== QUOTE) return FAIL;
  for (p++; p < end; p++) {
    const c = b[p]!;
    if (c === QUOTE) return p;
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) return FAIL;
  }
  return FAIL;
}

/**
 * Tensor names seen before. A library repeats the same few thousand names in every file, mostly in
 * the same order: handing out the string already made (checked byte for byte) saves decoding it, and
 * every Map it then goes into (the tensor table, the name caches in formats/) finds it by identity
 * instead of hashing and comparing a fresh copy. First guess: the name at the same position in the
 * previous header; then a table by hash. Bounded: past the limit the table starts over.
 */
interface KnownName {
  readonly name: string;
  readonly bytes: Uint8Array;
}
const NAME_TABLE_LIMIT = 1 << 16;
const knownNames = new Map<number, KnownName>();
let previousOrder: KnownName[] = [];

function spells(known: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  const length = known.length;
  if (start + length >= end || b[start + length] !== QUOTE) return false;
  for (let i = 0; i < length; i++) if (known[i] !== b[start + i]) return false;
  return true;
}

/**
 * `p` at the opening quote of the `index`th tensor name: its string, one character per byte
 * (escapes, control and non-ASCII bytes send the header to the exact parser: null).
 */
function tensorName(text: Buffer, b: Uint8Array, p: number, end: number, order: KnownName[]): string | null {
  if (p >= end || b[p] !== QUOTE) return null;
  const start = p + 1;
  const guess = previousOrder[order.length];
  if (guess !== undefined && spells(guess.bytes, b, start, end)) {
    order.push(guess);
    return guess.name;
  }
  // FNV-1a, folded to 30 bits so the key stays a small integer.
  let h = 0x811c9dc5;
  for (p = start; p < end; p++) {
    const c = b[p]!;
    if (c === QUOTE) break;
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) return null;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (p >= end) return null;
  const key = h & 0x3fffffff;
  let known = knownNames.get(key);
  if (known === undefined || !spells(known.bytes, b, start, end)) {
    const fresh = { name: latin1Slice.call(text, start, p), bytes: b.slice(start, p) };
    if (known === undefined) {
      if (knownNames.size >= NAME_TABLE_LIMIT) knownNames.clear();
      knownNames.set(key, fresh);
    }
    known = fresh;
  }
  order.push(known);
  return known.name;
}

function sameBytes(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[start + i] !== word[i]) return false;
  return true;
}

/**
 * `p` at `[`: reads non-negative JSON integers (no sign, fraction, exponent or leading zero) into
 * `out` and returns the index after `]`, or FAIL.
 */
function integerList(b: Uint8Array, p: number, end: number, out: number[]): number {
  if (p >= end || b[p] !== OPEN_BRACKET) return FAIL;
  p = skipSpace(b, p + 1, end);
  if (p < end && b[p] === CLOSE_BRACKET) return p + 1;
  for (;;) {
    const value = integerAt(b, p, end);
    if (value < 0) return FAIL;
    out.push(value);
    p = skipSpace(b, integerEnd, end);
    if (p >= end) return FAIL;
    const c = b[p++]!;
    if (c === CLOSE_BRACKET) return p;
    if (c !== COMMA) return FAIL;
    p = skipSpace(b, p, end);
  }
}

/** `p` at `{`: the index after the matching `}`, skipping strings (escapes included); validity is JSON.parse's job. */
function objectEnd(b: Uint8Array, p: number, end: number): number {
  if (p >= end || b[p] !== OPEN_BRACE) return FAIL;
  let depth = 0;
  for (; p < end; p++) {
    const c = b[p]!;
    if (c === QUOTE) {
      for (p++; p < end; p++) {
        const s = b[p]!;
        if (s === BACKSLASH) p++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return p + 1;
    }
  }
  return FAIL;
}

function byDataOrder(a: TensorInfo, b: TensorInfo): number {
  return a.begin - b.begin || a.end - b.end;
}

/** The same checks as the slow road's `checkSpans`; any failure sends the file there for its error. */
function spansFit(entries: TensorInfo[], dataLength: number): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (byDataOrder(entries[i - 1]!, entries[i]!) > 0) {
      entries.sort(byDataOrder);
      break;
    }
  }
  let previousEnd = -1;
  for (const tensor of entries) {
    if (tensor.end > dataLength) return false;
    if (tensor.begin !== tensor.end) {
      if (tensor.begin < previousEnd) return false;
      previousEnd = tensor.end;
    }
  }
  return true;
}

function metadataEntries(b: Buffer, start: number, end: number): [string, string][] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(b.toString('utf8', start, end));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const entries = Object.entries(raw);
  for (const [, value] of entries) if (typeof value !== 'string') return null;
  return entries as [string, string][];
}

/** The last dtype seen, so the files' one or two dtypes are not decoded 2,958 times. */
let lastDtypeBytes = new Uint8Array(0);
let lastDtype: Dtype = 'F32';

function dtypeAt(b: Uint8Array, text: Buffer, start: number, end: number): Dtype | null {
  if (sameBytes(b, start, end, lastDtypeBytes)) return lastDtype;
  const name = latin1Slice.call(text, start, end);
  if (!isDtype(name)) return null;
  lastDtypeBytes = b.slice(start, end);
  lastDtype = name;
  return name;
}

const ENTRY_HEAD = ascii('{"dtype":"');
const SHAPE_HEAD = ascii('","shape":[');
const OFFSETS_HEAD = ascii(',"data_offsets":[');

function literalAt(b: Uint8Array, p: number, end: number, literal: Uint8Array): boolean {
  if (p + literal.length > end) return false;
  for (let i = 0; i < literal.length; i++) if (b[p + i] !== literal[i]) return false;
  return true;
}

/** A plain JSON integer at `p` (no sign, fraction, exponent or leading zero), its end in `integerEnd`; -1 when there is none. */
function integerAt(b: Uint8Array, p: number, end: number): number {
  let value = 0;
  let q = p;
  while (q < end) {
    const c = b[q]!;
    if (c < ZERO || c > NINE) break;
    value = value * 10 + (c - ZERO);
    q++;
  }
  const digits = q - p;
  if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && b[p] === ZERO)) return -1;
  integerEnd = q;
  return value;
}
let integerEnd = 0;

/**
 * The entry exactly as safetensors writers lay it out, `{"dtype":"F16","shape":[4,640],"data_offsets":[0,5120]}`,
 * matched piece by piece; FAIL when it is laid out any other way (`tensorEntry` then reads it).
 */
function compactEntry(
  b: Uint8Array,
  text: Buffer,
  p: number,
  end: number,
  name: string,
  into: TensorInfo[],
): number {
  if (!literalAt(b, p, end, ENTRY_HEAD)) return FAIL;
  const dtypeStart = p + ENTRY_HEAD.length;
  let q = dtypeStart;
  while (q < end && b[q] !== QUOTE) q++;
  const dtype = dtypeAt(b, text, dtypeStart, q);
  if (dtype === null || !literalAt(b, q, end, SHAPE_HEAD)) return FAIL;
  q += SHAPE_HEAD.length;
  const shape: number[] = [];
  let size = dtypeSize(dtype);
  if (b[q] === CLOSE_BRACKET) {
    q++;
  } else {
    for (;;) {
      const n = integerAt(b, q, end);
      if (n < 0) return FAIL;
      shape.push(n);
      size *= n;
      q = integerEnd;
      const c = b[q++];
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) return FAIL;
    }
  }
  if (!literalAt(b, q, end, OFFSETS_HEAD)) return FAIL;
  const begin = integerAt(b, q + OFFSETS_HEAD.length, end);
  if (begin < 0 || b[integerEnd] !== COMMA) return FAIL;
  const stop = integerAt(b, integerEnd + 1, end);
  if (stop < 0 || b[integerEnd] !== CLOSE_BRACKET || b[integerEnd + 1] !== CLOSE_BRACE) return FAIL;
  if (stop < begin || size !== stop - begin || !Number.isSafeInteger(size)) return FAIL;
  into.push({ name, dtype, shape, begin, end: stop });
  return integerEnd + 2;
}

/**
 * `p` at an entry's `{`: reads `dtype`, `shape` and `data_offsets` (in any order, nothing else),
 * checks dtype and size, and pushes the tensor. Returns the index after `}`, or FAIL.
 */
function tensorEntry(
  b: Uint8Array,
  text: Buffer,
  p: number,
  end: number,
  name: string,
  into: TensorInfo[],
): number {
  if (p >= end || b[p] !== OPEN_BRACE) return FAIL;
  let dtype: Dtype | null = null;
  let shape: number[] | null = null;
  let offsets: number[] | null = null;
  for (p++; ;) {
    p = skipSpace(b, p, end);
    const keyEnd = plainStringEnd(b, p, end);
    if (keyEnd === FAIL) return FAIL;
    const keyStart = p + 1;
    p = skipSpace(b, keyEnd + 1, end);
    if (p >= end || b[p] !== COLON) return FAIL;
    p = skipSpace(b, p + 1, end);
    if (dtype === null && sameBytes(b, keyStart, keyEnd, DTYPE)) {
      const valueEnd = plainStringEnd(b, p, end);
      if (valueEnd === FAIL) return FAIL;
      dtype = dtypeAt(b, text, p + 1, valueEnd);
      if (dtype === null) return FAIL;
      p = valueEnd + 1;
    } else if (shape === null && sameBytes(b, keyStart, keyEnd, SHAPE)) {
      shape = [];
      p = integerList(b, p, end, shape);
    } else if (offsets === null && sameBytes(b, keyStart, keyEnd, DATA_OFFSETS)) {
      offsets = [];
      p = integerList(b, p, end, offsets);
    } else {
      return FAIL;
    }
    if (p === FAIL) return FAIL;
    p = skipSpace(b, p, end);
    if (p >= end) return FAIL;
    const c = b[p++];
    if (c === CLOSE_BRACE) break;
    if (c !== COMMA) return FAIL;
  }
  if (dtype === null || shape === null || offsets?.length !== 2) return FAIL;
  const begin = offsets[0]!;
  const stop = offsets[1]!;
  if (stop < begin) return FAIL;
  let size = dtypeSize(dtype);
  for (let i = 0; i < shape.length; i++) size *= shape[i]!;
  if (size !== stop - begin || !Number.isSafeInteger(size)) return FAIL;
  into.push({ name, dtype, shape, begin, end: stop });
  return p;
}

/** Tensor lists read before (per thread): the headers of one trainer's LoRAs share them byte for byte. */
const layouts = new LayoutMemo();

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function fromLayout(
  layout: { tensors: ReadonlyMap<string, TensorInfo>; dataEnd: number },
  metadata: [string, string][] | null,
  end: number,
  dataLength: number,
  fileSize: number,
): SafetensorsHeader | null {
  // A file too short for its tensors: the exact road names the problem.
  if (layout.dataEnd > dataLength) return null;
  return {
    tensors: layout.tensors,
    metadata: Object.fromEntries(metadata ?? []),
    dataOffset: end,
    dataLength,
    fileSize,
  };
}

/**
 * Parses a header whose length (`headerLength`, already checked against the file) and bytes are in
 * `bytes`; null when the exact parser has to decide.
 */
export function parseHeaderFast(
  bytes: Uint8Array,
  headerLength: number,
  fileSize: number,
): SafetensorsHeader | null {
  const end = 8 + headerLength;
  // One plain Uint8Array for every byte read, so element access stays monomorphic; the Buffer only decodes.
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, end);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  if (!isUtf8(b.subarray(8))) return null;
  const dataLength = fileSize - end;
  const entries: TensorInfo[] = [];
  const order: KnownName[] = [];
  let metadata: [string, string][] | null = null;
  let metadataFirst = false;
  let p = skipSpace(b, 8, end);
  if (p >= end || b[p] !== OPEN_BRACE) return null;
  p = skipSpace(b, p + 1, end);
  // The tensor list: from the first entry (after a leading `__metadata__`) to the closing brace; the
  // padding after it varies with the metadata's length.
  let listStart = p;
  let listEnd = end;
  while (listEnd > p && isSpace(b[listEnd - 1]!)) listEnd--;
  if (p < end && b[p] === CLOSE_BRACE) {
    p++;
  } else {
    for (;;) {
      if (entries.length === 0) {
        // Before the first tensor: the rest may be the list of a header read before.
        listStart = p;
        const known = layouts.find(b, listStart, listEnd);
        if (known !== undefined) return fromLayout(known, metadata, end, dataLength, fileSize);
      }
      const name = tensorName(text, b, p, end, order);
      if (name === null) return null;
      const nameStart = p + 1;
      // Integer-like names come first in a parsed object's key order; the slow road keeps that order.
      const first = b[nameStart]!;
      if (first >= ZERO && first <= NINE) return null;
      p = skipSpace(b, nameStart + name.length + 1, end);
      if (p >= end || b[p] !== COLON) return null;
      p = skipSpace(b, p + 1, end);
      if (name === '__metadata__') {
        if (metadata !== null) return null;
        const valueEnd = objectEnd(b, p, end);
        if (valueEnd === FAIL) return null;
        metadata = metadataEntries(text, p, valueEnd);
        if (metadata === null) return null;
        metadataFirst = entries.length === 0;
        p = valueEnd;
      } else {
        const next = compactEntry(b, text, p, end, name, entries);
        p = next !== FAIL ? next : tensorEntry(b, text, p, end, name, entries);
        if (p === FAIL) return null;
      }
      p = skipSpace(b, p, end);
      if (p >= end) return null;
      const c = b[p++];
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) return null;
      p = skipSpace(b, p, end);
    }
  }
  if (skipSpace(b, p, end) !== end) return null;
  previousOrder = order;
  if (!spansFit(entries, dataLength)) return null;
  const tensors = new Map<string, TensorInfo>();
  for (const entry of entries) tensors.set(entry.name, entry);
  // A repeated name: JSON.parse keeps the last entry in the first one's place; leave that to it.
  if (tensors.size !== entries.length) return null;
  // Only a list without `__metadata__` in it: a remembered list then never holds a second one.
  if (metadata === null || metadataFirst) layouts.remember(b, listStart, listEnd, tensors);
  return {
    tensors,
    // fromEntries defines own properties, so a hostile `__proto__` key stays plain data.
    metadata: Object.fromEntries(metadata ?? []),
    dataOffset: end,
    dataLength,
    fileSize,
  };
}
