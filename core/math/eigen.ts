import { assertDims, assertLength, type RealArray } from './types';

/**
 * A = V·diag(values)·Vᵀ restricted to the leading eigenvectors: values (all n) descending; vectors
 * (n×k row-major) orthonormal, eigenvector t in column t, for the k largest eigenvalues.
 */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const EPS = 2 ** -52;
/** QL needs about two iterations per eigenvalue; far more means the input is not what it claims. */
const MAX_ITERATIONS_PER_VALUE = 60;
/**
 * Below this share of eigenvectors, inverse iteration (one O(n³/3) LU per vector) beats accumulating
 * every QL rotation (≈6n³); measured on 32×32: 0.26 ms for all vectors against ≈0.05 ms for one.
 */
const INVERSE_ITERATION_SHARE = 0.25;

/**
 * Eigen-decomposition of a symmetric A (n×n row-major; the lower triangle is read): Householder
 * tridiagonalization then implicit QL (EISPACK tred2/tql2, as in JAMA). Only the eigenvectors of the
 * k largest eigenvalues are returned; `k` is a count (default n) or a function that picks it from the
 * eigenvalues (descending), for callers whose k depends on the spectrum. For few vectors, eigenvalues
 * are found without vectors and each vector by inverse iteration with its eigenvalue as shift,
 * re-orthogonalized against the previous ones (which keeps clustered or repeated eigenvalues
 * orthonormal); for many, QL accumulates all of them.
 * Eigenvalues are accurate to ~ε·‖A‖ in absolute terms, so for a Gram matrix CᵀC the small singular
 * values of C lose relative accuracy: callers that need them recompute σₜ = ‖C·vₜ‖.
 * Returns null if QL fails to converge (not observed on finite input); throws RangeError on NaN/Inf.
 */
export function symmetricEigen(
  a: RealArray,
  n: number,
  k: number | ((values: Float64Array) => number) = n,
): SymmetricEigen | null {
  assertDims(n);
  assertLength('symmetricEigen A', a, n * n);
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i]!);
    if (!(x <= Number.MAX_VALUE)) throw new RangeError('symmetricEigen: input contains NaN or Inf');
    if (x > scale) scale = x;
  }
  const pick = (values: Float64Array): number => {
    const wanted = typeof k === 'number' ? k : k(values);
    assertDims(wanted);
    if (wanted > n) throw new RangeError(`symmetricEigen: k = ${wanted} exceeds n = ${n}`);
    return wanted;
  };
  if (scale === 0) {
    const values = new Float64Array(n);
    return { values, vectors: standardBasis(n, pick(values)) };
  }
  // Scaled to max |aᵢⱼ| = 1 so that QL's sqrt(x² + y²) (see pythag) rarely needs the slow exact path.
  const unit = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) unit[i] = a[i]! / scale;

  let wanted = typeof k === 'number' ? pick(new Float64Array(0)) : -1;
  if (wanted < 0 || wanted <= INVERSE_ITERATION_SHARE * n) {
    const values = eigenvaluesOf(unit, n);
    if (values === null) return null;
    if (wanted < 0) wanted = pick(scaled(values, scale));
    if (wanted <= INVERSE_ITERATION_SHARE * n) {
      return { values: scaled(values, scale), vectors: inverseIteration(unit, n, values, wanted) };
    }
  }
  const v = Float64Array.from(unit);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n, true);
  const w = v;
  if (!diagonalize(w, d, e, n)) return null;
  const order = descendingOrder(d);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * wanted);
  for (let t = 0; t < n; t++) values[t] = d[order[t]!]! * scale;
  for (let t = 0; t < wanted; t++) {
    const src = order[t]!;
    for (let i = 0; i < n; i++) vectors[i * wanted + t] = w[src * n + i]!;
  }
  return { values, vectors };
}

/** Eigenvalues of the symmetric A (n×n), descending, without vectors: O(n³) with a small constant. */
function eigenvaluesOf(a: Float64Array, n: number): Float64Array | null {
  const v = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n, false);
  if (!diagonalize(null, d, e, n)) return null;
  return Float64Array.from(descendingOrder(d), (i) => d[i]!);
}

function descendingOrder(d: Float64Array): number[] {
  return Array.from({ length: d.length }, (_, i) => i).sort((x, y) => d[y]! - d[x]! || x - y);
}

function scaled(values: Float64Array, scale: number): Float64Array {
  return values.map((x) => x * scale);
}

/** The first k columns of the n×n identity, n×k row-major. */
function standardBasis(n: number, k: number): Float64Array {
  const vectors = new Float64Array(n * k);
  for (let t = 0; t < k; t++) vectors[t * k + t] = 1;
  return vectors;
}

/**
 * Eigenvectors of the k largest eigenvalues by inverse iteration: solve (A − λₜI)·x = b with a pivoted LU,
 * remove the components along the vectors already found (twice), normalize; two rounds. A shift equal to an
 * eigenvalue makes the LU nearly singular, which is what makes one solve nearly converge.
 */
