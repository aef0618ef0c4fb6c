import { describe, expect, it } from 'vitest';
import { CARD_FOOTER_HEIGHT, GAP, gridLayout, MAX_COLUMNS, needsMore, rowCount } from './grid.layout';

describe('gridLayout', () => {
  it('adds columns as the window widens, never below the minimum card width', () => {
    expect(gridLayout(0).columns).toBe(1);
    expect(gridLayout(430).columns).toBe(2);
    expect(gridLayout(1000).columns).toBe(4);
    expect(gridLayout(1064).columns).toBe(5);
    expect(gridLayout(10_000).columns).toBe(MAX_COLUMNS);
    for (const width of [300, 640, 1064, 1600])
      expect(gridLayout(width).cardWidth).toBeGreaterThanOrEqual(200);
  });

  it('fills the width exactly and sizes rows from the card width', () => {
    const { columns, cardWidth, rowHeight } = gridLayout(1064);
    expect(columns * cardWidth + (columns - 1) * GAP).toBeCloseTo(1064);
    expect(rowHeight).toBe(Math.round(cardWidth * 1.25) + CARD_FOOTER_HEIGHT + GAP);
  });
});

describe('paging', () => {
  it('counts rows and asks for more near the end of what is loaded', () => {
    expect(rowCount(0, 4)).toBe(0);
    expect(rowCount(9, 4)).toBe(3);
    expect(needsMore(10, 50)).toBe(false);
    expect(needsMore(46, 50)).toBe(true);
  });
});
