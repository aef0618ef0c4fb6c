import type { LoraItem } from './library.pages';

const whole = new Intl.NumberFormat('en-US');

export function countLabel(total: number): string {
  return total === 1 ? '1 LoRA' : `${whole.format(total)} LoRAs`;
}

/** The model name when a sidecar or Civitai gave one, else the file name without its extension. */
export function displayName(item: Pick<LoraItem, 'modelName' | 'fileName'>): string {
  const model = item.modelName?.trim();
  if (model) return model;
  return item.fileName.replace(/\.(safetensors|ckpt|pt|bin)$/i, '');
}

const SHORT: Record<string, string> = {
  sdxl: 'SDXL',
  'sdxl 1.0': 'SDXL',
  pony: 'Pony',
  illustrious: 'Illustrious',
  noobai: 'NoobAI',
  sd15: 'SD 1.5',
  'sd 1.5': 'SD 1.5',
  sd2: 'SD 2',
  'sd 2.1': 'SD 2.1',
  sd3: 'SD 3',
  flux: 'Flux',
  'flux.1 d': 'Flux',
  'flux.1 s': 'Flux',
};

/** A base-model filter choice: its label and how many files it finds. */
export function baseChoiceLabel(base: string, files: number): string {
  return `${baseLabel(base) ?? 'Unknown architecture'} (${whole.format(files)})`;
}

/** A short badge for a base model, e.g. `sdxl` → SDXL; unknown values keep their own spelling. */
export function baseLabel(base: string | null): string | null {
  if (base === null || base.trim() === '' || base === 'unknown') return null;
  return SHORT[base.toLowerCase()] ?? base;
}

/** A stable 32-bit hash (FNV-1a), so a name always gets the same placeholder colours. */
export function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Up to two letters from the words of a name: "Watercolor_Style_SDXL" → "WS". */
export function initials(name: string): string {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  const letters = words.slice(0, 2).map((word) => word[0]!.toUpperCase());
  return letters.join('') || '?';
}

/** A calm two-hue gradient for a LoRA without a preview; muted so real previews stand out. */
export function placeholderGradient(name: string): string {
  const hash = nameHash(name);
  const hue = hash % 360;
  const second = (hue + 40 + ((hash >>> 9) % 60)) % 360;
  const angle = 120 + ((hash >>> 17) % 90);
  return `linear-gradient(${angle}deg, hsl(${hue} 32% 26%), hsl(${second} 38% 14%))`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** The file name of a path on either platform. */
export function baseName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}
