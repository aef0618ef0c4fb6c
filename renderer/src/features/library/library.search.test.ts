import { describe, expect, it } from 'vitest';
import { filtersOf, hasFilters, parseLibrarySearch } from './library.search';

describe('parseLibrarySearch', () => {
  it('keeps what it can read and drops the rest', () => {
    expect(
      parseLibrarySearch({
        q: '  water ',
        base: 'SDXL',
        tag: 'style',
        dup: 'true',
        sort: 'size',
        lora: '12',
      }),
    ).toEqual({ q: 'water', base: 'sdxl', tag: 'style', dup: true, sort: 'size', lora: 12 });
    expect(parseLibrarySearch({ q: '', dup: 'no', sort: 'name', lora: '-3', extra: 1 })).toEqual({});
    expect(parseLibrarySearch({ sort: 'bogus', lora: 1.5, dup: true })).toEqual({ dup: true });
  });
});

describe('filtersOf', () => {
  it('maps the URL to the list query without the open LoRA', () => {
    expect(filtersOf({ q: 'fox', base: 'pony', tag: 'anime', dup: true, lora: 4 })).toEqual({
      sort: 'name',
      query: 'fox',
      base: 'pony',
      tag: 'anime',
      duplicates: true,
    });
    expect(filtersOf({ sort: 'recent' })).toEqual({ sort: 'recent' });
  });

  it('does not count sorting or the open panel as a filter', () => {
    expect(hasFilters({ sort: 'size', lora: 3 })).toBe(false);
    expect(hasFilters({ tag: 'x' })).toBe(true);
  });
});
