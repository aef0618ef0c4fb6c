import { describe, expect, it } from 'vitest';
import {
  groupSpectra,
  indexTicks,
  logAxisMin,
  logTicks,
  quantile,
  quartiles,
  spectrumGroupOf,
} from './spectra.stats';

describe('quantile', () => {
  it('interpolates between order statistics like numpy’s default', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) → 1.75, 2.5, 3.25
    expect(quartiles([4, 1, 3, 2])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25 });
    expect(quantile([5], 0.3)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('spectrumGroupOf', () => {
  it('puts value projections apart from the other attention projections', () => {
    expect(
      ['attn1_v', 'attn2_v', 'attn1_q', 'attn2_out', 'ff_in', 'proj_out', 'te_mlp_fc1', 'conv', 'x'].map(
        spectrumGroupOf,
      ),
    ).toEqual(['attn_v', 'attn_v', 'attn', 'attn', 'ff', 'proj', 'te', 'conv', 'other']);
  });
});

describe('groupSpectra', () => {
  it('normalizes by σ₁ and takes quartiles per index across a group', () => {
    const groups = groupSpectra([
      { kind: 'attn1_v', singularValues: [2, 1] },
      { kind: 'attn2_v', singularValues: [4, 1] },
      { kind: 'attn2_v', singularValues: [1, 1] },
      { kind: 'ff_in', singularValues: [3] },
    ]);
    expect(groups.map((group) => group.group)).toEqual(['attn_v', 'ff']);
    const [v, ff] = groups;
    expect(v!.modules).toBe(3);
    expect(v!.points.map((point) => point.median)).toEqual([1, 0.5]);
    expect(v!.points[1]).toMatchObject({ index: 2, modules: 3, q1: 0.375, q3: 0.75 });
    // σ₁²/Σσ²: 4/5, 16/17, 1/2
    expect(v!.firstEnergy.median).toBeCloseTo(0.8, 12);
    expect(ff!.firstEnergy).toEqual({ q1: 1, median: 1, q3: 1 });
  });

  it('counts modules of differing rank only where they have a component', () => {
    const [group] = groupSpectra([
      { kind: 'ff_in', singularValues: [1, 0.5, 0.25] },
      { kind: 'ff_out', singularValues: [1] },
    ]);
    expect(group!.maxRank).toBe(3);
    expect(group!.points.map((point) => point.modules)).toEqual([2, 1, 1]);
    expect(group!.points[2]!.median).toBe(0.25);
  });

  it('sets aside all-zero modules instead of dividing by zero', () => {
    const [group] = groupSpectra([
      { kind: 'conv', singularValues: [0, 0] },
      { kind: 'conv', singularValues: [] },
      { kind: 'conv', singularValues: [2, 1] },
    ]);
    expect(group).toMatchObject({ modules: 1, zeroModules: 2 });
    expect(group!.points.map((point) => point.median)).toEqual([1, 0.5]);
  });
});

describe('axes', () => {
  it('starts the log axis at a round value at or below the lowest quartile, within bounds', () => {
    const axisFor = (second: number) =>
      logAxisMin(groupSpectra([{ kind: 'ff_in', singularValues: [1, second] }]));
    expect(axisFor(0.03)).toBeCloseTo(0.02, 12);
    expect(axisFor(0.55)).toBeCloseTo(0.5, 12);
    expect(axisFor(0.8)).toBeCloseTo(0.5, 12);
    expect(axisFor(0.15)).toBeCloseTo(0.1, 12);
    expect(axisFor(1e-9)).toBe(1e-4);
  });

  it('labels a short axis finely and a long one by decades', () => {
    expect(logTicks(0.5)).toEqual([0.5, 0.7, 1]);
    expect(logTicks(0.1)).toEqual([0.1, 0.2, 0.3, 0.5, 0.7, 1]);
    expect(logTicks(0.02)).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(logTicks(1e-4)).toEqual([1e-4, 1e-3, 0.01, 0.1, 1]);
  });

  it('labels every index of a small rank and round steps of a large one', () => {
    expect(indexTicks(4)).toEqual([1, 2, 3, 4]);
    expect(indexTicks(32)).toEqual([1, 4, 8, 12, 16, 20, 24, 28, 32]);
    expect(indexTicks(128)).toEqual([1, 16, 32, 48, 64, 80, 96, 112, 128]);
  });
});
