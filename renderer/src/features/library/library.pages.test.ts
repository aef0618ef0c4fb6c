import { describe, expect, it } from 'vitest';
import { itemAt, pageOf, pagesFor, type LoraItem, type LoraList } from './library.pages';

describe('pagesFor', () => {
  it('always includes page 0 (it carries the total)', () => {
    expect(pagesFor(0, -1, undefined)).toEqual([0]);
    expect(pagesFor(0, 40, 30_000)).toEqual([0]);
  });

  it('asks only for the pages under the visible range, even far down', () => {
    expect(pagesFor(29_940, 29_999, 30_000)).toEqual([0, 59]);
    expect(pagesFor(480, 530, 30_000)).toEqual([0, 1]);
  });

  it('does not ask past the end', () => {
    expect(pagesFor(995, 1_010, 1_000)).toEqual([0, 1]);
    expect(pagesFor(10, 20, 5, 10)).toEqual([0]);
  });
});

describe('itemAt', () => {
  it('finds an item in its page, or nothing while that page loads', () => {
    const item = { id: 7 } as LoraItem;
    const page: LoraList = { total: 20, items: [item, item, item] };
    const pages = new Map([[1, page]]);
    expect(pageOf(12, 10)).toBe(1);
    expect(itemAt(pages, 12, 10)).toBe(item);
    expect(itemAt(pages, 2, 10)).toBeUndefined();
  });
});
