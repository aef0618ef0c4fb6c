import type { ErrorCode, MethodInput, MethodOutput } from '../../api';

export type SpaceSummary = MethodOutput<'w2w.list'>[number];
export type SpaceInfo = MethodOutput<'w2w.info'>;
export type Direction = SpaceInfo['directions'][number];
export type Preview = MethodOutput<'w2w.preview'>;
export type Readout = Preview['readouts'][number];
export type Projection = MethodOutput<'w2w.project'>;
export type PreviewInput = MethodInput<'w2w.preview'>;
export type LayerSetName = MethodOutput<'w2w.list'>[number]['layers'];
export type StandardizeName = SpaceSummary['standardize'];
export type DirectionMethodName = Direction['method'];

/** Normalized strengths: standard deviations of the members' projections. */
export const NORMALIZED_LIMIT = 3;
export const NORMALIZED_STEP = 0.05;
/** Slider steps over the whole range in raw units, so a raw slider moves as finely as a normalized one. */
const RAW_STEPS = (2 * NORMALIZED_LIMIT) / NORMALIZED_STEP;

export const layerSetOptions: readonly { value: LayerSetName; label: string }[] = [
  { value: 'all', label: 'All layers' },
  { value: 'attn', label: 'Attention (attn)' },
  { value: 'attn_v', label: 'Attention values (attn_v)' },
  { value: 'ff', label: 'Feed-forward (ff)' },
  { value: 'ff+attn_v', label: 'Feed-forward + attention values' },
];

export const methodLabels: Record<DirectionMethodName, string> = {
  logistic: 'Logistic regression',
  svm: 'Linear SVM',
  lstsq: 'Least squares',
};

export const standardizeLabels: Record<StandardizeName, string> = {
  zscore: 'Z-score per parameter',
  center: 'Center only',
};

export interface SliderRange {
  min: number;
  max: number;
  step: number;
}

/** ±3 standard deviations, or the same span in the direction's raw units. */
export function sliderRange(raw: boolean, unit: number): SliderRange {
  if (!raw) return { min: -NORMALIZED_LIMIT, max: NORMALIZED_LIMIT, step: NORMALIZED_STEP };
  const span = NORMALIZED_LIMIT * (Number.isFinite(unit) && unit > 0 ? unit : 1);
  return { min: -span, max: span, step: (2 * span) / RAW_STEPS };
}

export function clamp(value: number, range: Pick<SliderRange, 'min' | 'max'>): number {
  return Math.min(range.max, Math.max(range.min, value));
}

/** Switching units keeps each slider where it was: s normalized = s·unit raw. */
export function convertStrengths(
  strengths: Readonly<Record<string, number>>,
  units: Readonly<Record<string, number>>,
  toRaw: boolean,
): Record<string, number> {
  const converted: Record<string, number> = {};
  for (const [name, value] of Object.entries(strengths)) {
    const unit = units[name];
    if (unit === undefined || !(unit > 0)) converted[name] = toRaw ? value : 0;
    else converted[name] = toRaw ? value * unit : value / unit;
  }
  return converted;
}

export interface EditState {
  space: string;
  lora: string;
  /** Directions with a slider, in the order they were chosen. */
  chosen: readonly string[];
  strengths: Readonly<Record<string, number>>;
  raw: boolean;
}

export function strengthsOf(state: Pick<EditState, 'chosen' | 'strengths'>) {
  return state.chosen.map((direction) => ({ direction, strength: state.strengths[direction] ?? 0 }));
}

/**
 * The read-out request for the sliders. Plot axes that have no slider ride along at strength 0, so the
 * engine reports the edited LoRA's coefficient on them too.
 */
export function previewInput(state: EditState, plot: PlotAxes | null): PreviewInput {
  const directions = strengthsOf(state);
  for (const axis of plot ? [plot.x, plot.y] : []) {
    if (axis !== null && !state.chosen.includes(axis)) directions.push({ direction: axis, strength: 0 });
  }
  return {
    space: state.space,
    lora: state.lora,
    directions,
    raw: state.raw,
    ...(plot ? { plot: [plot.x, plot.y ?? '@pc1'] as [string, string] } : {}),
  };
}

export interface PlotAxes {
  x: string;
  /** null: the first principal component. */
  y: string | null;
}

/** x the first slider's direction (else the space's first); y the second slider's, else the first principal component. */
export function defaultPlotAxes(chosen: readonly string[], directions: readonly string[]): PlotAxes | null {
  const x = chosen[0] ?? directions[0];
  if (x === undefined) return null;
  const y = chosen.find((name) => name !== x) ?? null;
  return { x, y };
}

/** Keeps axes the user picked while they still exist; otherwise falls back to the default. */
export function resolvePlotAxes(
  picked: PlotAxes | null,
  chosen: readonly string[],
  directions: readonly string[],
): PlotAxes | null {
  if (picked && directions.includes(picked.x) && (picked.y === null || directions.includes(picked.y)))
    return picked.y === picked.x ? { x: picked.x, y: null } : picked;
  return defaultPlotAxes(chosen, directions);
}

export interface PathPoint {
  x: number;
  y: number;
}

