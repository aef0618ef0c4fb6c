import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen';
import { createRng, fillGaussian } from './rng';
import { svd } from './svd';

const rng = createRng(43);

function randomSymmetric(n: number): Float64Array {
  const x = fillGaussian(rng, new Float64Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = x[i * n + j]! + x[j * n + i]!;
  return a;
}

/** max |A·vₜ − λₜ·vₜ| over the k returned pairs, and max |VᵀV − I|. */
function residuals(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array, k: number) {
  let residual = 0;
  let orthogonality = 0;
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * vectors[j * k + t]!;
      residual = Math.max(residual, Math.abs(s - values[t]! * vectors[i * k + t]!));
    }
    for (let u = 0; u < k; u++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += vectors[i * k + t]! * vectors[i * k + u]!;
      orthogonality = Math.max(orthogonality, Math.abs(s - (t === u ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

describe('symmetricEigen', () => {
  it.each([1, 2, 5, 32, 40])('decomposes a random symmetric %i×%i matrix (all vectors)', (n) => {
    const a = randomSymmetric(n);
    const { values, vectors } = symmetricEigen(a, n)!;
    let norm = 0;
    for (const x of a) norm = Math.max(norm, Math.abs(x));
    for (let t = 1; t < n; t++) expect(values[t]).toBeLessThanOrEqual(values[t - 1]!);
    const { residual, orthogonality } = residuals(a, n, values, vectors, n);
    expect(residual / (n * norm)).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('agrees with an SVD on a positive semidefinite matrix (eigenvalues = singular values)', () => {
    const n = 24;
    const x = fillGaussian(rng, new Float64Array(n * n));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += x[k * n + i]! * x[k * n + j]!;
    const { values } = symmetricEigen(a, n, 0)!;
    const { s } = svd(a, n, n);
    for (let t = 0; t < n; t++) expect(Math.abs(values[t]! - s[t]!)).toBeLessThan(1e-12 * s[0]!);
  });

  it('returns only the leading vectors, by inverse iteration, when few are asked for', () => {
    const n = 32;
    const a = randomSymmetric(n);
    const full = symmetricEigen(a, n)!;
    for (const k of [1, 3]) {
      const some = symmetricEigen(a, n, k)!;
      expect(some.vectors.length).toBe(n * k);
      expect(Array.from(some.values)).toEqual(Array.from(full.values));
      const { residual, orthogonality } = residuals(a, n, some.values, some.vectors, k);
      expect(residual).toBeLessThan(1e-11);
      expect(orthogonality).toBeLessThan(1e-12);
    }
  });

  it('lets the caller choose k from the eigenvalues', () => {
    const a = randomSymmetric(10);
    let seen: Float64Array | undefined;
    const result = symmetricEigen(a, 10, (values) => {
      seen = Float64Array.from(values);
      return values.filter((v) => v > 0).length;
    })!;
    expect(Array.from(seen!)).toEqual(Array.from(result.values));
    expect(result.vectors.length).toBe(10 * seen!.filter((v) => v > 0).length);
  });

  it('keeps vectors of repeated eigenvalues orthonormal', () => {
    const n = 8;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = i < 3 ? 2 : 1;
    for (const k of [1, 2, 3, 8]) {
      const { values, vectors } = symmetricEigen(a, n, k)!;
      expect(Array.from(values)).toEqual([2, 2, 2, 1, 1, 1, 1, 1]);
      const { residual, orthogonality } = residuals(a, n, values, vectors, k);
      expect(residual).toBeLessThan(1e-14);
      expect(orthogonality).toBeLessThan(1e-14);
    }
  });

  it('handles the zero matrix and rejects NaN, Inf and k > n', () => {
    const zero = symmetricEigen(new Float64Array(9), 3, 2)!;
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(residuals(new Float64Array(9), 3, zero.values, zero.vectors, 2).orthogonality).toBe(0);
    expect(() => symmetricEigen(Float64Array.of(Number.NaN), 1)).toThrow(RangeError);
    expect(() => symmetricEigen(Float64Array.of(Infinity), 1)).toThrow(RangeError);
    expect(() => symmetricEigen(Float64Array.of(1), 1, 2)).toThrow(RangeError);
  });
});
