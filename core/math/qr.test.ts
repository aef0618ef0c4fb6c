import { describe, expect, it } from 'vitest';
import { applyQToRows, householderQr, norm2, qrThin } from './qr';
import { createRng, fillGaussian } from './rng';

const rng = createRng(11);

/** Row-major product by index loops, independent of matmul.ts. */
function product(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  return c;
}

function frob(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

function relDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const d = Float64Array.from({ length: x.length }, (_, i) => x[i]! - y[i]!);
  return frob(d) / Math.max(frob(y), Number.MIN_VALUE);
}

/** max |QᵀQ − I| for row-major Q (m×p). */
function orthogonalityError(q: Float64Array, m: number, p: number): number {
  let worst = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += q[r * p + i]! * q[r * p + j]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  return worst;
}

/** Diagonal of the Cholesky factor of AᵀA: an independent route to |diag R| for full-rank A. */
function choleskyDiagOfGram(a: Float64Array, m: number, n: number): number[] {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += a[r * n + i]! * a[r * n + j]!;
      g[i * n + j] = s;
    }
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = g[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    l[j * n + j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = g[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return Array.from({ length: n }, (_, j) => l[j * n + j]!);
}

/** `unit` rescales before comparing so the test's own plain sums of squares stay in range. */
function checkFactorization(a: Float64Array, m: number, n: number, unit = 1): void {
  const p = Math.min(m, n);
  const { q, r } = qrThin(a, m, n);
  expect(q.length).toBe(m * p);
  expect(r.length).toBe(p * n);
  for (let i = 0; i < p; i++) for (let j = 0; j < Math.min(i, n); j++) expect(r[i * n + j]).toBe(0);
  expect(orthogonalityError(q, m, p)).toBeLessThan(1e-13);
  const qr = product(q, r, m, p, n).map((x) => x / unit);
  if (frob(a) > 0)
    expect(
      relDiff(
        qr,
        a.map((x) => x / unit),
      ),
    ).toBeLessThan(1e-13);
  else expect(frob(product(q, r, m, p, n))).toBe(0);
}

describe('householderQr / qrThin', () => {
  it.each([
    [1, 1],
    [5, 1],
    [6, 6],
    [40, 8],
    [200, 32],
    [3, 7],
    [1, 4],
    // LoRA-like tall panels.
    [773, 32],
    [1500, 32],
    [10240, 32],
    [5000, 3],
  ])('A = Q·R with orthonormal Q and upper-trapezoidal R for %i×%i', (m, n) => {
    checkFactorization(fillGaussian(rng, new Float64Array(m * n)), m, n);
  });

  it('|diag R| equals the Cholesky diagonal of AᵀA (stated tolerance 1e-10 relative)', () => {
    const m = 60;
    const n = 12;
    const a = fillGaussian(rng, new Float64Array(m * n));
    const ref = choleskyDiagOfGram(a, m, n);
    const { r } = householderQr(a, m, n);
    for (let j = 0; j < n; j++) expect(Math.abs(r[j * n + j]!)).toBeCloseTo(ref[j]!, 10);
  });

  it('handles rank-deficient input: zero and repeated columns still give orthonormal Q', () => {
    const m = 20;
    const n = 6;
    const a = fillGaussian(rng, new Float64Array(m * n));
    for (let i = 0; i < m; i++) {
      a[i * n + 1] = 0;
      a[i * n + 4] = a[i * n + 2]!;
    }
    checkFactorization(a, m, n);
    checkFactorization(new Float64Array(m * n), m, n);
    const tall = fillGaussian(rng, new Float64Array(1200 * n));
    for (let i = 0; i < 1200; i++) {
      tall[i * n + 1] = 0;
      tall[i * n + 4] = tall[i * n + 2]!;
    }
    checkFactorization(tall, 1200, n);
    checkFactorization(new Float64Array(1200 * n), 1200, n);
  });

  it('survives entries near the ends of the float64 range', () => {
    for (const s of [1e-170, 1e170]) {
      const a = fillGaussian(rng, new Float64Array(30 * 5)).map((x) => x * s);
      checkFactorization(a, 30, 5, s);
    }
  });

  it.each([25, 900])("reads the 'columns' layout (Aᵀ row-major) to the same factorization, m=%i", (m) => {
    const n = 7;
    const a = fillGaussian(rng, new Float32Array(m * n));
    const at = new Float32Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!;
    const byRows = householderQr(a, m, n);
    const byColumns = householderQr(at, m, n, 'columns');
    expect(Array.from(byColumns.r)).toEqual(Array.from(byRows.r));
    const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    expect(Array.from(applyQToRows(byColumns, identity, n))).toEqual(
      Array.from(applyQToRows(byRows, identity, n)),
    );
  });

  it.each([50, 1100])('applyQToRows equals Q·Xᵀ for a few vectors without forming Q, m=%i', (m) => {
    const n = 9;
    const a = fillGaussian(rng, new Float64Array(m * n));
    const f = householderQr(a, m, n);
    const { q } = qrThin(a, m, n);
    const k = 3;
    const x = fillGaussian(rng, new Float64Array(k * n));
    const xt = new Float64Array(n * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) xt[j * k + i] = x[i * n + j]!;
    const ref = product(q, xt, m, n, k);
    const got = applyQToRows(f, x, k);
    for (let i = 0; i < m; i++)
      for (let t = 0; t < k; t++) expect(got[t * m + i]).toBeCloseTo(ref[i * k + t]!, 12);
  });
});

describe('norm2', () => {
  it('is exact for small cases and scale-safe at the ends of the range', () => {
    expect(norm2(Float64Array.of(3, 4), 0, 2)).toBe(5);
    expect(norm2(Float64Array.of(9, 3, 4), 1, 2)).toBe(5);
    expect(norm2(Float64Array.of(3e-200, 4e-200), 0, 2)).toBeCloseTo(5e-200, 210);
    expect(norm2(Float64Array.of(3e200, 4e200), 0, 2) / 5e200).toBeCloseTo(1, 14);
    expect(norm2(new Float64Array(4), 0, 4)).toBe(0);
  });
});
