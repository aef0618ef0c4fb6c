import type { MethodOutput } from '../../api';

export type LoraList = MethodOutput<'loras.list'>;
export type LoraItem = LoraList['items'][number];
export type LoraDetail = MethodOutput<'loras.get'>;

/** The most `loras.list` gives in one answer; a 30,000-file library is 60 of them, loaded as rows come into view. */
export const PAGE_SIZE = 500;

export function pageOf(index: number, pageSize = PAGE_SIZE): number {
  return Math.floor(index / pageSize);
}

/**
 * The pages that hold items `first..last` (inclusive), nearest first, plus page 0, which carries the
 * total that sizes the grid. Empty ranges (nothing visible yet) still ask for page 0.
 */
export function pagesFor(
  first: number,
  last: number,
  total: number | undefined,
  pageSize = PAGE_SIZE,
): number[] {
  const pages = new Set<number>([0]);
  if (last >= first && first >= 0) {
    const lastIndex = total === undefined ? last : Math.min(last, Math.max(0, total - 1));
    for (let page = pageOf(first, pageSize); page <= pageOf(lastIndex, pageSize); page++) pages.add(page);
  }
  return [...pages].sort((a, b) => a - b);
}

/** The item at `index` if its page is loaded. */
export function itemAt(
  pages: ReadonlyMap<number, LoraList>,
  index: number,
  pageSize = PAGE_SIZE,
): LoraItem | undefined {
  return pages.get(pageOf(index, pageSize))?.items[index % pageSize];
}
