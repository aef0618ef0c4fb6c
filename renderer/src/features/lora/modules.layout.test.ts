import { describe, expect, it } from 'vitest';
import { kindRows, targetRows } from './modules.layout';

describe('kindRows', () => {
  it('lays counts out by layer family, skipping empty families and collecting unknown kinds', () => {
    const rows = kindRows({ attn1_q: 70, attn1_v: 70, ff_in: 70, ff_out: 70, other: 2, mystery: 1, conv: 0 });
    expect(rows.map((row) => [row.label, row.total])).toEqual([
      ['Self-attention', 140],
      ['Feed-forward', 140],
      ['Other', 3],
    ]);
    expect(rows[0]!.cells.map((cell) => `${cell.name} ${cell.count}`)).toEqual([
      'q 70',
      'k 0',
      'v 70',
      'out 0',
    ]);
    expect(rows[2]!.cells.map((cell) => cell.name)).toEqual(['mystery', 'other']);
  });
});

describe('targetRows', () => {
  it('orders the UNet before the text encoders, with shares', () => {
    expect(targetRows({ te2: 192, unet: 722, te1: 72 })).toEqual([
      { target: 'unet', label: 'UNet', count: 722, share: 722 / 986 },
      { target: 'te1', label: 'Text encoder 1', count: 72, share: 72 / 986 },
      { target: 'te2', label: 'Text encoder 2', count: 192, share: 192 / 986 },
    ]);
  });
});
