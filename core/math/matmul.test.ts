import { describe, expect, it } from 'vitest';
import { dot, matmul, matmulTransA, matmulTransB, transpose } from './matmul';
import { createRng, fillGaussian } from './rng';

/** Reference: the textbook triple loop on index functions, no layout tricks. */
function naive(
  m: number,
  k: number,
  n: number,
  a: (i: number, p: number) => number,
  b: (p: number, j: number) => number,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

const TOL = 1e-12;

describe('matmul', () => {
  const rng = createRng(7);
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [17, 4, 9],
    [8, 33, 1],
    [0, 3, 2],
  ];

  it.each(shapes)('A·B matches the triple loop for %i×%i·%i×n', (m, k, n) => {
    const a = fillGaussian(rng, new Float64Array(m * k));
    const b = fillGaussian(rng, new Float32Array(k * n));
    const ref = naive(
      m,
      k,
      n,
      (i, p) => a[i * k + p]!,
      (p, j) => b[p * n + j]!,
    );
    expect(maxAbsDiff(matmul(a, b, m, k, n), ref)).toBeLessThan(TOL);
  });

  it.each(shapes)('Aᵀ·B matches the triple loop for m=%i, k=%i, n=%i', (m, k, n) => {
    const a = fillGaussian(rng, new Float64Array(k * m));
    const b = fillGaussian(rng, new Float64Array(k * n));
    const ref = naive(
      m,
      k,
      n,
      (i, p) => a[p * m + i]!,
      (p, j) => b[p * n + j]!,
    );
    expect(maxAbsDiff(matmulTransA(a, b, k, m, n), ref)).toBeLessThan(TOL);
  });

  it.each(shapes)('A·Bᵀ matches the triple loop for m=%i, k=%i, n=%i', (m, k, n) => {
    const a = fillGaussian(rng, new Float64Array(m * k));
    const b = fillGaussian(rng, new Float64Array(n * k));
    const ref = naive(
      m,
      k,
      n,
      (i, p) => a[i * k + p]!,
      (p, j) => b[j * k + p]!,
    );
    expect(maxAbsDiff(matmulTransB(a, b, m, k, n), ref)).toBeLessThan(TOL);
  });

  it('transpose swaps indices', () => {
    const a = Float64Array.from({ length: 6 }, (_, i) => i);
    expect(Array.from(transpose(a, 2, 3))).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('dot handles lengths that are not multiples of four, with offsets', () => {
    const x = Float64Array.from({ length: 11 }, (_, i) => i + 1);
    for (let len = 0; len <= 7; len++) {
      let ref = 0;
      for (let i = 0; i < len; i++) ref += x[2 + i]! * x[3 + i]!;
      expect(dot(x, 2, x, 3, len)).toBe(ref);
    }
  });

  it('rejects shapes that do not match the buffers', () => {
    expect(() => matmul(new Float64Array(6), new Float64Array(6), 2, 3, 3)).toThrow(RangeError);
    expect(() => matmulTransB(new Float64Array(6), new Float64Array(5), 2, 3, 2)).toThrow(RangeError);
  });
});
