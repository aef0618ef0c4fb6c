import { describe, expect, it } from 'vitest';
import { createRng, fillGaussian, type Rng } from './rng';
import { svd } from './svd';

const rng = createRng(5);

/**
 * Eigenvalues of a symmetric n×n matrix by the classical two-sided cyclic Jacobi method — a different
 * algorithm on a different matrix (AᵀA) than the one-sided Jacobi under test. Returned descending.
 */
function symmetricEigenvalues(g: Float64Array, n: number): number[] {
  const a = Float64Array.from(g);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-34) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]!).sort((x, y) => y - x);
}

function gram(a: Float64Array, m: number, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += a[r * n + i]! * a[r * n + j]!;
      g[i * n + j] = s;
    }
  return g;
}

/** A random orthogonal n×n matrix as a product of n random Householder reflections, built here from scratch. */
function randomOrthogonal(r: Rng, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let h = 0; h < n; h++) {
    const v = fillGaussian(r, new Float64Array(n));
    let vv = 0;
    for (const x of v) vv += x * x;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * v[k]!;
      for (let k = 0; k < n; k++) q[i * n + k] = q[i * n + k]! - (2 * s * v[k]!) / vv;
    }
  }
  return q;
}

/** U₀·diag(s₀)·V₀ᵀ (m×n) with known singular values s₀ (length min(m, n)). */
function withSpectrum(r: Rng, m: number, n: number, s0: readonly number[]): Float64Array {
  const u0 = randomOrthogonal(r, m);
  const v0 = randomOrthogonal(r, n);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < s0.length; k++) s += u0[i * m + k]! * s0[k]! * v0[j * n + k]!;
      a[i * n + j] = s;
    }
  return a;
}

function reconstructionError(a: Float64Array, m: number, n: number): number {
  const { u, s, v } = svd(a, m, n);
  const p = Math.min(m, n);
  let err = 0;
  let norm = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < p; k++) x += u[i * p + k]! * s[k]! * v[j * p + k]!;
      err += (x - a[i * n + j]!) ** 2;
      norm += a[i * n + j]! ** 2;
    }
  return norm === 0 ? Math.sqrt(err) : Math.sqrt(err / norm);
}

function orthogonalityError(q: Float64Array, rows: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += q[r * cols + i]! * q[r * cols + j]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  return worst;
}

function checkSvd(a: Float64Array, m: number, n: number, tol: number): void {
  const p = Math.min(m, n);
  const { u, s, v } = svd(a, m, n);
  expect(u.length).toBe(m * p);
  expect(v.length).toBe(n * p);
  expect(s.length).toBe(p);
  for (let k = 0; k < p; k++) {
    expect(s[k]).toBeGreaterThanOrEqual(0);
    if (k > 0) expect(s[k]).toBeLessThanOrEqual(s[k - 1]!);
  }
  expect(reconstructionError(a, m, n)).toBeLessThan(tol);
  expect(orthogonalityError(u, m, p)).toBeLessThan(tol);
  expect(orthogonalityError(v, n, p)).toBeLessThan(tol);
}

describe('svd (one-sided Jacobi)', () => {
  it.each([
    [1, 1],
    [2, 2],
    [5, 3],
    [3, 5],
    [32, 32],
    [128, 64],
    [64, 128],
    [128, 128],
  ])('reconstructs a random %i×%i with orthonormal factors (tolerance 1e-12)', (m, n) => {
    checkSvd(fillGaussian(rng, new Float64Array(m * n)), m, n, 1e-12);
  });

  it.each([
    [8, 8],
    [40, 24],
    [128, 128],
  ])('σ² match the Jacobi eigenvalues of AᵀA for %i×%i (tolerance 1e-10·σ₁²)', (m, n) => {
    const a = fillGaussian(rng, new Float64Array(m * n));
    const { s } = svd(a, m, n);
    const eig = symmetricEigenvalues(gram(a, m, n), n);
    const scale = s[0]! ** 2;
    for (let k = 0; k < n; k++) expect(Math.abs(s[k]! ** 2 - eig[k]!) / scale).toBeLessThan(1e-10);
  });

  it('recovers a prescribed graded spectrum of a 128×128 (tolerance 1e-10·σ₁)', () => {
    const n = 128;
    const s0 = Array.from({ length: n }, (_, k) => 10 ** (-8 * (k / (n - 1))));
    const a = withSpectrum(rng, n, n, s0);
    const { s } = svd(a, n, n);
    for (let k = 0; k < n; k++) expect(Math.abs(s[k]! - s0[k]!)).toBeLessThan(1e-10);
    checkSvd(a, n, n, 1e-12);
  });

  it('handles rank deficiency: exact zeros beyond the rank, still orthonormal U and V', () => {
    const m = 30;
    const n = 20;
    const s0 = [5, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const a = withSpectrum(rng, m, n, s0);
    const { s } = svd(a, m, n);
    for (let k = 0; k < 3; k++) expect(s[k]).toBeCloseTo(s0[k]!, 12);
    for (let k = 3; k < n; k++) expect(s[k]).toBeLessThan(1e-13);
    checkSvd(a, m, n, 1e-12);
  });

  it('handles the zero matrix and matrices with zero rows and columns', () => {
    const zero = new Float64Array(6 * 4);
    const z = svd(zero, 6, 4);
    expect(Array.from(z.s)).toEqual([0, 0, 0, 0]);
    expect(orthogonalityError(z.u, 6, 4)).toBeLessThan(1e-15);
    expect(orthogonalityError(z.v, 4, 4)).toBeLessThan(1e-15);

    const a = fillGaussian(rng, new Float64Array(7 * 5));
    for (let j = 0; j < 5; j++) a[3 * 5 + j] = 0;
    for (let i = 0; i < 7; i++) a[i * 5 + 2] = 0;
    checkSvd(a, 7, 5, 1e-12);
    expect(svd(a, 7, 5).s[4]).toBe(0);
  });

  it('handles repeated singular values (a scaled identity)', () => {
    const n = 9;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 2.5;
    const { s } = svd(a, n, n);
    expect(Array.from(s)).toEqual(new Array<number>(n).fill(2.5));
    checkSvd(a, n, n, 1e-15);
  });

  it('is scale-invariant far into the float64 range', () => {
    const a = fillGaussian(rng, new Float64Array(10 * 6));
    const base = svd(a, 10, 6).s;
    for (const scale of [1e-200, 1e200, 1e-306]) {
      const s = svd(
        a.map((x) => x * scale),
        10,
        6,
      ).s;
      for (let k = 0; k < 6; k++) expect(s[k]! / scale / base[k]!).toBeCloseTo(1, 12);
    }
  });

  it('accepts Float32Array input', () => {
    const a = fillGaussian(rng, new Float32Array(12 * 5));
    const { s } = svd(a, 12, 5);
    const eig = symmetricEigenvalues(gram(Float64Array.from(a), 12, 5), 5);
    for (let k = 0; k < 5; k++) expect(s[k]! ** 2).toBeCloseTo(eig[k]!, 10);
  });

  it('throws on NaN or Inf, which is the caller’s job to screen', () => {
    expect(() => svd(Float64Array.of(1, Number.NaN, 0, 1), 2, 2)).toThrow(RangeError);
    expect(() => svd(Float64Array.of(1, Number.POSITIVE_INFINITY), 1, 2)).toThrow(RangeError);
  });
});
