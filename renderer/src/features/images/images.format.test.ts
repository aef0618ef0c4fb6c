import { describe, expect, it } from 'vitest';
import {
  compactCount,
  formatSize,
  formatWeight,
  hasLocalFile,
  imageCountLabel,
  loraName,
  matchRuleLabel,
  promptExcerpt,
} from './images.format';

describe('promptExcerpt', () => {
  it('keeps the first words and drops LoRA tags and attention weights', () => {
    expect(promptExcerpt('<lora:fox_v2:0.8> (masterpiece:1.2), a red fox in snow, golden hour', 6)).toBe(
      'masterpiece, a red fox in snow…',
    );
    expect(promptExcerpt('a cat')).toBe('a cat');
    expect(promptExcerpt(null)).toBe('');
  });
});

describe('numbers', () => {
  it('shortens reaction counts', () => {
    expect(compactCount(950)).toBe('950');
    expect(compactCount(1234)).toBe('1.2K');
  });

  it('counts images, saying when a search stopped counting', () => {
    expect(imageCountLabel(1)).toBe('1 image');
    expect(imageCountLabel(2151)).toBe('2,151 images');
    expect(imageCountLabel(10_000, true)).toBe('10,000+ images');
  });

  it('shows a weight as a multiplier', () => {
    expect(formatWeight(1)).toBe('1.0');
    expect(formatWeight(0.75)).toBe('0.75');
    expect(formatWeight(0.333)).toBe('0.33');
    expect(formatWeight(null)).toBeNull();
  });

  it('shows a size only when both sides are known', () => {
    expect(formatSize(832, 1216)).toBe('832 × 1216');
    expect(formatSize(832, null)).toBeNull();
  });
});

describe('LoRA links', () => {
  const link = { name: null, weight: null, loraFileId: null, modelVersionId: null, matchRule: 'dataset' };

  it('names a LoRA even without a recorded name', () => {
    expect(loraName({ ...link, name: 'Fox' })).toBe('Fox');
    expect(loraName({ ...link, loraFileId: 4 })).toBe('LoRA file 4');
    expect(loraName({ ...link, modelVersionId: 128713 })).toBe('Civitai version 128713');
    expect(loraName(link)).toBe('Unnamed LoRA');
  });

  it('says how a link was made', () => {
    expect(matchRuleLabel('tensor_hash')).toBe('same weights (tensor hash)');
    expect(matchRuleLabel('some_new_rule')).toBe('some new rule');
  });
});

it('shows pixels only for files on this computer', () => {
  expect(hasLocalFile({ path: '/out/1.png' })).toBe(true);
  expect(hasLocalFile({ path: null })).toBe(false);
});