/** The edited LoRA's trail on the plot: consecutive duplicates dropped, the oldest points let go past `max`. */
export function appendPathPoint(path: readonly PathPoint[], point: PathPoint, max = 400): PathPoint[] {
  const last = path[path.length - 1];
  if (last && Math.abs(last.x - point.x) < 1e-12 && Math.abs(last.y - point.y) < 1e-12) return [...path];
  const next = [...path, point];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Tags typed as "anime, flat colour" → ["anime", "flat colour"]; blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag !== '') seen.add(tag);
  }
  return [...seen];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The contract's rule for space and direction names, said the way a form says it. */
export function nameProblem(name: string, taken: readonly string[] = []): string | null {
  if (name.trim() === '') return 'Enter a name.';
  if (!NAME.test(name))
    return 'Use letters, digits, “_”, “.” and “-” (at most 64), starting with a letter or digit.';
  if (taken.includes(name)) return 'That name is taken; choose another.';
  return null;
}

/** A space name from the source: `sdxl-all`, `anime-realistic-attn_v`, … */
export function suggestSpaceName(
  tags: readonly string[],
  layers: LayerSetName,
  taken: readonly string[],
): string {
  const stem = (tags.length > 0 ? tags.join('-') : 'sdxl')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-_.]+|[-]+$/g, '')
    .slice(0, 40);
  const base = `${stem || 'space'}${layers === 'all' ? '' : `-${layers.replace('+', '-')}`}`;
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

export function formatStrength(value: number, raw: boolean): string {
  if (!Number.isFinite(value)) return '—';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  const magnitude = Math.abs(value);
  if (!raw) return `${sign}${magnitude.toFixed(2)}σ`;
  return `${sign}${formatNumber(magnitude)}`;
}

/** Coefficients and distances come in whatever scale the space has: 3 significant digits, exponent when tiny or huge. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  const sign = value < 0 ? '−' : '';
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = magnitude.toExponential(2).split('e');
    return `${sign}${mantissa}e${Number(exponent)}`;
  }
  return `${sign}${Number(magnitude.toPrecision(3)).toString()}`;
}

export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '—';
  const percent = share * 100;
  if (percent > 0 && percent < 1) return `${percent.toFixed(1)}%`;
  if (percent > 99 && percent < 100) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** The last part of a path, either separator, without `.safetensors`. */
export function fileStem(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/\.safetensors$/i, '');
}

/** How a label list reads in the directions table: `@rest` is "every other member". */
export function describeLabels(labels: readonly string[]): string {
  if (labels.length === 0) return '—';
  return labels
    .map((label) => (label === '@rest' ? 'the rest' : label === '@liked' ? 'liked' : label))
    .join(', ');
}

export type EditorAction = 'list' | 'export' | 'build' | 'direction' | 'preview' | 'remove';

const exportHeadlines: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'Nowhere to export to yet',
  PATH_NOT_FOUND: 'The export folder does not exist',
  PATH_NOT_WRITABLE: 'Atelier cannot write to the export folder',
  OUTPUT_EXISTS: 'A file with that name exists',
  INVALID_LORA_FILE: 'This LoRA cannot be read',
  NOT_A_LORA: 'This file has no LoRA weights',
  INVALID_INPUT: 'This edit cannot be exported',
};

const headlines: Record<EditorAction, { byCode: Partial<Record<ErrorCode, string>>; fallback: string }> = {
  export: { byCode: exportHeadlines, fallback: 'The edited LoRA could not be exported' },
  build: {
    byCode: {
      ALREADY_EXISTS: 'A space with this name exists — choose another name',
      INVALID_INPUT: 'These settings cannot build a space',
      NOT_FOUND: 'No LoRAs match this source',
    },
    fallback: 'The space could not be built',
  },
  direction: {
    byCode: {
      ALREADY_EXISTS: 'A direction with this name exists — choose another name',
      INVALID_INPUT: 'These labels cannot teach a direction',
      NOT_FOUND: 'No members carry these labels',
    },
    fallback: 'The direction could not be learned',
  },
  preview: {
    byCode: {
      INVALID_LORA_FILE: 'This LoRA cannot be read',
      NOT_A_LORA: 'This file has no LoRA weights',
      INVALID_INPUT: 'This LoRA does not fit the space',
      NOT_FOUND: 'The space or a direction is gone',
      PATH_NOT_FOUND: 'The LoRA file is gone',
    },
    fallback: 'The read-outs could not be computed',
  },
  remove: { byCode: {}, fallback: 'The space could not be deleted' },
  list: {
    byCode: { UNKNOWN_METHOD: 'This engine has no weight-space editor yet' },
    fallback: 'The weight spaces could not be read',
  },
};

export function errorHeadline(code: ErrorCode, action: EditorAction): string {
  const entry = headlines[action];
  return entry.byCode[code] ?? entry.fallback;
}

/** Exports land in ComfyUI's LoRA folder: when the engine cannot find one, the fix is in Settings. */
export function pointsToSettings(code: ErrorCode, message: string): boolean {
  return /comfy/i.test(message) || (code === 'NOT_FOUND' && /folder/i.test(message));
}
