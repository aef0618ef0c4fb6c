import type { MethodInput } from '../../api';

export type ReactionKind = MethodInput<'images.react'>['kind'];
export type ImageSource = NonNullable<MethodInput<'images.list'>['source']>;

export const REACTION_KINDS: readonly ReactionKind[] = ['heart', 'like', 'laugh', 'cry'];
const SOURCES: readonly ImageSource[] = ['local', 'imagegem'];

/** What the Images page keeps in its URL, so a reload, a link or Back lands on the same view. */
export interface ImagesSearch {
  /** Full-text over prompts. */
  q?: string;
  source?: ImageSource;
  /** Images the artist reacted to with this kind. */
  reaction?: ReactionKind;
  /** A LoRA file id, e.g. from a Library link. */
  lora?: number;
  /** The image open in the detail panel. */
  image?: number;
}

function positiveInt(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

function oneOf<T extends string>(options: readonly T[], value: unknown): T | undefined {
  return options.find((option) => option === value);
}

/** Tolerant: a hand-edited or stale URL drops what it cannot read instead of failing the page. */
export function parseImagesSearch(raw: Record<string, unknown>): ImagesSearch {
  const search: ImagesSearch = {};
  const q = typeof raw.q === 'string' ? raw.q.trim() : typeof raw.q === 'number' ? String(raw.q) : '';
  if (q !== '') search.q = q;
  const source = oneOf(SOURCES, raw.source);
  if (source) search.source = source;
  const reaction = oneOf(REACTION_KINDS, raw.reaction);
  if (reaction) search.reaction = reaction;
  const lora = positiveInt(raw.lora);
  if (lora !== undefined) search.lora = lora;
  const image = positiveInt(raw.image);
  if (image !== undefined) search.image = image;
  return search;
}

export type ImageFilters = Omit<MethodInput<'images.list'>, 'offset' | 'limit'>;

/** The list query for a view; the open image is not part of it, so opening one does not refetch the grid. */
export function filtersOf(search: ImagesSearch): ImageFilters {
  const filters: ImageFilters = {};
  if (search.q !== undefined) filters.query = search.q;
  if (search.source !== undefined) filters.source = search.source;
  if (search.reaction !== undefined) filters.reaction = search.reaction;
  if (search.lora !== undefined) filters.loraFileId = search.lora;
  return filters;
}

export function hasFilters(search: ImagesSearch): boolean {
  return Object.keys(filtersOf(search)).length > 0;
}

/**
 * The Library filtered by one LoRA file. A plain hash link: the Library owns its own search params, and
 * the same href works under file:// in Electron and over HTTP in serve mode.
 */
export function libraryHref(loraFileId: number): string {
  return `#/library?lora=${loraFileId}`;
}
