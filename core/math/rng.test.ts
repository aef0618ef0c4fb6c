import { describe, expect, it } from 'vitest';
import { createRng, fillGaussian } from './rng';

describe('createRng', () => {
  it('is deterministic per seed and differs between nearby seeds', () => {
    const take = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    expect(take(0)).not.toEqual(take(2 ** 32));
  });

  it('gives uniform doubles in [0, 1) with the right mean and variance', () => {
    const r = createRng(1);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      sum += x;
      sumSq += x * x;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = sum / n;
    // Standard error of the mean is sqrt(1/12/n) ≈ 6.5e-4; 5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.5e-3);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('gives standard normal deviates (mean, variance, tail mass)', () => {
    const xs = fillGaussian(createRng(2), new Float64Array(200_000));
    let sum = 0;
    let sumSq = 0;
    let beyond2 = 0;
    for (const x of xs) {
      sum += x;
      sumSq += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(Math.abs(sum / xs.length)).toBeLessThan(0.012);
    expect(Math.abs(sumSq / xs.length - 1)).toBeLessThan(0.02);
    // P(|Z| > 2) = 0.0455.
    expect(Math.abs(beyond2 / xs.length - 0.0455)).toBeLessThan(0.003);
  });

  it('spreads the low bits of nextUint32 evenly', () => {
    const r = createRng(3);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 160_000; i++) counts[r.nextUint32() & 15]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});
