import type { LoraInspection } from '../../api';

type BaseModelName = LoraInspection['base']['baseModel'];
type FormatName = LoraInspection['format'];
type Confidence = LoraInspection['base']['confidence'];

export const baseModelLabels: Record<BaseModelName, string> = {
  sd15: 'SD 1.5',
  sd2: 'SD 2.x',
  sdxl: 'SDXL',
  sd3: 'SD 3',
  flux: 'Flux',
  unknown: 'Unknown base model',
};

export const formatLabels: Record<FormatName, string> = {
  kohya: 'kohya-ss LoRA',
  peft: 'PEFT / diffusers LoRA',
  loha: 'LyCORIS LoHa',
  lokr: 'LyCORIS LoKr',
  mixed: 'Mixed LoRA formats',
  unknown: 'Unknown format',
};

export const confidenceLabels: Record<Confidence, string> = {
  high: 'high confidence',
  medium: 'medium confidence',
  low: 'low confidence',
};

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** Binary units with the familiar labels, as file managers on Windows and Linux show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A share 0..1 as a percentage; small shares keep a decimal so they do not read as zero. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '—';
  const percent = share * 100;
  if (percent > 0 && percent < 1) return `${percent.toFixed(1)}%`;
  if (percent > 99 && percent < 100) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** "rank 4", or "ranks 4–32" when modules differ. */
export function describeRanks(ranks: LoraInspection['ranks']): string {
  const values = ranks.map((entry) => entry.rank).sort((a, b) => a - b);
  if (values.length === 0) return 'no low-rank modules';
  if (values.length === 1) return `rank ${values[0]}`;
  return `ranks ${values[0]}–${values[values.length - 1]}`;
}
