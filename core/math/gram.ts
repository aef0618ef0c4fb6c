import { dot } from './matmul';
import { assertDims, assertLength, type RealArray } from './types';

/**
 * A·Aᵀ (m×m, symmetric, both triangles filled) for row-major A (m×n), accumulated in float64.
 * Rows are contiguous, so every entry is a dot product; 4×4 blocks of entries share each load of eight
 * rows, which is what a scalar JS loop is limited by (≈3× faster than one dot product at a time).
 */
export function gramAAt(a: RealArray, m: number, n: number): Float64Array {
  assertDims(m, n);
  assertLength('gramAAt A', a, m * n);
  // One element type in the hot loop: V8 slows several-fold on loads that see both array kinds.
  const x = a instanceof Float64Array ? a : Float64Array.from(a);
  const g = new Float64Array(m * m);
  const m4 = m - (m % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = i; j < m4; j += 4) block4x4(x, n, i, j, m, g);
  }
  // Rows left over when m is not a multiple of 4.
  for (let i = 0; i < m; i++) {
    for (let j = Math.max(i, m4); j < m; j++) g[i * m + j] = dot(x, i * n, x, j * n, n);
  }
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) g[j * m + i] = g[i * m + j]!;
  return g;
}

/**
 * AᵀA (n×n, symmetric, both triangles filled) for row-major A (m×n), accumulated in float64. Columns
 * are strided, so A is transposed once (m·n copies, against m·n²/2 multiply-adds).
 */
export function gramAtA(a: RealArray, m: number, n: number): Float64Array {
  assertDims(m, n);
  assertLength('gramAtA A', a, m * n);
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return gramAAt(t, n, m);
}

/** Entries (i..i+3) × (j..j+3) of A·Aᵀ, written into the upper triangle of g (m×m). */
function block4x4(a: Float64Array, n: number, i: number, j: number, m: number, g: Float64Array): void {
  const a0 = i * n;
  const a1 = a0 + n;
  const a2 = a1 + n;
  const a3 = a2 + n;
  const b0 = j * n;
  const b1 = b0 + n;
  const b2 = b1 + n;
  const b3 = b2 + n;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let t = 0; t < n; t++) {
    const x0 = a[a0 + t]!;
    const x1 = a[a1 + t]!;
    const x2 = a[a2 + t]!;
    const x3 = a[a3 + t]!;
    const y0 = a[b0 + t]!;
    const y1 = a[b1 + t]!;
    const y2 = a[b2 + t]!;
    const y3 = a[b3 + t]!;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
  for (let p = 0; p < 4; p++) {
    for (let q = 0; q < 4; q++) {
      // In a diagonal block only the upper half is kept; the caller mirrors it.
      if (i + p <= j + q) g[(i + p) * m + j + q] = sums[p * 4 + q]!;
    }
  }
}
