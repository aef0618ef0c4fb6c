import type { ImageItem } from './images.pages';
import type { ReactionKind } from './images.search';

export type ImageLora = ImageItem['loras'][number];

/** The first words of a prompt for a card without pixels; LoRA tags and weights are noise there. */
export function promptExcerpt(prompt: string | null, maxWords = 14): string {
  if (!prompt) return '';
  const words = prompt
    .replace(/<[^>]*>/g, ' ')
    .replace(/[()[\]{}]|:\d+(\.\d+)?/g, ' ')
    .replace(/\s+,/g, ',')
    .replace(/^[\s,]+/, '')
    .split(/\s+/)
    .filter((word) => word !== '');
  const excerpt = words.slice(0, maxWords).join(' ').replace(/,$/, '');
  return words.length > maxWords ? `${excerpt}…` : excerpt;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** 950, 1.2K, 34K: reaction counts on a card. */
export function compactCount(value: number): string {
  return compact.format(value);
}

export function wholeCount(value: number): string {
  return whole.format(value);
}

/** "1 image", "2,151 images", or "10,000+ images" when a text search stopped counting. */
export function imageCountLabel(count: number, lowerBound = false): string {
  if (lowerBound) return `${whole.format(count)}+ images`;
  return count === 1 ? '1 image' : `${whole.format(count)} images`;
}

/** An image's pixels are ours to show only when the file is on this computer; a dataset URL is never fetched. */
export function hasLocalFile(item: Pick<ImageItem, 'path'>): boolean {
  return item.path !== null;
}

export function loraName(lora: ImageLora): string {
  if (lora.name) return lora.name;
  if (lora.loraFileId !== null) return `LoRA file ${lora.loraFileId}`;
  return lora.modelVersionId !== null ? `Civitai version ${lora.modelVersionId}` : 'Unnamed LoRA';
}

/** 0.8 → "0.8", 1 → "1.0"; weights read as multipliers, so one decimal at least. */
export function formatWeight(weight: number | null): string | null {
  if (weight === null) return null;
  const rounded = Math.round(weight * 100) / 100;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

const matchRules: Record<string, string> = {
  tensor_hash: 'same weights (tensor hash)',
  autov3: 'AutoV3 hash',
  autov2: 'AutoV2 hash',
  sha256: 'file hash',
  file_name: 'file name only',
  name: 'name only',
  dataset: 'ImageGem dataset',
};

/** How sure the link is, in words: a hash match is the same file, a name match is a guess. */
export function matchRuleLabel(rule: string): string {
  return matchRules[rule] ?? rule.replace(/_/g, ' ');
}

export function formatSize(width: number | null, height: number | null): string | null {
  return width !== null && height !== null ? `${width} × ${height}` : null;
}

export const reactionLabels: Record<ReactionKind, { name: string; by: string }> = {
  heart: { name: 'Heart', by: 'Hearted by me' },
  like: { name: 'Like', by: 'Liked by me' },
  laugh: { name: 'Laugh', by: 'Laughed at by me' },
  cry: { name: 'Cry', by: 'Cried at by me' },
};
