import { LONG_PROMPT_WORDS } from '../../store';
import type { ImageGemImageRow, ImageGemModelRow } from '../../store';
import { IMAGE_COLUMNS, MODEL_COLUMNS } from './imagegem.columns';
import {
  INVALID,
  toCount,
  toFloat,
  toInteger,
  toJsonValue,
  toList,
  toNsfwLevel,
  toSeed,
  toText,
  toTimestamp,
} from './value.coerce';
import type { Coerced } from './value.coerce';
import { wordsAbove } from './words';

/** A checked row, with what had to be dropped from it; or why the whole row was skipped. */
export type RowResult<T> = { readonly row: T; readonly note: string | null } | { readonly skip: string };

/** Reads cells by field through the chunk's column index; each parse collects its own notes. */
class Cells<K extends string> {
  private cells: readonly unknown[] = [];
  private index: Int32Array = new Int32Array(0);
  dropped: string[] = [];

  constructor(private readonly positions: Readonly<Record<K, number>>) {}

  reset(cells: readonly unknown[], index: Int32Array): void {
    this.cells = cells;
    this.index = index;
    this.dropped = [];
  }

  raw(field: K): unknown {
    const at = this.index[this.positions[field]]!;
    return at < 0 ? undefined : this.cells[at];
  }

  /** An optional value: a wrong type is dropped to null and noted, the row stays. */
  optional<T>(field: K, coerce: (value: unknown) => Coerced<T>): T | null {
    const value = coerce(this.raw(field));
    if (value !== INVALID) return value;
    this.dropped.push(field);
    return null;
  }
}

function positionsOf<K extends string>(spec: Readonly<Record<K, unknown>>): Record<K, number> {
  return Object.fromEntries(Object.keys(spec).map((name, i) => [name, i])) as Record<K, number>;
}

function describe(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'missing';
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.slice(0, 40));
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else text = Array.isArray(value) ? 'a list' : typeof value;
  return `not a valid value (${text})`;
}

function noteOf(dropped: readonly string[]): string | null {
  return dropped.length === 0
    ? null
    : `${dropped.join(', ')} had the wrong type and ${dropped.length === 1 ? 'was' : 'were'} left empty`;
}

const IMAGE_POSITIONS = positionsOf(IMAGE_COLUMNS);
const MODEL_POSITIONS = positionsOf(MODEL_COLUMNS);
const REACTIONS = [
  'heartCount',
  'likeCount',
  'laughCount',
  'cryCount',
  'dislikeCount',
  'commentCount',
] as const;

/** Checks rows of the images table; one instance per import, reused for every row. */
export class ImageRowParser {
  private readonly cells = new Cells(IMAGE_POSITIONS);

  parse(values: readonly unknown[], index: Int32Array): RowResult<ImageGemImageRow> {
    const c = this.cells;
    c.reset(values, index);
    const imageId = toCount(c.raw('imageId'));
    if (imageId === null || imageId === INVALID) return { skip: `id is ${describe(c.raw('imageId'))}` };
    const versionId = toCount(c.raw('versionId'));
    if (versionId === null || versionId === INVALID) {
      return { skip: `modelVersionId is ${describe(c.raw('versionId'))}` };
    }
    const userHash = toText(c.raw('userHash'));
    if (userHash === null || userHash === INVALID || userHash.trim() === '') {
      return { skip: `userHash is ${describe(c.raw('userHash'))}` };
    }
    const counts = [0, 0, 0, 0, 0, 0];
    for (let k = 0; k < REACTIONS.length; k++) {
      const field = REACTIONS[k]!;
      const count = toCount(c.raw(field));
      if (count === INVALID) return { skip: `${field} is ${describe(c.raw(field))}` };
      counts[k] = count ?? 0;
    }
    const prompt = c.optional('prompt', toText);
    // A row without a URL still names its image: Civitai's page for the id.
    const url = c.optional('url', toText) ?? `https://civitai.com/images/${imageId}`;
    const row: ImageGemImageRow = {
      imageId,
      userHash: userHash.trim(),
      versionId,
      url,
      prompt,
      negativePrompt: c.optional('negativePrompt', toText),
      seed: c.optional('seed', toSeed),
      steps: c.optional('steps', toInteger),
      sampler: c.optional('sampler', toText),
      cfg: c.optional('cfg', toFloat),
      clipSkip: c.optional('clipSkip', toInteger),
      width: c.optional('width', toCount),
      height: c.optional('height', toCount),
      nsfwLevel: c.optional('nsfwLevel', toNsfwLevel),
      createdAt: c.optional('createdAt', toTimestamp),
      heartCount: counts[0]!,
      likeCount: counts[1]!,
      laughCount: counts[2]!,
      cryCount: counts[3]!,
      dislikeCount: counts[4]!,
      commentCount: counts[5]!,
      promptWords: wordsAbove(prompt, LONG_PROMPT_WORDS),
    };
    return { row, note: noteOf(c.dropped) };
  }
}

const LICENCE_FIELDS = [
  'allowNoCredit',
  'allowCommercialUse',
  'allowDerivatives',
  'allowDifferentLicense',
] as const;

/** Tags are single words or short phrases, so any comma separates them. */
const TAG_SEPARATOR = /,/;
/** Trigger phrases may hold a bare comma; the dataset separates them with comma and space. */
const TRAINED_WORD_SEPARATOR = ', ';

/** Checks rows of the models table; one instance per import, reused for every row. */
export class ModelRowParser {
  private readonly cells = new Cells(MODEL_POSITIONS);

  parse(values: readonly unknown[], index: Int32Array): RowResult<ImageGemModelRow> {
    const c = this.cells;
    c.reset(values, index);
    const modelId = toCount(c.raw('modelId'));
    if (modelId === null || modelId === INVALID) return { skip: `modelId is ${describe(c.raw('modelId'))}` };
    const versionId = toCount(c.raw('versionId'));
    if (versionId === null || versionId === INVALID) {
      return { skip: `modelVersionId is ${describe(c.raw('versionId'))}` };
    }
    const fileName = c.optional('fileName', toText);
    let licence: Record<string, unknown> | null = null;
    for (const field of LICENCE_FIELDS) {
      const value = c.raw(field);
      if (value === undefined || value === null || value === '') continue;
      licence ??= {};
      licence[field] = toJsonValue(value);
    }
    const userHash = c.optional('userHash', toText);
    const row: ImageGemModelRow = {
      modelId,
      versionId,
      modelName: c.optional('modelName', toText) ?? fileName ?? `Civitai model ${modelId}`,
      versionName: c.optional('versionName', toText),
      type: c.optional('type', toText),
      fileName,
      tags: c.optional('tags', (v) => toList(v, TAG_SEPARATOR)) ?? [],
      trainedWords: c.optional('trainedWords', (v) => toList(v, TRAINED_WORD_SEPARATOR)) ?? [],
      baseModel: c.optional('baseModel', toText),
      userHash: userHash === null || userHash.trim() === '' ? null : userHash.trim(),
      downloadUrl: c.optional('downloadUrl', toText),
      nsfwLevel: c.optional('nsfwLevel', toNsfwLevel),
      licence,
    };
    return { row, note: noteOf(c.dropped) };
  }
}
