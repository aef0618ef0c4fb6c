import { describe, expect, it } from 'vitest';
import { filtersOf, hasFilters, libraryHref, parseImagesSearch } from './images.search';

describe('parseImagesSearch', () => {
  it('keeps what it can read and drops the rest', () => {
    expect(
      parseImagesSearch({ q: '  red fox ', source: 'imagegem', reaction: 'heart', lora: 12, image: '7' }),
    ).toEqual({ q: 'red fox', source: 'imagegem', reaction: 'heart', lora: 12, image: 7 });
    expect(
      parseImagesSearch({ q: '   ', source: 'web', reaction: 'angry', lora: -3, image: 1.5, extra: 1 }),
    ).toEqual({});
  });

  it('reads a numeric query as text, since the router parses `q=1girl`-like values loosely', () => {
    expect(parseImagesSearch({ q: 1024 })).toEqual({ q: '1024' });
  });
});

describe('filtersOf', () => {
  it('maps the URL to an images.list query without the open image', () => {
    expect(filtersOf({ q: 'fox', source: 'local', reaction: 'like', lora: 3, image: 9 })).toEqual({
      query: 'fox',
      source: 'local',
      reaction: 'like',
      loraFileId: 3,
    });
    expect(hasFilters({ image: 9 })).toBe(false);
    expect(hasFilters({ lora: 1 })).toBe(true);
  });
});

it('links a LoRA to the Library through the hash route', () => {
  expect(libraryHref(42)).toBe('#/library?lora=42');
});
