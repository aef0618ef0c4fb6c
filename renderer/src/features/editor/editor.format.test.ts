import { describe, expect, it } from 'vitest';
import {
  appendPathPoint,
  convertStrengths,
  defaultPlotAxes,
  describeLabels,
  errorHeadline,
  fileStem,
  formatMs,
  formatNumber,
  formatPercent,
  formatStrength,
  nameProblem,
  parseTags,
  pointsToSettings,
  previewInput,
  resolvePlotAxes,
  sliderRange,
  suggestSpaceName,
} from './editor.format';

describe('sliderRange', () => {
  it('is ±3 standard deviations in steps of 0.05 by default', () => {
    expect(sliderRange(false, 150)).toEqual({ min: -3, max: 3, step: 0.05 });
  });

  it('is ±3 units in raw units, as finely stepped', () => {
    const range = sliderRange(true, 150);
    expect(range.min).toBe(-450);
    expect(range.max).toBe(450);
    expect(range.step).toBeCloseTo(7.5);
  });

  it('treats a unit that is not positive as 1', () => {
    expect(sliderRange(true, 0).max).toBe(3);
  });
});

describe('convertStrengths', () => {
  it('keeps each slider where it was when the units switch', () => {
    const units = { anime: 2, ink: 0.5 };
    const raw = convertStrengths({ anime: 1.5, ink: -1 }, units, true);
    expect(raw).toEqual({ anime: 3, ink: -0.5 });
    expect(convertStrengths(raw, units, false)).toEqual({ anime: 1.5, ink: -1 });
  });
});

describe('previewInput', () => {
  const state = {
    space: 'styles',
    lora: '/l/a.safetensors',
    chosen: ['anime'],
    strengths: { anime: 1 },
    raw: false,
  };

  it('sends the sliders and asks for the plot point when both axes are directions', () => {
    expect(previewInput(state, { x: 'anime', y: 'ink' })).toEqual({
      space: 'styles',
      lora: '/l/a.safetensors',
      directions: [
        { direction: 'anime', strength: 1 },
        { direction: 'ink', strength: 0 },
      ],
      raw: false,
      plot: ['anime', 'ink'],
    });
  });

  it('plots against the first principal component when there is no second direction', () => {
    const input = previewInput(state, { x: 'anime', y: null });
    expect(input.plot).toEqual(['anime', '@pc1']);
    expect(input.directions).toEqual([{ direction: 'anime', strength: 1 }]);
  });
});

describe('plot axes', () => {
  it('defaults to the first two sliders, else the first principal component', () => {
    expect(defaultPlotAxes(['ink', 'anime'], ['anime', 'ink'])).toEqual({ x: 'ink', y: 'anime' });
    expect(defaultPlotAxes(['anime'], ['anime', 'ink'])).toEqual({ x: 'anime', y: null });
    expect(defaultPlotAxes([], ['anime'])).toEqual({ x: 'anime', y: null });
    expect(defaultPlotAxes([], [])).toBeNull();
  });

  it('keeps what the user picked while those directions exist', () => {
    expect(resolvePlotAxes({ x: 'ink', y: 'anime' }, ['anime'], ['anime', 'ink'])).toEqual({
      x: 'ink',
      y: 'anime',
    });
    expect(resolvePlotAxes({ x: 'gone', y: null }, ['anime'], ['anime'])).toEqual({ x: 'anime', y: null });
  });
});

describe('appendPathPoint', () => {
  it('drops repeats and lets the oldest go', () => {
    let path = appendPathPoint([], { x: 0, y: 0 });
    path = appendPathPoint(path, { x: 0, y: 0 });
    expect(path).toHaveLength(1);
    path = appendPathPoint(path, { x: 1, y: 0 }, 2);
    path = appendPathPoint(path, { x: 2, y: 0 }, 2);
    expect(path).toEqual([
      { x: 1, y: 0 },
      { x: 2, y: 0 },
    ]);
  });
});

describe('forms', () => {
  it('splits tags on commas', () => {
    expect(parseTags(' anime, flat colour,,anime ')).toEqual(['anime', 'flat colour']);
    expect(parseTags('')).toEqual([]);
  });

  it('checks names the way the contract does', () => {
    expect(nameProblem('')).toMatch(/Enter a name/);
    expect(nameProblem('has space')).toMatch(/letters, digits/);
    expect(nameProblem('-lead')).toMatch(/letters, digits/);
    expect(nameProblem('anime', ['anime'])).toMatch(/taken/);
    expect(nameProblem('anime_v2.1')).toBeNull();
  });

  it('suggests a free space name from the source', () => {
    expect(suggestSpaceName([], 'all', [])).toBe('sdxl');
    expect(suggestSpaceName(['Anime', 'flat colour'], 'ff+attn_v', [])).toBe('anime-flat-colour-ff-attn_v');
    expect(suggestSpaceName([], 'attn', ['sdxl-attn'])).toBe('sdxl-attn-2');
  });
});

describe('formatting', () => {
  it('writes strengths with a sign, σ when normalized', () => {
    expect(formatStrength(1.5, false)).toBe('+1.50σ');
    expect(formatStrength(-0.05, false)).toBe('−0.05σ');
    expect(formatStrength(0, false)).toBe('0.00σ');
    expect(formatStrength(-224.5, true)).toBe('−225');
  });

  it('keeps three significant digits, with an exponent when tiny or huge', () => {
    expect(formatNumber(148.9665)).toBe('149');
    expect(formatNumber(-0.012345)).toBe('−0.0123');
    expect(formatNumber(0.00002)).toBe('2.00e-5');
    expect(formatNumber(123456)).toBe('1.23e5');
    expect(formatNumber(0)).toBe('0');
  });

  it('writes shares, times and names', () => {
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatMs(0.84)).toBe('0.8 ms');
    expect(formatMs(2500)).toBe('2.5 s');
    expect(fileStem('C:\\loras\\ink wash.safetensors')).toBe('ink wash');
    expect(describeLabels(['realistic', '@rest'])).toBe('realistic, the rest');
  });
});

describe('errors', () => {
  it('heads each error in the terms of what the user was doing', () => {
    expect(errorHeadline('NOT_FOUND', 'export')).toBe('Nowhere to export to yet');
    expect(errorHeadline('INTERNAL', 'export')).toBe('The edited LoRA could not be exported');
    expect(errorHeadline('ALREADY_EXISTS', 'direction')).toMatch(/choose another name/);
  });

  it('points to Settings when the fix is a ComfyUI folder', () => {
    expect(
      pointsToSettings(
        'NOT_FOUND',
        'No ComfyUI folder is set up to export into: add your ComfyUI folder in Settings',
      ),
    ).toBe(true);
    expect(pointsToSettings('INVALID_INPUT', 'The labels match 0 positive')).toBe(false);
  });
});
