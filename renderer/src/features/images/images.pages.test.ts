import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import {
  flattenPages,
  nextOffset,
  patchReactions,
  totalOf,
  withReaction,
  type ImageItem,
  type ImageList,
} from './images.pages';

const none = { heart: false, like: false, laugh: false, cry: false };

function item(id: number): ImageItem {
  return {
    id,
    source: 'local',
    path: `/out/${id}.png`,
    url: null,
    width: 832,
    height: 1216,
    prompt: `prompt ${id}`,
    negativePrompt: null,
    seed: id,
    steps: 30,
    sampler: 'Euler a',
    cfg: 7,
    createdAt: '2025-01-01T00:00:00Z',
    userId: 1,
    loras: [],
    reactions: none,
    reactionCounts: null,
  };
}

function page(ids: number[], total: number, totalIsLowerBound = false): ImageList {
  return { total, totalIsLowerBound, items: ids.map(item) };
}

describe('nextOffset', () => {
  it('starts at 0 and advances by what was loaded', () => {
    expect(nextOffset([], 2)).toBe(0);
    expect(nextOffset([page([1, 2], 5)], 2)).toBe(2);
    expect(nextOffset([page([1, 2], 5), page([3, 4], 5)], 2)).toBe(4);
  });

  it('stops when everything is loaded or a page comes back short', () => {
    expect(nextOffset([page([1, 2], 2)], 2)).toBeUndefined();
    expect(nextOffset([page([1, 2], 9), page([3], 9)], 2)).toBeUndefined();
    expect(nextOffset([page([1, 2], 9), page([], 9)], 2)).toBeUndefined();
  });

  it('keeps going past a total that is only a lower bound', () => {
    expect(nextOffset([page([1, 2], 2, true)], 2)).toBe(2);
    expect(nextOffset([page([1, 2], 2, true), page([3], 2, true)], 2)).toBeUndefined();
  });
});

describe('pages', () => {
  it('flattens in order and reports the latest total', () => {
    const data: InfiniteData<ImageList, number> = {
      pages: [page([1, 2], 4), page([3], 3)],
      pageParams: [0, 2],
    };
    expect(flattenPages(data).map((image) => image.id)).toEqual([1, 2, 3]);
    expect(totalOf(data)).toEqual({ count: 3, lowerBound: false });
    expect(flattenPages(undefined)).toEqual([]);
    expect(totalOf(undefined)).toBeUndefined();
  });
});

describe('patchReactions', () => {
  const hearted = withReaction(none, 'heart', true);

  it('changes only the image it names, in every cached shape', () => {
    const infinite: InfiniteData<ImageList, number> = {
      pages: [page([1, 2], 4), page([3, 4], 4)],
      pageParams: [0, 2],
    };
    const patched = patchReactions(infinite, 3, hearted) as typeof infinite;
    expect(patched.pages[1]!.items[0]!.reactions).toEqual(hearted);
    expect(patched.pages[1]!.items[1]).toBe(infinite.pages[1]!.items[1]);
    // A page without the image keeps its identity, so its cards do not re-render.
    expect(patched.pages[0]).toBe(infinite.pages[0]);

    const list = page([5, 6], 2);
    expect((patchReactions(list, 6, hearted) as ImageList).items[1]!.reactions.heart).toBe(true);
    expect((patchReactions(item(7), 7, hearted) as ImageItem).reactions.heart).toBe(true);
    const detail = { lora: {}, images: [item(8)] };
    expect((patchReactions(detail, 8, hearted) as typeof detail).images[0]!.reactions.heart).toBe(true);
  });

  it('returns what it was given when the image is not there', () => {
    const infinite: InfiniteData<ImageList, number> = { pages: [page([1], 1)], pageParams: [0] };
    expect(patchReactions(infinite, 99, hearted)).toBe(infinite);
    const single = item(1);
    expect(patchReactions(single, 2, hearted)).toBe(single);
    expect(patchReactions(undefined, 1, hearted)).toBeUndefined();
  });

  it('sets one kind without touching the others', () => {
    expect(withReaction({ ...none, cry: true }, 'like', true)).toEqual({ ...none, cry: true, like: true });
  });
});
