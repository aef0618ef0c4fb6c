import { describe, expect, it } from 'vitest';
import {
  INVALID,
  toCount,
  toFloat,
  toInteger,
  toList,
  toNsfwLevel,
  toSeed,
  toText,
  toTimestamp,
} from './value.coerce';

describe('cell coercion', () => {
  it('reads integers from numbers, bigints, integral floats and text, and nothing else', () => {
    expect([7, 7n, 2.0, ' 42 ', '3.0', '', null, undefined].map(toInteger)).toEqual([
      7,
      7,
      2,
      42,
      3,
      null,
      null,
      null,
    ]);
    expect([2.5, 'abc', '1e3', true, 2n ** 60n, {}].map(toInteger)).toEqual(Array(6).fill(INVALID));
    expect([-1, '-3'].map(toCount)).toEqual([INVALID, INVALID]);
  });

  it('keeps seeds within int64 exact and refuses larger ones', () => {
    expect(toSeed(2n ** 62n)).toBe(2n ** 62n);
    expect(toSeed('18446744073709551615')).toBe(INVALID);
    expect(toSeed('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(toSeed(3_000_000_000)).toBe(3_000_000_000);
    expect(toSeed(2 ** 60)).toBe(2n ** 60n);
  });

  it('reads floats, text, lists and Civitai level names', () => {
    expect([7, '7.5', ' .5 ', 'seven', Infinity].map(toFloat)).toEqual([7, 7.5, 0.5, INVALID, null]);
    expect([12, 'a', '', {}].map(toText)).toEqual(['12', 'a', null, INVALID]);
    expect(toList('anime, character, woman,  , anime', /,/)).toEqual(['anime', 'character', 'woman']);
    expect(toList(['a', ' b '], ', ')).toEqual(['a', 'b']);
    expect(toList('best quality, ultra,detailed', ', ')).toEqual(['best quality', 'ultra,detailed']);
    expect(toList([1], ', ')).toBe(INVALID);
    expect(['Soft', 'X', 4, 'none', 'maybe'].map(toNsfwLevel)).toEqual([2, 8, 4, 1, INVALID]);
  });

  it('turns dates, epoch seconds and milliseconds into ISO text', () => {
    const iso = '2024-03-01T12:00:00.000Z';
    expect(toTimestamp(new Date(iso))).toBe(iso);
    expect(toTimestamp(Date.parse(iso))).toBe(iso);
    expect(toTimestamp(Date.parse(iso) / 1000)).toBe(iso);
    expect(toTimestamp(BigInt(Date.parse(iso)))).toBe(iso);
    expect(toTimestamp('2024-03-01 12:00:00Z')).toBe(iso);
    expect(toTimestamp('yesterday')).toBe(INVALID);
  });
});
