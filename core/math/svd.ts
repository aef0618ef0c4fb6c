import { dot } from './matmul';
import { norm2 } from './qr';
import { assertDims, assertLength, type RealArray } from './types';

/** A = U·diag(s)·Vᵀ with p = min(m, n): U (m×p) and V (n×p) row-major with orthonormal columns, s descending. */
export interface Svd {
  readonly u: Float64Array;
  readonly s: Float64Array;
  readonly v: Float64Array;
}

const EPS = 2 ** -52;
const MAX_SWEEPS = 80;
/** Below this (in units where max|aᵢⱼ| = 1) a column's squared norm nears underflow and its direction is noise. */
const NEGLIGIBLE = 1e-150;

/**
 * Thin SVD of a small dense row-major A (m×n) by one-sided (Hestenes) Jacobi. Returns U (m×p), s (p),
 * V (n×p), p = min(m, n). Jacobi is chosen over Golub–Kahan because it is short, needs no shifts or
 * deflation logic, and is backward stable with errors ~1e-15·σ₁ (often far smaller on small σ); its O(sweeps·m·n²) cost
 * is fine for the r×r cores (r ≤ 128) it is meant for. Rank-deficient and zero matrices get orthonormal
 * U columns for their zero singular values. Throws RangeError on NaN/Inf input.
 */
export function svd(a: RealArray, m: number, n: number): Svd {
  assertDims(m, n);
  assertLength('svd A', a, m * n);
  if (m >= n) return jacobiTall(a, m, n, false);
  const { u, s, v } = jacobiTall(a, n, m, true);
  return { u: v, s, v: u };
}

/**
 * SVD of the m×n matrix B (m ≥ n) where B = A, or B = Aᵀ when `transposed` (then `a` is n×m row-major,
 * which stores B column by column).
 */
function jacobiTall(a: RealArray, m: number, n: number, transposed: boolean): Svd {
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i]!);
    if (!(x <= Number.MAX_VALUE)) throw new RangeError('svd: input contains NaN or Inf');
    if (x > scale) scale = x;
  }
  // Columns of B, contiguous, scaled so max|bᵢⱼ| = 1: no overflow in squared norms, and thresholds are relative.
  const w = new Float64Array(m * n);
  // Divide rather than multiply by 1/scale: the reciprocal of a subnormal scale overflows.
  const unit = scale === 0 ? 1 : scale;
  if (transposed) {
    for (let i = 0; i < a.length; i++) w[i] = a[i]! / unit;
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j]! / unit;
    }
  }
  // Columns of V, contiguous; starts as the identity and receives every rotation applied to B.
  const vt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) vt[j * n + j] = 1;
  if (scale > 0) orthogonalizeColumns(w, vt, m, n);

  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = norm2(w, j * m, m);
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);

  const u = new Float64Array(m * n);
  const s = new Float64Array(n);
  const v = new Float64Array(n * n);
  const missing: number[] = [];
  for (let k = 0; k < n; k++) {
    const j = order[k]!;
    const norm = norms[j]!;
    for (let i = 0; i < n; i++) v[i * n + k] = vt[j * n + i]!;
    if (norm > NEGLIGIBLE) {
      s[k] = norm * scale;
      for (let i = 0; i < m; i++) u[i * n + k] = w[j * m + i]! / norm;
    } else {
      missing.push(k);
    }
  }
  completeOrthonormalColumns(u, m, n, missing);
  return { u, s, v };
}

/**
 * Cyclic one-sided Jacobi: rotates pairs of columns of W (n columns of length m) until every pair is
 * orthogonal to within tol·‖wᵢ‖·‖wⱼ‖, applying the same rotations to the columns of V.
 * Squared norms are updated by the exact identities α' = α − tγ, β' = β + tγ, saving two of the three dot
 * products per pair, and are recomputed at each sweep so the updates cannot drift.
 */
function orthogonalizeColumns(w: Float64Array, vt: Float64Array, m: number, n: number): void {
  const tol = Math.sqrt(m) * EPS;
  const d = new Float64Array(n);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    for (let j = 0; j < n; j++) d[j] = dot(w, j * m, w, j * m, m);
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const alpha = d[i]!;
        const beta = d[j]!;
        if (alpha <= 0 || beta <= 0) continue;
        const gamma = dot(w, i * m, w, j * m, m);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        // The smaller root of t² + 2ζt − 1 = 0 keeps the rotation angle ≤ π/4, which is what converges.
        const t =
          Math.abs(zeta) > 1e150
            ? 1 / (2 * zeta)
            : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        rotate(w, i * m, j * m, m, c, sn);
        rotate(vt, i * n, j * n, n, c, sn);
        d[i] = alpha - t * gamma;
        d[j] = beta + t * gamma;
      }
    }
    if (!rotated) return;
  }
}

function rotate(x: Float64Array, io: number, jo: number, len: number, c: number, s: number): void {
  for (let k = 0; k < len; k++) {
    const xi = x[io + k]!;
    const xj = x[jo + k]!;
    x[io + k] = c * xi - s * xj;
    x[jo + k] = s * xi + c * xj;
  }
}

/**
 * Fills the listed columns of row-major U (m×p) with unit vectors orthogonal to all other columns, by
 * Gram–Schmidt (twice, for stability) on standard basis vectors. Since the squared residuals of all m basis
 * vectors sum to m − q (q = columns already set), some eᵢ has residual² ≥ (m − q)/m; accepting half that
 * bound stops early without ever failing.
 */
function completeOrthonormalColumns(u: Float64Array, m: number, p: number, missing: readonly number[]): void {
  if (missing.length === 0) return;
  const filled = new Set<number>();
  for (let k = 0; k < p; k++) if (!missing.includes(k)) filled.add(k);
  const x = new Float64Array(m);
  for (const k of missing) {
    const bound = (0.5 * (m - filled.size)) / m;
    for (let e = 0; e < m; e++) {
      x.fill(0);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const f of filled) {
          let proj = 0;
          for (let i = 0; i < m; i++) proj += u[i * p + f]! * x[i]!;
          for (let i = 0; i < m; i++) x[i] = x[i]! - proj * u[i * p + f]!;
        }
      }
      const r = norm2(x, 0, m);
      if (r * r >= bound) {
        for (let i = 0; i < m; i++) u[i * p + k] = x[i]! / r;
        filled.add(k);
        break;
      }
    }
  }
}
