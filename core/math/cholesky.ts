import { assertDims, assertLength, type RealArray } from './types';

/**
 * Cholesky factor of a symmetric positive definite A (n×n row-major; only the upper triangle is read):
 * A = Rᵀ·R with R (n×n) upper triangular and a positive diagonal. Returns null when a pivot is not
 * positive and finite, i.e. A is not numerically positive definite (or holds NaN/Inf).
 * For a Gram matrix A = XᵀX this R is the R of a QR of X, up to the signs of its rows.
 */
export function choleskyUpper(a: RealArray, n: number): Float64Array | null {
  assertDims(n);
  assertLength('choleskyUpper A', a, n * n);
  // Built as L = Rᵀ (row-major lower), so every inner product runs over two contiguous rows.
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const lj = j * n;
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[lj + k]! * l[lj + k]!;
    if (!(d > 0 && d < Infinity)) return null;
    const ljj = Math.sqrt(d);
    l[lj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      // A is read in its upper triangle: A[j, i] = A[i, j].
      let s = a[j * n + i]!;
      for (let k = 0; k < j; k++) s -= l[li + k]! * l[lj + k]!;
      l[li + j] = s / ljj;
    }
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) r[j * n + i] = l[i * n + j]!;
  return r;
}

/** Inverse of an upper triangular R (n×n row-major, nonzero diagonal). Returns R⁻¹ (n×n, upper triangular). */
export function invertUpper(r: RealArray, n: number): Float64Array {
  assertDims(n);
  assertLength('invertUpper R', r, n * n);
  const x = new Float64Array(n * n);
  // Row i of R⁻¹ from the rows below it: X[i, :] = (eᵢ − Σ_{k>i} R[i, k]·X[k, :]) / R[i, i], contiguous sweeps.
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * n;
    x[xi + i] = 1;
    for (let k = i + 1; k < n; k++) {
      const rik = r[i * n + k]!;
      if (rik === 0) continue;
      const xk = k * n;
      for (let j = k; j < n; j++) x[xi + j] = x[xi + j]! - rik * x[xk + j]!;
    }
    const inv = 1 / r[i * n + i]!;
    for (let j = i; j < n; j++) x[xi + j] = x[xi + j]! * inv;
  }
  return x;
}

/**
 * ‖R‖_F·‖R⁻¹‖_F for an n×n matrix and its inverse: an upper bound on the 2-norm condition number κ(R)
 * that overestimates it by at most a factor n, and costs O(n²) once the inverse is known.
 */
export function frobeniusCondition(r: RealArray, inverse: RealArray): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < r.length; i++) a += r[i]! * r[i]!;
  for (let i = 0; i < inverse.length; i++) b += inverse[i]! * inverse[i]!;
  return Math.sqrt(a) * Math.sqrt(b);
}
