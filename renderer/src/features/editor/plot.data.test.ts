import { describe, expect, it } from 'vitest';
import type { Projection } from './editor.format';
import { niceAxis, toPlot } from './plot.data';

const projection: Projection = {
  points: [
    { index: 0, name: 'a', x: 2, y: 1, label: 'positive' },
    { index: 1, name: 'b', x: -4, y: -3, label: 'negative' },
    { index: 2, name: 'c', x: 0, y: 6, label: 'none' },
  ],
  xUnit: 2,
  yUnit: 3,
  yLabel: 'principal component 1',
};

describe('toPlot', () => {
  it('groups members by label in standard deviations', () => {
    const plot = toPlot(projection, [], null);
    expect(plot.members.positive).toEqual([{ name: 'a', x: 1, y: 1 / 3 }]);
    expect(plot.members.negative).toEqual([{ name: 'b', x: -2, y: -1 }]);
    expect(plot.members.none).toEqual([{ name: 'c', x: 0, y: 2 }]);
    expect(plot.origin).toBeNull();
    expect(plot.current).toBeNull();
    expect(plot.trail).toEqual([]);
  });

  it('draws the trail from the original LoRA to where the sliders put it, and widens the axes to hold it', () => {
    const plot = toPlot(projection, [{ x: 20, y: 3 }], { x: 0, y: 0 });
    expect(plot.origin).toEqual({ name: 'original', x: 0, y: 0 });
    expect(plot.current).toEqual({ name: 'edited', x: 10, y: 1 });
    expect(plot.trail.map((point) => point.x)).toEqual([0, 10]);
    expect(plot.x.domain[1]).toBeGreaterThanOrEqual(10);
  });
});

describe('niceAxis', () => {
  it('holds 0 and the data on round ticks', () => {
    expect(niceAxis([1, 2])).toEqual({ domain: [-0.5, 2.5], ticks: [-0.5, 0, 0.5, 1, 1.5, 2, 2.5] });
    expect(niceAxis([-9, 3]).ticks).toEqual([-10, -7.5, -5, -2.5, 0, 2.5, 5]);
    expect(niceAxis([]).domain).toEqual([-0.2, 0.2]);
  });

  it('does not drift on decimal steps', () => {
    expect(niceAxis([0.3, 0.4]).ticks).toEqual([-0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });
});
