import type { InfiniteData } from '@tanstack/react-query';
import type { MethodOutput } from '../../api';
import type { ReactionKind } from './images.search';

export type ImageList = MethodOutput<'images.list'>;
export type ImageItem = MethodOutput<'images.get'>;
export type ReactionFlags = ImageItem['reactions'];

/** Rows of a 100k-image grid arrive in pages this size as the artist scrolls. */
export const PAGE_SIZE = 200;

/**
 * The offset of the page after `pages`, or undefined when everything the server has is loaded. A text
 * search may only know a lower bound of its matches; then a short page, not the total, marks the end.
 */
export function nextOffset(pages: readonly ImageList[], pageSize = PAGE_SIZE): number | undefined {
  const last = pages.at(-1);
  if (!last) return 0;
  const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
  if (last.items.length < pageSize) return undefined;
  if (!last.totalIsLowerBound && loaded >= last.total) return undefined;
  return loaded;
}

export function flattenPages(data: InfiniteData<ImageList> | undefined): ImageItem[] {
  return data ? data.pages.flatMap((page) => page.items) : [];
}

/** The server's latest count of matching images (the last page is the freshest answer). */
export function totalOf(
  data: InfiniteData<ImageList> | undefined,
): { count: number; lowerBound: boolean } | undefined {
  const last = data?.pages.at(-1);
  return last ? { count: last.total, lowerBound: last.totalIsLowerBound } : undefined;
}

export function withReaction(flags: ReactionFlags, kind: ReactionKind, on: boolean): ReactionFlags {
  return { ...flags, [kind]: on };
}

function patchItem(item: ImageItem, imageId: number, reactions: ReactionFlags): ImageItem {
  return item.id === imageId ? { ...item, reactions } : item;
}

function patchList<T extends { items: ImageItem[] }>(list: T, imageId: number, reactions: ReactionFlags): T {
  if (!list.items.some((item) => item.id === imageId)) return list;
  return { ...list, items: list.items.map((item) => patchItem(item, imageId, reactions)) };
}

function isInfinite(value: object): value is InfiniteData<ImageList> {
  return 'pages' in value && Array.isArray(value.pages);
}

function isItem(value: object): value is ImageItem {
  return 'id' in value && 'reactions' in value;
}

function isList(value: object): value is ImageList {
  return 'items' in value && Array.isArray(value.items);
}

/**
 * Puts one image's reactions into any cached shape that holds it: the grid's pages, a plain
 * `images.list` answer, `images.get`, or the images of `loras.get`. Untouched objects are returned as they are, so React Query
 * keeps their identity and nothing re-renders for an image that is not on screen.
 */
export function patchReactions(cached: unknown, imageId: number, reactions: ReactionFlags): unknown {
  if (typeof cached !== 'object' || cached === null) return cached;
  if (isInfinite(cached)) {
    let changed = false;
    const pages = cached.pages.map((page) => {
      const next = patchList(page, imageId, reactions);
      if (next !== page) changed = true;
      return next;
    });
    return changed ? { ...cached, pages } : cached;
  }
  if (isList(cached)) return patchList(cached, imageId, reactions);
  if (isItem(cached)) return cached.id === imageId ? { ...cached, reactions } : cached;
  if ('images' in cached && Array.isArray(cached.images)) {
    // `loras.get` lists the images made with a LoRA.
    const images = cached.images as ImageItem[];
    return images.some((item) => item.id === imageId)
      ? { ...cached, images: images.map((item) => patchItem(item, imageId, reactions)) }
      : cached;
  }
  return cached;
}
