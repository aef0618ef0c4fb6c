import { describe, expect, it } from 'vitest';
import { gramAAt, gramAtA } from './gram';
import { createRng, fillGaussian } from './rng';

const rng = createRng(47);

/** Σₖ a[i, k]·a[j, k] by the definition, row-major a (m×n). */
function naiveAAt(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) g[i * m + j]! += a[i * n + k]! * a[j * n + k]!;
  return g;
}

describe('gramAAt and gramAtA', () => {
  it.each([
    [1, 1],
    [3, 7],
    [4, 4],
    [9, 13],
    [32, 50],
  ])('match the definition for %i×%i, float32 and float64 input', (m, n) => {
    for (const a of [
      fillGaussian(rng, new Float64Array(m * n)),
      fillGaussian(rng, new Float32Array(m * n)),
    ]) {
      const ref = naiveAAt(a, m, n);
      const got = gramAAt(a, m, n);
      for (let i = 0; i < m * m; i++) expect(got[i]).toBeCloseTo(ref[i]!, 12);
      const t = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
      const viaTranspose = gramAtA(t, n, m);
      for (let i = 0; i < m * m; i++) expect(viaTranspose[i]).toBeCloseTo(ref[i]!, 12);
    }
  });
});
