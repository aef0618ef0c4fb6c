import type { PathPoint, Projection } from './editor.format';

export interface PlotPoint {
  name: string;
  x: number;
  y: number;
}

export interface Axis {
  domain: [number, number];
  ticks: number[];
}

export interface PlotData {
  members: Record<'positive' | 'negative' | 'none', PlotPoint[]>;
  /** The edited LoRA's trail from where it started, oldest first. */
  trail: PlotPoint[];
  origin: PlotPoint | null;
  current: PlotPoint | null;
  x: Axis;
  y: Axis;
}

function unitOf(unit: number): number {
  return Number.isFinite(unit) && unit > 0 ? unit : 1;
}

const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100];

/** A domain a little wider than the data, with 0 inside, on round ticks (about five of them). */
export function niceAxis(values: readonly number[]): Axis {
  let low = 0;
  let high = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const span = high - low || 1;
  const wanted = span / 5;
  const step = STEPS.find((candidate) => candidate >= wanted) ?? 10 ** Math.ceil(Math.log10(wanted));
  const pad = span * 0.04;
  const from = Math.floor((low - pad) / step);
  const to = Math.ceil((high + pad) / step);
  const ticks: number[] = [];
  // Integer multiples, so 0.1 steps do not drift into 0.30000000000000004.
  for (let i = from; i <= to; i++) ticks.push(Number((i * step).toFixed(6)));
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
}

/** Everything in standard deviations (raw / unit), so both axes read on the same scale as the sliders. */
export function toPlot(
  projection: Projection,
  path: readonly PathPoint[],
  origin: PathPoint | null,
): PlotData {
  const xUnit = unitOf(projection.xUnit);
  const yUnit = unitOf(projection.yUnit);
  const scaled = (point: PathPoint, name: string) => ({ name, x: point.x / xUnit, y: point.y / yUnit });
  const members: PlotData['members'] = { positive: [], negative: [], none: [] };
  for (const point of projection.points) members[point.label].push(scaled(point, point.name));
  const start = origin ? scaled(origin, 'original') : null;
  const trail = [...(start ? [start] : []), ...path.map((point) => scaled(point, 'edited'))];
  const last = path[path.length - 1];
  const xs = [...projection.points.map((point) => point.x / xUnit), ...trail.map((point) => point.x)];
  const ys = [...projection.points.map((point) => point.y / yUnit), ...trail.map((point) => point.y)];
  return {
    members,
    trail,
    origin: start,
    current: last ? scaled(last, 'edited') : null,
    x: niceAxis(xs),
    y: niceAxis(ys),
  };
}
