import { assertDims, assertLength, type RealArray } from './types';

/**
 * A·B for row-major A (m×k) and B (k×n). Returns C (m×n).
 * The i-p-j loop order streams rows of B and C, so the inner loop is contiguous on both.
 */
export function matmul(a: RealArray, b: RealArray, m: number, k: number, n: number): Float64Array {
  assertDims(m, k, n);
  assertLength('matmul A', a, m * k);
  assertLength('matmul B', b, k * n);
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += aip * b[bp + j]!;
    }
  }
  return c;
}

/**
 * Aᵀ·B for row-major A (k×m) and B (k×n). Returns C (m×n).
 * Walks A and B one shared row p at a time (rank-1 updates), so nothing is read with a stride.
 */
export function matmulTransA(a: RealArray, b: RealArray, k: number, m: number, n: number): Float64Array {
  assertDims(m, k, n);
  assertLength('matmulTransA A', a, k * m);
  assertLength('matmulTransA B', b, k * n);
  const c = new Float64Array(m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[ap + i]!;
      if (api === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j]! += api * b[bp + j]!;
    }
  }
  return c;
}

/**
 * A·Bᵀ for row-major A (m×k) and B (n×k). Returns C (m×n).
 * Every entry is a dot product of two contiguous rows.
 */
export function matmulTransB(a: RealArray, b: RealArray, m: number, k: number, n: number): Float64Array {
  assertDims(m, k, n);
  assertLength('matmulTransB A', a, m * k);
  assertLength('matmulTransB B', b, n * k);
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) c[i * n + j] = dot(a, ai, b, j * k, k);
  }
  return c;
}

/** Transpose of row-major A (m×n). Returns Aᵀ (n×m). */
export function transpose(a: RealArray, m: number, n: number): Float64Array {
  assertDims(m, n);
  assertLength('transpose A', a, m * n);
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    for (let j = 0; j < n; j++) t[j * m + i] = a[ai + j]!;
  }
  return t;
}

/**
 * Σ x[xo+i]·y[yo+i] for i < len. Four accumulators break the add dependency chain, which is what
 * limits a scalar loop in V8; it also changes rounding slightly versus a left-to-right sum.
 */
export function dot(x: RealArray, xo: number, y: RealArray, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += x[xo + i]! * y[yo + i]!;
    s1 += x[xo + i + 1]! * y[yo + i + 1]!;
    s2 += x[xo + i + 2]! * y[yo + i + 2]!;
    s3 += x[xo + i + 3]! * y[yo + i + 3]!;
  }
  for (; i < len; i++) s0 += x[xo + i]! * y[yo + i]!;
  return s0 + s1 + s2 + s3;
}
