import { describe, expect, it } from 'vitest';
import { readChartTheme } from './chartTheme';
import {
  formatPercent,
  isDatasetEmpty,
  logTicks,
  reactedImages,
  seriesTotal,
  sharedMax,
  toCdfPoints,
  toLogPoints,
  toRankPoints,
  topShare,
  wordTicks,
  type DatasetStats,
} from './stats.charts';

const empty: DatasetStats = {
  totals: { users: 0, images: 0, models: 0, loraFiles: 3 },
  reactions: [],
  topUsersByImages: [],
  topUsersByModels: [],
  longPrompts: { count: 0, cdf: [] },
};

it('calls the dataset empty when neither images, models nor users are loaded', () => {
  expect(isDatasetEmpty(empty)).toBe(true);
  expect(isDatasetEmpty({ ...empty, totals: { ...empty.totals, images: 1 } })).toBe(false);
});

describe('log axes', () => {
  it('ticks at powers of ten up to the maximum', () => {
    expect(logTicks(1)).toEqual([1]);
    expect(logTicks(9)).toEqual([1, 10]);
    expect(logTicks(10)).toEqual([1, 10]);
    expect(logTicks(12_345)).toEqual([1, 10, 100, 1000, 10_000, 100_000]);
  });

  it('leaves empty bins out instead of asking for log(0)', () => {
    expect(
      toLogPoints([
        { label: '0', count: 0 },
        { label: '1', count: 5 },
      ]),
    ).toEqual([
      { label: '0', value: null, count: 0 },
      { label: '1', value: 5, count: 5 },
    ]);
  });

  it('shares one maximum across the reaction kinds', () => {
    const series: DatasetStats['reactions'] = [
      { kind: 'heart', buckets: [{ label: '1', count: 40 }] },
      { kind: 'cry', buckets: [{ label: '1', count: 700 }] },
    ];
    expect(sharedMax(series)).toBe(700);
    expect(sharedMax([])).toBe(1);
    expect(
      seriesTotal([
        { label: '1', count: 2 },
        { label: '2–3', count: 3 },
      ]),
    ).toBe(5);
    expect(
      reactedImages([
        { label: '0', count: 90 },
        { label: '1', count: 2 },
        { label: '2–3', count: 3 },
      ]),
    ).toBe(5);
  });
});

describe('top users', () => {
  it('ranks from the hidden names and keeps thirty', () => {
    const buckets = Array.from({ length: 40 }, (_, i) => ({ label: `User ${i + 1}`, count: 100 - i }));
    const points = toRankPoints(buckets);
    expect(points).toHaveLength(30);
    expect(points[0]).toEqual({ rank: 1, label: 'User 1', count: 100 });
    expect(toRankPoints([{ label: 'anonymous', count: 3 }])[0]!.rank).toBe(1);
  });

  it('tells the share of the top users', () => {
    expect(
      topShare(
        [
          { label: 'User 1', count: 30 },
          { label: 'User 2', count: 20 },
        ],
        100,
        1,
      ),
    ).toBe(0.3);
    expect(topShare([], 0)).toBeNull();
    expect(formatPercent(0.304)).toBe('30%');
  });
});

describe('long prompts', () => {
  it('sorts, drops non-positive word counts and clamps fractions', () => {
    expect(
      toCdfPoints([
        { words: 400, fraction: 1.0000001 },
        { words: 0, fraction: 0 },
        { words: 210, fraction: 0.2 },
      ]),
    ).toEqual([
      { words: 210, fraction: 0.2 },
      { words: 400, fraction: 1 },
    ]);
  });

  it('ticks at round word counts inside the data', () => {
    expect(
      wordTicks([
        { words: 201, fraction: 0 },
        { words: 2500, fraction: 1 },
      ]),
    ).toEqual([300, 500, 700, 1000, 2000]);
    expect(wordTicks([])).toEqual([]);
  });
});

it('reads chart colours from the design tokens', () => {
  const tokens: Record<string, string> = { '--border': ' #262a32', '--accent': '#8fa8ff' };
  const theme = readChartTheme({ getPropertyValue: (name: string) => tokens[name] ?? '' });
  expect(theme.grid).toBe('#262a32');
  expect(theme.accent).toBe('#8fa8ff');
  expect(theme.tick).toBe('currentColor');
});