function inverseIteration(a: RealArray, n: number, values: Float64Array, k: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < a.length; i++) norm = Math.max(norm, Math.abs(a[i]!));
  const vectors = new Float64Array(n * k);
  const lu = new Float64Array(n * n);
  const pivots = new Int32Array(n);
  const x = new Float64Array(n);
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < n * n; i++) lu[i] = a[i]!;
    for (let i = 0; i < n; i++) lu[i * n + i] = lu[i * n + i]! - values[t]!;
    factorLu(lu, pivots, n, Math.max(norm, Number.MIN_VALUE) * EPS);
    // A fixed start with no special direction; components along earlier vectors are removed anyway.
    for (let i = 0; i < n; i++) x[i] = 1 + ((i * 7919) % 61) / 61;
    for (let round = 0; round < 2; round++) {
      solveLu(lu, pivots, n, x);
      for (let pass = 0; pass < 2; pass++) {
        for (let u = 0; u < t; u++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[i * k + u]! * x[i]!;
          for (let i = 0; i < n; i++) x[i] = x[i]! - dot * vectors[i * k + u]!;
        }
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
      const scale = 1 / Math.sqrt(s);
      for (let i = 0; i < n; i++) x[i] = x[i]! * scale;
    }
    for (let i = 0; i < n; i++) vectors[i * k + t] = x[i]!;
  }
  return vectors;
}

/** In-place LU with partial pivoting; zero pivots become `tiny` so a singular shift still solves. */
function factorLu(lu: Float64Array, pivots: Int32Array, n: number, tiny: number): void {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(lu[i * n + c]!) > Math.abs(lu[p * n + c]!)) p = i;
    pivots[c] = p;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const tmp = lu[c * n + j]!;
        lu[c * n + j] = lu[p * n + j]!;
        lu[p * n + j] = tmp;
      }
    }
    if (Math.abs(lu[c * n + c]!) < tiny) lu[c * n + c] = lu[c * n + c]! < 0 ? -tiny : tiny;
    const pivot = lu[c * n + c]!;
    for (let i = c + 1; i < n; i++) {
      const f = lu[i * n + c]! / pivot;
      lu[i * n + c] = f;
      if (f === 0) continue;
      for (let j = c + 1; j < n; j++) lu[i * n + j] = lu[i * n + j]! - f * lu[c * n + j]!;
    }
  }
}

/** Solves L·U·x = P·b in place, then rescales x so huge growth near a singular shift cannot overflow. */
function solveLu(lu: Float64Array, pivots: Int32Array, n: number, x: Float64Array): void {
  for (let c = 0; c < n; c++) {
    const p = pivots[c]!;
    if (p !== c) {
      const tmp = x[c]!;
      x[c] = x[p]!;
      x[p] = tmp;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s;
  }
  let max = 0;
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s / lu[i * n + i]!;
    max = Math.max(max, Math.abs(x[i]!));
    if (max > 1e150) {
      for (let j = i; j < n; j++) x[j] = x[j]! / max;
      max = 1;
    }
  }
}

/**
 * EISPACK tred2 on W = Vᵀ: reduces W (holding the symmetric A, which is its own transpose) to
 * tridiagonal form, leaving the diagonal in d, the subdiagonal in e[1..n−1], and (when `accumulate`) the
 * transposed orthogonal transformation in W, eigenvector candidates in rows. JAMA's loops walk columns
 * of V; indexing the transpose makes every O(n³) inner loop contiguous (≈2× faster), and hands QL the
 * row layout its rotations want.
 */
function tridiagonalize(
  v: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
  accumulate: boolean,
): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + (n - 1)]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + (i - 1)]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[i * n + j] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k]! * d[k]!;
          e[k] = e[k]! + v[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[j * n + k] = v[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = v[j * n + (i - 1)]!;
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    // The diagonal of T sits on the diagonal of W; the last entry was never touched.
    for (let j = 0; j < n; j++) d[j] = v[j * n + j]!;
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    v[i * n + (n - 1)] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[(i + 1) * n + k]! * v[j * n + k]!;
        for (let k = 0; k <= i; k++) v[j * n + k] = v[j * n + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + (n - 1)]!;
    v[j * n + (n - 1)] = 0;
  }
  v[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/**
 * EISPACK tql2 on the tridiagonal (d, e) with the transformation held transposed in W (row t of W is
 * column t of V), or tql1 when W is null. Leaves eigenvalues in d (unsorted) and eigenvectors in the
 * rows of W.
 */
function diagonalize(w: Float64Array | null, d: Float64Array, e: Float64Array, n: number): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_ITERATIONS_PER_VALUE) return false;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = pythag(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = pythag(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (w !== null) rotateRows(w, i * n, (i + 1) * n, n, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return true;
}

/**
 * sqrt(a² + b²): Math.hypot is exact but several times slower and dominated QL's time; its scaling is
 * needed only when the squares would overflow or underflow.
 */
function pythag(a: number, b: number): number {
  const s = a * a + b * b;
  return s > 1e-290 && s < 1e290 ? Math.sqrt(s) : Math.hypot(a, b);
}

/** (row i, row j) ← (c·row i − s·row j, s·row i + c·row j). */
function rotateRows(w: Float64Array, io: number, jo: number, n: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const h = w[jo + k]!;
    const x = w[io + k]!;
    w[jo + k] = s * x + c * h;
    w[io + k] = c * x - s * h;
  }
}
