/**
 * Cell values from Parquet (numbers, bigints, Dates), CSV (strings) and JSONL (JSON values) turned into
 * what the store takes. `INVALID` means the cell holds something of the wrong type; absent cells (null,
 * undefined, empty text) are null.
 */
export const INVALID: unique symbol = Symbol('invalid');
export type Coerced<T> = T | null | typeof INVALID;

const INTEGER_TEXT = /^[-+]?\d+(?:\.0*)?$/;
const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isAbsent(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

/** Integers within ±2⁵³; pandas writes nullable integer columns as floats, so 2.0 counts as 2. */
export function toInteger(value: unknown): Coerced<number> {
  if (isAbsent(value)) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : INVALID;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : INVALID;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    if (!INTEGER_TEXT.test(text)) return INVALID;
    const parsed = Number.parseFloat(text);
    return Number.isSafeInteger(parsed) ? parsed : INVALID;
  }
  return INVALID;
}

/** A non-negative integer, for ids and counts. */
export function toCount(value: unknown): Coerced<number> {
  const n = toInteger(value);
  return n === INVALID || n === null || n >= 0 ? n : INVALID;
}

/** Seeds reach 2⁶⁴ in the wild; those within int64 are kept exact as bigint, the rest are invalid. */
export function toSeed(value: unknown): Coerced<number | bigint> {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) return INVALID;
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  if (typeof value === 'string' && /^\s*[-+]?\d{16,}\s*$/.test(value)) return toSeed(BigInt(value.trim()));
  // JSON has already rounded such a number; the nearest integer is all that is left of it.
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return toSeed(BigInt(value));
  }
  return toInteger(value);
}

export function toFloat(value: unknown): Coerced<number> {
  if (isAbsent(value)) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    return NUMBER_TEXT.test(text) ? Number.parseFloat(text) : INVALID;
  }
  return INVALID;
}

/** Text as given; numbers become their decimal text, since a CSV tool may have typed a column. */
export function toText(value: unknown): Coerced<string> {
  if (isAbsent(value)) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return INVALID;
}

/** Seconds or milliseconds since 1970 are told apart by size: 1e11 s is the year 5138. */
function fromEpoch(value: number): Coerced<string> {
  const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? INVALID : date.toISOString();
}

/** An ISO 8601 timestamp, from a Date, an epoch number or any text `Date` parses. */
export function toTimestamp(value: unknown): Coerced<string> {
  if (isAbsent(value)) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID : value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? fromEpoch(value) : INVALID;
  if (typeof value === 'bigint') return fromEpoch(Number(value));
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    if (/^\d+$/.test(text)) return fromEpoch(Number(text));
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? INVALID : date.toISOString();
  }
  return INVALID;
}

/**
 * A list cell: an array (Parquet list columns, JSON) or text split at `separator`. Items are trimmed,
 * empty ones dropped, duplicates kept once.
 */
export function toList(value: unknown, separator: string | RegExp): Coerced<string[]> {
  if (isAbsent(value)) return [];
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'string') items = value.split(separator);
  else return INVALID;
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') return INVALID;
    const text = item.trim();
    if (text !== '') seen.add(text);
  }
  return [...seen];
}

/** Civitai's browsing levels by name, as its API spells them in older exports. */
const NSFW_LEVELS: Readonly<Record<string, number>> = { none: 1, soft: 2, mature: 4, x: 8, xxx: 16 };

export function toNsfwLevel(value: unknown): Coerced<number> {
  if (typeof value === 'string') {
    const named = NSFW_LEVELS[value.trim().toLowerCase()];
    if (named !== undefined) return named;
  }
  return toCount(value);
}

/** A value JSON can hold, for licence flags stored as they came. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  return value;
}
