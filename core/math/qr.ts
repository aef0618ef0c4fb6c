import { dot } from './matmul';
import { assertDims, assertLength, type RealArray } from './types';

/**
 * Householder QR of A (m×n) in compact form, p = min(m, n): A = Q·R with Q = H₀·H₁·…·H_{p−1} restricted
 * to its first p columns, Hₖ = I − tauₖ·vₖ·vₖᵀ. Q is never formed; `applyQToRows` multiplies by it.
 */
export interface HouseholderQr {
  readonly m: number;
  readonly n: number;
  /** p×n upper trapezoidal, row-major. */
  readonly r: Float64Array;
  /** p×m: row k holds vₖ, zero before index k, vₖ[k] = 1. */
  readonly reflectors: Float64Array;
  /** tauₖ = 0 means Hₖ = I (nothing below the diagonal to reduce). */
  readonly tau: Float64Array;
}

/**
 * Householder QR of A (m×n), any m and n, accumulated in float64. Returns the compact factorization with
 * R (p×n), p = min(m, n). `layout: 'rows'` reads A row-major; `'columns'` reads A column by column, i.e.
 * `a` holds Aᵀ row-major (n×m) — which is how a LoRA down matrix (r×in) already stores downᵀ.
 */
export function householderQr(
  a: RealArray,
  m: number,
  n: number,
  layout: 'rows' | 'columns' = 'rows',
): HouseholderQr {
  assertDims(m, n);
  assertLength('householderQr A', a, m * n);
  // Column-major working copy: every reflector touches whole columns, so columns must be contiguous.
  const w = new Float64Array(m * n);
  if (layout === 'columns') {
    w.set(a);
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j]!;
    }
  }
  return factorInPlace(w, m, n);
}

/** Householder QR of the column-major m×n matrix in `w`, which it overwrites. */
function factorInPlace(w: Float64Array, m: number, n: number): HouseholderQr {
  const p = Math.min(m, n);
  const reflectors = new Float64Array(p * m);
  const tau = new Float64Array(p);
  const r = new Float64Array(p * n);
  for (let k = 0; k < p; k++) {
    const col = k * m;
    const x0 = w[col + k]!;
    const tailNorm = norm2(w, col + k + 1, m - k - 1);
    const vk = k * m;
    if (tailNorm === 0) {
      // Nothing below the diagonal: keep Hₖ = I rather than flip a sign for no gain (LAPACK's convention).
      r[k * n + k] = x0;
    } else {
      const norm = Math.hypot(x0, tailNorm);
      // beta = −sign(x₀)·‖x‖ makes x₀ − beta a sum of like-signed terms: no cancellation. Scaling v so
      // v₀ = 1 keeps |vᵢ| ≤ 1 and tau in [1, 2], so tiny or huge columns neither underflow nor overflow.
      const beta = x0 >= 0 ? -norm : norm;
      const pivot = x0 - beta;
      reflectors[vk + k] = 1;
      for (let i = k + 1; i < m; i++) reflectors[vk + i] = w[col + i]! / pivot;
      const t = (beta - x0) / beta;
      tau[k] = t;
      r[k * n + k] = beta;
      reflectTrailingColumns(w, m, n, reflectors, vk, k, t);
    }
    for (let j = k + 1; j < n; j++) r[k * n + j] = w[j * m + k]!;
  }
  return { m, n, r, reflectors, tau };
}

/**
 * Applies Hₖ to columns k+1 … n−1 of column-major W (m×n). Four columns per pass share every load of vₖ,
 * which is where a scalar JS loop spends its time: ~1.8× faster than one column at a time. (Row-blocked
 * TSQR for cache locality was tried and measured no faster: a 10240×32 panel streams from L3 fast enough.)
 */
function reflectTrailingColumns(
  w: Float64Array,
  m: number,
  n: number,
  v: Float64Array,
  vk: number,
  k: number,
  t: number,
): void {
  let j = k + 1;
  for (; j + 3 < n; j += 4) {
    const c0 = j * m;
    const c1 = c0 + m;
    const c2 = c1 + m;
    const c3 = c2 + m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = k; i < m; i++) {
      const vi = v[vk + i]!;
      s0 += vi * w[c0 + i]!;
      s1 += vi * w[c1 + i]!;
      s2 += vi * w[c2 + i]!;
      s3 += vi * w[c3 + i]!;
    }
    s0 *= t;
    s1 *= t;
    s2 *= t;
    s3 *= t;
    for (let i = k; i < m; i++) {
      const vi = v[vk + i]!;
      w[c0 + i] = w[c0 + i]! - s0 * vi;
      w[c1 + i] = w[c1 + i]! - s1 * vi;
      w[c2 + i] = w[c2 + i]! - s2 * vi;
      w[c3 + i] = w[c3 + i]! - s3 * vi;
    }
  }
  for (; j < n; j++) {
    const cj = j * m;
    const s = t * dot(v, vk + k, w, cj + k, m - k);
    for (let i = k; i < m; i++) w[cj + i] = w[cj + i]! - s * v[vk + i]!;
  }
}

/**
 * Q·x for each row x of X (k×p), p = min(m, n) of the factorization. Returns the k images as rows,
 * k×m — i.e. (Q·Xᵀ)ᵀ. Costs about 4·m·p per row, so asking for a few columns of Q is far cheaper than
 * forming it.
 */
export function applyQToRows(qr: HouseholderQr, x: RealArray, k: number): Float64Array {
  const { m, n, reflectors, tau } = qr;
  const p = Math.min(m, n);
  assertDims(k);
  assertLength('applyQToRows X', x, k * p);
  const y = new Float64Array(k * m);
  for (let row = 0; row < k; row++) {
    const yo = row * m;
    for (let i = 0; i < p; i++) y[yo + i] = x[row * p + i]!;
    for (let j = p - 1; j >= 0; j--) {
      const t = tau[j]!;
      if (t === 0) continue;
      const vj = j * m;
      const s = t * dot(reflectors, vj + j, y, yo + j, m - j);
      for (let i = j; i < m; i++) y[yo + i] = y[yo + i]! - s * reflectors[vj + i]!;
    }
  }
  return y;
}

/** Thin QR of row-major A (m×n). Returns Q (m×p) with orthonormal columns and R (p×n), p = min(m, n). */
export function qrThin(a: RealArray, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const f = householderQr(a, m, n);
  const p = Math.min(m, n);
  const identity = new Float64Array(p * p);
  for (let i = 0; i < p; i++) identity[i * p + i] = 1;
  const qt = applyQToRows(f, identity, p);
  const q = new Float64Array(m * p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < m; i++) q[i * p + j] = qt[j * m + i]!;
  }
  return { q, r: f.r };
}

/**
 * Euclidean norm of x[offset .. offset+len). The plain sum of squares is exact enough and fast; only when it
 * under- or overflows (possible for float64 callers, never for float32 data) is the slower scaled sum used.
 */
export function norm2(x: RealArray, offset: number, len: number): number {
  const plain = dot(x, offset, x, offset, len);
  if (Number.isFinite(plain) && plain > 1e-280) return Math.sqrt(plain);
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(x[offset + i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < len; i++) {
    const v = x[offset + i]! / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}
