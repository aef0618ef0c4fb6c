import type { MethodOutput } from '../../api';

export type DatasetStats = MethodOutput<'stats.dataset'>;
export type Bucket = DatasetStats['topUsersByImages'][number];
export type ReactionSeries = DatasetStats['reactions'][number];

/** Nothing to draw: no dataset imported and no images scanned. */
export function isDatasetEmpty(stats: DatasetStats): boolean {
  return stats.totals.images === 0 && stats.totals.models === 0 && stats.totals.users === 0;
}

/** Powers of ten from 1 up to the first one at or above `max`: the ticks of a log axis of counts. */
export function logTicks(max: number): number[] {
  const ticks = [1];
  while (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! * 10);
  return ticks;
}

/**
 * A log axis cannot show 0, and a bar of 1 would be invisible at a floor of 1; bars start just below
 * one so a single image still shows as a sliver, and empty bins show nothing.
 */
export const LOG_FLOOR = 0.7;

export interface LogPoint {
  label: string;
  /** null for an empty bin: drawn as nothing rather than as log(0). */
  value: number | null;
  count: number;
}

export function toLogPoints(buckets: readonly Bucket[]): LogPoint[] {
  return buckets.map((bucket) => ({
    label: bucket.label,
    value: bucket.count > 0 ? bucket.count : null,
    count: bucket.count,
  }));
}

/** One y scale for all four small multiples, so heights compare across reactions. */
export function sharedMax(series: readonly ReactionSeries[]): number {
  return Math.max(1, ...series.flatMap((entry) => entry.buckets.map((bucket) => bucket.count)));
}

export function seriesTotal(buckets: readonly Bucket[]): number {
  return buckets.reduce((sum, bucket) => sum + bucket.count, 0);
}

/** Images with at least one reaction of a kind: every bin but the one for zero. */
export function reactedImages(buckets: readonly Bucket[]): number {
  return buckets.reduce((sum, bucket) => (bucket.label.trim() === '0' ? sum : sum + bucket.count), 0);
}

export interface RankPoint {
  rank: number;
  label: string;
  count: number;
}

/** "User 7" → rank 7 for a compact axis; the tooltip keeps the hidden name. */
export function toRankPoints(buckets: readonly Bucket[], limit = 30): RankPoint[] {
  return buckets.slice(0, limit).map((bucket, index) => {
    const number = /(\d+)\s*$/.exec(bucket.label)?.[1];
    return { rank: number ? Number(number) : index + 1, label: bucket.label, count: bucket.count };
  });
}

/** What share of all images the top users made; the long tail in one number. */
export function topShare(buckets: readonly Bucket[], total: number, top = 10): number | null {
  if (total <= 0) return null;
  return buckets.slice(0, top).reduce((sum, bucket) => sum + bucket.count, 0) / total;
}

export interface CdfPoint {
  words: number;
  fraction: number;
}

/** Sorted, positive word counts only (a log x axis), fractions clamped to [0, 1]. */
export function toCdfPoints(cdf: readonly CdfPoint[]): CdfPoint[] {
  return cdf
    .filter((point) => point.words > 0 && Number.isFinite(point.fraction))
    .map((point) => ({ words: point.words, fraction: Math.min(1, Math.max(0, point.fraction)) }))
    .sort((a, b) => a.words - b.words);
}

/** The x ticks of the prompt-length CDF: round word counts between the data's ends. */
export function wordTicks(points: readonly CdfPoint[]): number[] {
  const first = points[0]?.words;
  const last = points[points.length - 1]?.words;
  if (first === undefined || last === undefined) return [];
  const candidates = [200, 300, 500, 700, 1000, 2000, 3000, 5000, 10_000, 20_000, 50_000];
  return candidates.filter((value) => value >= first && value <= last);
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

export function formatCompact(value: number): string {
  return compact.format(value);
}

export function formatWhole(value: number): string {
  return whole.format(value);
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
