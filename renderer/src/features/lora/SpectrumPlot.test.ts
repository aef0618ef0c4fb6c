import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { groupSpectra } from './spectra.stats';
import { SpectrumPlot } from './SpectrumPlot';

// createElement, not JSX: test files sit outside tsconfig.web.json, so Vitest would compile JSX the classic way.
function render(modules: { kind: string; singularValues: number[] }[]): string {
  return renderToStaticMarkup(
    createElement(SpectrumPlot, { groups: groupSpectra(modules), title: 'Spectra' }),
  );
}

describe('SpectrumPlot', () => {
  it('draws one titled series per group, each median line through every index', () => {
    const svg = render([
      { kind: 'attn1_v', singularValues: [1, 0.5, 0.25, 0.1] },
      { kind: 'ff_in', singularValues: [2, 1, 0.5, 0.2] },
      { kind: 'te_mlp_fc1', singularValues: [1, 0.9] },
    ]);
    expect(svg).toMatch(/^<svg[^>]*role="img"/);
    expect(svg).toContain('>Spectra</title>');
    expect([...svg.matchAll(/data-group="([^"]+)"/g)].map((match) => match[1])).toEqual([
      'attn_v',
      'ff',
      'te',
    ]);
    const medians = [...svg.matchAll(/class="[^"]*median[^"]*" d="(M[^"]+)"/g)].map((match) => match[1]!);
    expect(medians.map((d) => d.split(/[ML]/).filter(Boolean).length)).toEqual([4, 4, 2]);
  });

  it('puts σ₁ at the top of the plot and smaller values lower', () => {
    const svg = render([{ kind: 'ff_in', singularValues: [1, 0.1] }]);
    const [, d] = /class="[^"]*median[^"]*" d="(M[^"]+)"/.exec(svg) ?? [];
    const [first, second] = d!
      .split(/[ML]/)
      .filter(Boolean)
      .map((point) => Number(point.split(',')[1]));
    expect(first).toBeLessThan(second!);
  });
});
