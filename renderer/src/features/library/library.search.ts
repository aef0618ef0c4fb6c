import type { MethodInput } from '../../api';

export type LoraSort = 'name' | 'recent' | 'size';
export const SORTS: readonly LoraSort[] = ['name', 'recent', 'size'];

/** What the Library keeps in its URL, so a reload, a link or Back lands on the same view. */
export interface LibrarySearch {
  /** Full text over names, tags and trained words. */
  q?: string;
  /** Base model, as the engine stores it (lower case: `sdxl`, `pony`, `sd15` …). */
  base?: string;
  tag?: string;
  /** Only files whose weights exist more than once. */
  dup?: true;
  /** `name` is the default and stays out of the URL. */
  sort?: Exclude<LoraSort, 'name'>;
  /** The LoRA file open in the side panel. */
  lora?: number;
}

function text(value: unknown): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return raw === '' ? undefined : raw;
}

function positiveInt(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

/** Tolerant: a hand-edited or stale URL drops what it cannot read instead of failing the page. */
export function parseLibrarySearch(raw: Record<string, unknown>): LibrarySearch {
  const search: LibrarySearch = {};
  const q = text(raw.q);
  if (q !== undefined) search.q = q;
  const base = text(raw.base);
  if (base !== undefined) search.base = base.toLowerCase();
  const tag = text(raw.tag);
  if (tag !== undefined) search.tag = tag;
  if (raw.dup === true || raw.dup === 'true' || raw.dup === 1 || raw.dup === '1') search.dup = true;
  if (raw.sort === 'recent' || raw.sort === 'size') search.sort = raw.sort;
  const lora = positiveInt(raw.lora);
  if (lora !== undefined) search.lora = lora;
  return search;
}

export type LoraFilters = Omit<MethodInput<'loras.list'>, 'offset' | 'limit'>;

/** The list query for a view; the open LoRA is not part of it, so opening one does not refetch the grid. */
export function filtersOf(search: LibrarySearch): LoraFilters {
  const filters: LoraFilters = { sort: search.sort ?? 'name' };
  if (search.q !== undefined) filters.query = search.q;
  if (search.base !== undefined) filters.base = search.base;
  if (search.tag !== undefined) filters.tag = search.tag;
  if (search.dup) filters.duplicates = true;
  return filters;
}

/** Whether anything narrows the list (sorting does not). */
export function hasFilters(search: LibrarySearch): boolean {
  return (
    search.q !== undefined || search.base !== undefined || search.tag !== undefined || search.dup === true
  );
}

export const NO_FILTERS: Partial<LibrarySearch> = {
  q: undefined,
  base: undefined,
  tag: undefined,
  dup: undefined,
};
