import { describe, expect, it } from 'vitest';
import { gridLayout } from './grid.layout';
import {
  baseChoiceLabel,
  baseLabel,
  countLabel,
  displayName,
  formatBytes,
  initials,
  nameHash,
  placeholderGradient,
} from './library.format';

describe('library format', () => {
  it('names a LoRA by its model, else its file', () => {
    expect(displayName({ modelName: 'Ink Wash', fileName: 'ink.safetensors' })).toBe('Ink Wash');
    expect(displayName({ modelName: null, fileName: 'Watercolor_Style.safetensors' })).toBe(
      'Watercolor_Style',
    );
  });

  it('labels base models briefly and hides unknown', () => {
    expect(baseLabel('sdxl')).toBe('SDXL');
    expect(baseLabel('Pony')).toBe('Pony');
    expect(baseLabel('sd15')).toBe('SD 1.5');
    expect(baseLabel('Hunyuan 1')).toBe('Hunyuan 1');
    expect(baseLabel(null)).toBeNull();
    expect(baseLabel('unknown')).toBeNull();
  });

  it('offers each base model with the files it finds', () => {
    expect(baseChoiceLabel('sdxl', 28_412)).toBe('SDXL (28,412)');
    expect(baseChoiceLabel('unknown', 3)).toBe('Unknown architecture (3)');
  });

  it('counts with separators', () => {
    expect(countLabel(1)).toBe('1 LoRA');
    expect(countLabel(12_345)).toBe('12,345 LoRAs');
  });

  it('derives stable placeholder initials and colours from the name', () => {
    expect(initials('Watercolor_Style_SDXL')).toBe('WS');
    expect(initials('inkWash')).toBe('IW');
    expect(initials('___')).toBe('?');
    expect(nameHash('a')).toBe(nameHash('a'));
    expect(nameHash('a')).not.toBe(nameHash('b'));
    expect(placeholderGradient('fox')).toBe(placeholderGradient('fox'));
    expect(placeholderGradient('fox')).toMatch(/^linear-gradient\(\d+deg, hsl\(/);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(228 * 1024 * 1024)).toBe('228 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });

  it('lays out more columns on wider windows, with exact row heights', () => {
    expect(gridLayout(0).columns).toBe(1);
    expect(gridLayout(1200).columns).toBe(5 + 1);
    expect(gridLayout(400).columns).toBe(2);
    const layout = gridLayout(1200);
    expect(layout.rowHeight).toBe(Math.round(layout.cardWidth * 1.25) + 70 + 14);
  });
});
