import { describe, expect, it } from 'vitest';
import { choleskyUpper, frobeniusCondition, invertUpper } from './cholesky';
import { matmulTransA } from './matmul';
import { createRng, fillGaussian } from './rng';
import { svd } from './svd';

const rng = createRng(41);

/** XᵀX for a random X (2n×n): symmetric positive definite, modestly conditioned. */
function spd(n: number): Float64Array {
  const x = fillGaussian(rng, new Float64Array(2 * n * n));
  return matmulTransA(x, x, 2 * n, n, n);
}

describe('choleskyUpper', () => {
  it.each([1, 3, 8, 33])('factors a %i×%i SPD matrix as RᵀR with R upper, positive diagonal', (n) => {
    const a = spd(n);
    const r = choleskyUpper(a, n)!;
    const back = matmulTransA(r, r, n, n, n);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < n * n; i++) {
      err = Math.max(err, Math.abs(back[i]! - a[i]!));
      norm = Math.max(norm, Math.abs(a[i]!));
    }
    expect(err / norm).toBeLessThan(1e-13);
    for (let i = 0; i < n; i++) {
      expect(r[i * n + i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
    }
  });

  it('reads only the upper triangle', () => {
    const a = spd(5);
    const scrambled = Float64Array.from(a);
    for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) scrambled[i * 5 + j] = 1e9;
    expect(Array.from(choleskyUpper(scrambled, 5)!)).toEqual(Array.from(choleskyUpper(a, 5)!));
  });

  it('returns null for indefinite, singular and non-finite input', () => {
    expect(choleskyUpper(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(choleskyUpper(Float64Array.of(1, 1, 1, 1), 2)).toBeNull();
    expect(choleskyUpper(Float64Array.of(0), 1)).toBeNull();
    expect(choleskyUpper(Float64Array.of(Number.NaN), 1)).toBeNull();
    expect(choleskyUpper(Float64Array.of(Infinity), 1)).toBeNull();
  });
});

describe('invertUpper and frobeniusCondition', () => {
  it('inverts an upper triangular matrix', () => {
    const n = 12;
    const r = choleskyUpper(spd(n), n)!;
    const inv = invertUpper(r, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += r[i * n + k]! * inv[k * n + j]!;
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        if (j < i) expect(inv[i * n + j]).toBe(0);
      }
    }
  });

  it('bounds the 2-norm condition number from above, within a factor n', () => {
    for (const n of [2, 6, 20]) {
      const r = choleskyUpper(spd(n), n)!;
      const { s } = svd(r, n, n);
      const kappa = s[0]! / s[n - 1]!;
      const bound = frobeniusCondition(r, invertUpper(r, n));
      expect(bound).toBeGreaterThanOrEqual(kappa * (1 - 1e-12));
      expect(bound).toBeLessThanOrEqual(n * kappa * (1 + 1e-12));
    }
  });
});
