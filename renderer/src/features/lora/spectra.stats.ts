/** The layer groups the spectrum plot draws one line for; attention V is apart because rank-1 edits keep it. */
export type SpectrumGroup = 'attn_v' | 'attn' | 'ff' | 'proj' | 'te' | 'conv' | 'other';

export const spectrumGroupOrder: readonly SpectrumGroup[] = [
  'attn_v',
  'attn',
  'ff',
  'proj',
  'te',
  'conv',
  'other',
];

export const spectrumGroupLabels: Record<SpectrumGroup, string> = {
  attn_v: 'Attention V',
  attn: 'Attention Q, K, out',
  ff: 'Feed-forward',
  proj: 'Projections',
  te: 'Text encoders',
  conv: 'Convolutions',
  other: 'Other',
};

export function spectrumGroupOf(kind: string): SpectrumGroup {
  if (kind === 'attn1_v' || kind === 'attn2_v') return 'attn_v';
  if (/^attn[12]_(q|k|out)$/.test(kind)) return 'attn';
  if (kind === 'ff_in' || kind === 'ff_out') return 'ff';
  if (kind === 'proj_in' || kind === 'proj_out') return 'proj';
  if (kind.startsWith('te_')) return 'te';
  if (kind === 'conv') return 'conv';
  return 'other';
}

/** The q-quantile (0..1) of ascending `sorted`, interpolating linearly between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (position - below);
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

export function quartiles(values: readonly number[]): Quartiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75) };
}

export interface SpectrumPoint extends Quartiles {
  /** 1-based component index i. */
  index: number;
  /** Modules with at least `index` components. */
  modules: number;
}

export interface GroupSpectrum {
  group: SpectrumGroup;
  label: string;
  /** Modules with a non-zero spectrum; the others have nothing to normalize. */
  modules: number;
  /** Modules whose weights are all zero. */
  zeroModules: number;
  maxRank: number;
  /** σᵢ/σ₁ across the group's modules, per index. */
  points: SpectrumPoint[];
  /** σ₁²/Σσᵢ² across the group's modules: how much of each module lives in its first component. */
  firstEnergy: Quartiles;
}

export interface SpectrumInput {
  kind: string;
  singularValues: readonly number[];
}

/** Median and interquartile band of normalized singular values per layer group, in plot order. */
export function groupSpectra(modules: readonly SpectrumInput[]): GroupSpectrum[] {
  const byGroup = new Map<SpectrumGroup, { normalized: number[][]; energy: number[]; zero: number }>();
  for (const module of modules) {
    const group = spectrumGroupOf(module.kind);
    let entry = byGroup.get(group);
    if (!entry) {
      entry = { normalized: [], energy: [], zero: 0 };
      byGroup.set(group, entry);
    }
    const values = module.singularValues.filter((value) => Number.isFinite(value) && value >= 0);
    const first = values.length === 0 ? 0 : Math.max(...values);
    if (first <= 0) {
      entry.zero += 1;
      continue;
    }
    const sorted = [...values].sort((a, b) => b - a);
    entry.normalized.push(sorted.map((value) => value / first));
    const total = sorted.reduce((sum, value) => sum + value * value, 0);
    entry.energy.push((first * first) / total);
  }

  const result: GroupSpectrum[] = [];
  for (const group of spectrumGroupOrder) {
    const entry = byGroup.get(group);
    if (!entry) continue;
    const maxRank = entry.normalized.reduce((max, values) => Math.max(max, values.length), 0);
    const points: SpectrumPoint[] = [];
    for (let i = 0; i < maxRank; i++) {
      const column = entry.normalized.filter((values) => values.length > i).map((values) => values[i]!);
      points.push({ index: i + 1, modules: column.length, ...quartiles(column) });
    }
    result.push({
      group,
      label: spectrumGroupLabels[group],
      modules: entry.normalized.length,
      zeroModules: entry.zero,
      maxRank,
      points,
      firstEnergy: quartiles(entry.energy),
    });
  }
  return result;
}

/** Smallest value the log axis shows; anything below is pinned to it (a zero has no logarithm). */
export const LOG_FLOOR = 1e-4;

/** The lower end of the y axis: the largest 1, 2 or 5 × 10ᵏ at or below the lowest first quartile, within [LOG_FLOOR, 0.5]. */
export function logAxisMin(groups: readonly GroupSpectrum[]): number {
  let lowest = 1;
  for (const group of groups) {
    for (const point of group.points) if (point.q1 > 0) lowest = Math.min(lowest, point.q1);
  }
  lowest = Math.max(lowest, LOG_FLOOR);
  const decade = 10 ** Math.floor(Math.log10(lowest) + 1e-9);
  const nice = [5, 2, 1]
    .map((step) => roundTick(step * decade))
    .find((value) => value <= lowest * (1 + 1e-9));
  return Math.min(0.5, Math.max(LOG_FLOOR, nice ?? decade));
}

/**
 * Ticks on a log axis from `min` to 1: within one decade 0.1, 0.2, 0.3, 0.5, 0.7; over two decades
 * 1, 2 and 5 of each; beyond that, decades only, so labels never crowd.
 */
export function logTicks(min: number): number[] {
  const lowDecade = Math.floor(Math.log10(min) + 1e-9);
  const steps = lowDecade >= -1 ? [1, 2, 3, 5, 7] : lowDecade >= -2 ? [1, 2, 5] : [1];
  const ticks: number[] = [1];
  for (let exponent = lowDecade; exponent < 0; exponent++) {
    for (const step of steps) ticks.push(roundTick(step * 10 ** exponent));
  }
  return ticks.filter((tick) => tick >= min * (1 - 1e-9) && tick <= 1).sort((a, b) => a - b);
}

function roundTick(value: number): number {
  return Number(value.toPrecision(6));
}

/** Integer ticks 1..maxIndex: all of them when few, else 1 and multiples of a round step. */
export function indexTicks(maxIndex: number, most = 12): number[] {
  if (maxIndex <= most) return Array.from({ length: maxIndex }, (_, i) => i + 1);
  const steps = [2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500];
  const step = steps.find((candidate) => maxIndex / candidate <= most - 1) ?? Math.ceil(maxIndex / most);
  const ticks = [1];
  for (let tick = step; tick <= maxIndex; tick += step) ticks.push(tick);
  return ticks;
}
