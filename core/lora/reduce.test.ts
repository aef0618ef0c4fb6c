import { describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { createRng, fillGaussian, qrThin, svd } from '../math';
import { sdxlModuleTable } from './fixtures/sdxl-modules';
import {
  canonicalizeRank1,
  denseDelta,
  reduceLowRank,
  selectRank,
  type LowRankFactors,
  type RankRule,
  type ReduceOptions,
} from './reduce';

const rng = createRng(2025);

/**
 * Every distinct module shape of SDXL's 986 LoRA modules (DOMAIN.md §4) at 1/16 scale (640→40, 1280→80,
 * 2048→128, 768→48), plus 3×3 convs as LoCon trains them, whose down is r×(in·9).
 */
const TINY_SDXL_SHAPES: readonly (readonly [string, number, number])[] = (() => {
  const byShape = new Map<string, readonly [string, number, number]>();
  for (const m of sdxlModuleTable({ scale: 16 })) {
    const id = `${m.target} ${m.outFeatures}×${m.inFeatures}`;
    if (!byShape.has(id)) byShape.set(id, [`${m.target} ${m.kind}`, m.outFeatures, m.inFeatures]);
  }
  return [...byShape.values(), ['conv 3×3, 640 ch', 40, 40 * 9], ['conv 3×3, 1280 ch', 80, 80 * 9]];
})();

function randomModule(out: number, inF: number, rank: number, alpha: number | null): LowRankFactors {
  return {
    up: fillGaussian(rng, new Float32Array(out * rank), 0.05),
    down: fillGaussian(rng, new Float32Array(rank * inF), 0.1),
    alpha,
    rank,
    outFeatures: out,
    inFeatures: inF,
  };
}

function frob(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

function relFrob(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  const d = Float64Array.from({ length: x.length }, (_, i) => x[i]! - ref[i]!);
  return frob(d) / frob(ref);
}

function reduced(factors: LowRankFactors, rule: RankRule, method: ReduceOptions['method'] = 'auto') {
  const result = reduceLowRank(factors, rule, { method });
  if (!result.ok) throw new Error(`unexpected problem: ${result.problem.message}`);
  return result;
}

/** The dense double-precision reference: full SVD of the explicitly formed ΔW. */
function denseReference(f: LowRankFactors) {
  const delta = denseDelta(f.up, f.down, f.alpha, f.rank);
  return { delta, ...svd(delta, f.outFeatures, f.inFeatures) };
}

/** Best rank-k approximation from the dense SVD (Eckart–Young), row-major out×in. */
function truncated(
  ref: ReturnType<typeof denseReference>,
  out: number,
  inF: number,
  k: number,
): Float64Array {
  const p = ref.s.length;
  const x = new Float64Array(out * inF);
  for (let i = 0; i < out; i++)
    for (let j = 0; j < inF; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += ref.u[i * p + t]! * ref.s[t]! * ref.v[j * p + t]!;
      x[i * inF + j] = s;
    }
  return x;
}

describe.each([
  ['auto', 'gram'],
  ['householder', 'householder'],
] as const)('reduceLowRank (%s) on every SDXL module shape (1/16 scale)', (method, expectedPath) => {
  const rank = 8;

  it('covers the 14 distinct linear shapes of the table plus two convs', () => {
    expect(TINY_SDXL_SHAPES.length).toBe(14 + 2);
  });

  const alphas = [null, 4, 16] as const;

  it.each(TINY_SDXL_SHAPES)(
    '%s (%i×%i): full rank reproduces ΔW to 1e-5, spectrum matches dense SVD to 1e-10',
    (_, out, inF) => {
      for (const alpha of alphas) {
        const f = randomModule(out, inF, rank, alpha);
        const ref = denseReference(f);
        const { factors, report } = reduced(f, { kind: 'fixed', rank }, method);
        expect(report.method).toBe(expectedPath);
        expect(factors.rank).toBe(rank);
        expect(factors.alpha).toBe(rank);
        expect(factors.up.length).toBe(out * rank);
        expect(factors.down.length).toBe(rank * inF);
        expect(
          relFrob(denseDelta(factors.up, factors.down, factors.alpha, factors.rank), ref.delta),
        ).toBeLessThan(1e-5);
        expect(report.singularValues.length).toBe(rank);
        const s1 = ref.s[0]!;
        for (let t = 0; t < rank; t++)
          expect(Math.abs(report.singularValues[t]! - ref.s[t]!) / s1).toBeLessThan(1e-10);
        // The dense SVD's remaining values are round-off: ΔW has rank r.
        for (let t = rank; t < ref.s.length; t++) expect(ref.s[t]! / s1).toBeLessThan(1e-12);
        expect(report.energyKept).toBeCloseTo(1, 12);
      }
    },
  );

  it.each(TINY_SDXL_SHAPES)('%s (%i×%i): rank k is the best rank-k approximation', (_, out, inF) => {
    const f = randomModule(out, inF, rank, 4);
    const ref = denseReference(f);
    for (const k of [1, 3]) {
      const { factors, report } = reduced(f, { kind: 'fixed', rank: k }, method);
      expect(report.method).toBe(expectedPath);
      const got = denseDelta(factors.up, factors.down, factors.alpha, factors.rank);
      expect(relFrob(got, truncated(ref, out, inF, k))).toBeLessThan(1e-5);
      let dropped = 0;
      let total = 0;
      for (let t = 0; t < rank; t++) {
        total += ref.s[t]! ** 2;
        if (t >= k) dropped += ref.s[t]! ** 2;
      }
      expect(report.newRank).toBe(k);
      expect(report.energyKept).toBeCloseTo(Math.sqrt(1 - dropped / total), 10);
    }
  });
});

/** out×r factor with singular values spaced geometrically from 1 down to 1/condition. */
function conditionedFactor(out: number, r: number, condition: number): Float32Array {
  const u = qrThin(fillGaussian(rng, new Float64Array(out * r)), out, r).q;
  const v = qrThin(fillGaussian(rng, new Float64Array(r * r)), r, r).q;
  const x = new Float32Array(out * r);
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += u[i * r + t]! * condition ** (-t / (r - 1)) * v[j * r + t]!;
      x[i * r + j] = s;
    }
  }
  return x;
}

describe('the Gram route and its Householder fallback', () => {
  it('takes the Gram route for moderately conditioned factors (κ = 1e3) and stays optimal', () => {
    const f = { ...randomModule(60, 45, 8, 4), up: conditionedFactor(60, 8, 1e3) };
    const ref = denseReference(f);
    for (const k of [1, 3, 8]) {
      const { factors, report } = reduced(f, { kind: 'fixed', rank: k });
      expect(report.method).toBe('gram');
      const got = denseDelta(factors.up, factors.down, factors.alpha, factors.rank);
      expect(relFrob(got, truncated(ref, 60, 45, k))).toBeLessThan(1e-5);
    }
  });

  it('falls back to Householder QR when a factor is ill-conditioned (κ ≈ 1e7), with the same result', () => {
    const f = { ...randomModule(60, 45, 8, 4), down: conditionedFactor(45, 8, 1e7) };
    const transposed = new Float32Array(8 * 45);
    for (let i = 0; i < 45; i++) for (let j = 0; j < 8; j++) transposed[j * 45 + i] = f.down[i * 8 + j]!;
    const g = { ...f, down: transposed };
    const ref = denseReference(g);
    const { factors, report } = reduced(g, { kind: 'fixed', rank: 2 });
    expect(report.method).toBe('householder');
    const got = denseDelta(factors.up, factors.down, factors.alpha, factors.rank);
    expect(relFrob(got, truncated(ref, 60, 45, 2))).toBeLessThan(1e-5);
  });

  it('falls back for empty, rank-deficient and over-parameterized modules', () => {
    const zero = { ...randomModule(20, 10, 4, 4), up: new Float32Array(80) };
    expect(reduced(zero, { kind: 'fixed', rank: 1 }).report.method).toBe('householder');
    expect(reduced(randomModule(4, 6, 8, 8), { kind: 'fixed', rank: 8 }).report.method).toBe('householder');
  });

  it('agrees with Householder QR to float32 rounding at rank 1 on every tiny SDXL shape', () => {
    for (const [, out, inF] of TINY_SDXL_SHAPES) {
      const f = randomModule(out, inF, 8, 4);
      const fast = reduced(f, { kind: 'fixed', rank: 1 });
      const slow = reduced(f, { kind: 'fixed', rank: 1 }, 'householder');
      expect(fast.report.method).toBe('gram');
      expect(relFrob(fast.factors.up, slow.factors.up)).toBeLessThan(1e-5);
      expect(relFrob(fast.factors.down, slow.factors.down)).toBeLessThan(1e-5);
      for (let t = 0; t < 8; t++) {
        expect(Math.abs(fast.report.singularValues[t]! - slow.report.singularValues[t]!)).toBeLessThan(
          1e-10 * slow.report.singularValues[0]!,
        );
      }
    }
  });
});

describe('reduceLowRank edge cases', () => {
  it('treats a missing alpha as scale 1 and alpha = r as the same ΔW', () => {
    const f = randomModule(30, 20, 4, null);
    const a = reduced(f, { kind: 'fixed', rank: 4 }).report.singularValues;
    const b = reduced({ ...f, alpha: 4 }, { kind: 'fixed', rank: 4 }).report.singularValues;
    const c = reduced({ ...f, alpha: 2 }, { kind: 'fixed', rank: 4 }).report.singularValues;
    for (let t = 0; t < 4; t++) {
      expect(b[t]).toBeCloseTo(a[t]!, 14);
      expect(c[t]).toBeCloseTo(a[t]! / 2, 14);
    }
  });

  it('finds the true rank of rank-deficient factors and reports exact-zero tails', () => {
    const out = 50;
    const inF = 40;
    const f = randomModule(out, inF, 8, 8);
    // Columns 3..7 of up repeat columns 0..2 in combination: ΔW has rank 3.
    for (let i = 0; i < out; i++) for (let c = 3; c < 8; c++) f.up[i * 8 + c] = f.up[i * 8 + (c % 3)]! * 0.5;
    const { report, factors } = reduced(f, { kind: 'sv_ratio', ratio: 1e4 });
    expect(report.newRank).toBe(3);
    for (let t = 3; t < 8; t++)
      expect(report.singularValues[t]! / report.singularValues[0]!).toBeLessThan(1e-6);
    const ref = denseReference(f);
    expect(
      relFrob(denseDelta(factors.up, factors.down, factors.alpha, factors.rank), ref.delta),
    ).toBeLessThan(1e-5);
  });

  it('reduces an all-zero module to rank 1 with zero factors (kohya: empty modules get rank 1)', () => {
    const f: LowRankFactors = {
      up: new Float32Array(20 * 4),
      down: fillGaussian(rng, new Float32Array(4 * 10)),
      alpha: 4,
      rank: 4,
      outFeatures: 20,
      inFeatures: 10,
    };
    for (const rule of [
      { kind: 'fixed', rank: 4 },
      { kind: 'sv_fro', target: 0.9 },
    ] as const) {
      const { factors, report } = reduced(f, rule);
      expect(factors.rank).toBe(1);
      expect(frob(factors.up)).toBe(0);
      expect(frob(factors.down)).toBe(0);
      expect(Array.from(report.singularValues)).toEqual([0, 0, 0, 0]);
      expect(report.energyKept).toBe(1);
    }
  });

  it('handles a rank larger than out or in (over-parameterized factors)', () => {
    const f = randomModule(4, 6, 8, 8);
    const ref = denseReference(f);
    const { factors, report } = reduced(f, { kind: 'fixed', rank: 8 });
    expect(factors.rank).toBe(4);
    expect(report.singularValues.length).toBe(8);
    expect(
      relFrob(denseDelta(factors.up, factors.down, factors.alpha, factors.rank), ref.delta),
    ).toBeLessThan(1e-5);
  });

  it('gives the same factors for (up, down) and (−up, −down)', () => {
    const f = randomModule(30, 25, 6, 3);
    const g = { ...f, up: f.up.map((x) => -x), down: f.down.map((x) => -x) };
    const a = reduced(f, { kind: 'fixed', rank: 2 }).factors;
    const b = reduced(g, { kind: 'fixed', rank: 2 }).factors;
    expect(relFrob(b.up, a.up)).toBeLessThan(1e-6);
    expect(relFrob(b.down, a.down)).toBeLessThan(1e-6);
  });

  it('splits S evenly: each kept component has ‖up column‖ = ‖down row‖ = sqrt(s)', () => {
    const f = randomModule(60, 30, 8, 8);
    const { factors, report } = reduced(f, { kind: 'fixed', rank: 3 });
    for (let t = 0; t < 3; t++) {
      let nu = 0;
      for (let i = 0; i < 60; i++) nu += factors.up[i * 3 + t]! ** 2;
      const nd = frob(factors.down.subarray(t * 30, (t + 1) * 30));
      expect(Math.sqrt(nu)).toBeCloseTo(Math.sqrt(report.singularValues[t]!), 6);
      expect(nd).toBeCloseTo(Math.sqrt(report.singularValues[t]!), 6);
    }
  });

  it('never forms ΔW: a 200000×200000 module of rank 4 reduces in a few megabytes', () => {
    const f = randomModule(200_000, 200_000, 4, 4);
    const { factors, report } = reduced(f, { kind: 'fixed', rank: 1 });
    expect(factors.up.length).toBe(200_000);
    expect(report.singularValues[0]).toBeGreaterThan(0);
  });

  it('returns a typed problem for NaN or Inf in up, down or alpha instead of throwing', () => {
    const f = randomModule(10, 8, 2, 2);
    const badUp = { ...f, up: Float32Array.from(f.up) };
    badUp.up[7] = Number.NaN;
    const badDown = { ...f, down: Float32Array.from(f.down) };
    badDown.down[3] = Number.NEGATIVE_INFINITY;
    const cases = [
      [badUp, 'up', 7],
      [badDown, 'down', 3],
      [{ ...f, alpha: Number.NaN }, 'alpha', 0],
    ] as const;
    for (const [factors, tensor, index] of cases) {
      const result = reduceLowRank(factors, { kind: 'fixed', rank: 1 });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatchObject({ code: 'NON_FINITE', tensor, index });
    }
  });

  it('throws INVALID_INPUT for programmer errors: mismatched shapes or nonsense rules', () => {
    const f = randomModule(10, 8, 2, 2);
    const expectInvalid = (fn: () => unknown) => {
      try {
        fn();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AtelierError);
        expect((error as AtelierError).code).toBe('INVALID_INPUT');
      }
    };
    expectInvalid(() => reduceLowRank({ ...f, rank: 3 }, { kind: 'fixed', rank: 1 }));
    expectInvalid(() => reduceLowRank({ ...f, inFeatures: 9 }, { kind: 'fixed', rank: 1 }));
    expectInvalid(() =>
      reduceLowRank(
        { ...f, rank: 0, up: new Float32Array(0), down: new Float32Array(0) },
        { kind: 'fixed', rank: 1 },
      ),
    );
    expectInvalid(() => reduceLowRank(f, { kind: 'fixed', rank: 0 }));
    expectInvalid(() => reduceLowRank(f, { kind: 'sv_ratio', ratio: Number.NaN }));
    expectInvalid(() => reduceLowRank(f, { kind: 'sv_fro', target: 0.9, maxRank: 1.5 }));
    expectInvalid(() => denseDelta(f.up, f.down, 2, 3));
  });
});

/**
 * kohya resize_lora.py's index_sv_* + rank_resize, transcribed literally (torch.searchsorted with its
 * default left side), as the reference the dynamic rules must agree with. `cap` is kohya's --new_rank.
 */
function kohyaNewRank(
  s: readonly number[],
  method: 'sv_ratio' | 'sv_fro' | 'sv_cumulative',
  param: number,
  cap: number,
) {
  const searchsorted = (sorted: number[], v: number) => {
    let i = 0;
    while (i < sorted.length && sorted[i]! < v) i++;
    return i;
  };
  const clampIndex = (i: number) => Math.max(0, Math.min(i, s.length - 1));
  let index: number;
  if (method === 'sv_ratio') {
    index = clampIndex(s.filter((x) => x > s[0]! / param).length - 1);
  } else {
    const f = method === 'sv_fro' ? (x: number) => x * x : (x: number) => x;
    const total = s.reduce((a, x) => a + f(x), 0);
    let running = 0;
    const fractions = s.map((x) => (running += f(x)) / total);
    index = clampIndex(searchsorted(fractions, method === 'sv_fro' ? param * param : param));
  }
  let newRank = index + 1;
  if (s[0]! <= 1e-6) newRank = 1;
  else if (newRank > cap) newRank = cap;
  return newRank;
}

describe('selectRank (kohya dynamic rules)', () => {
  const s = [10, 5, 2, 1, 0.5, 0.1, 0, 0];

  it('fixed: the requested rank, never above the original', () => {
    expect(selectRank(s, { kind: 'fixed', rank: 3 }, 8)).toBe(3);
    expect(selectRank(s, { kind: 'fixed', rank: 100 }, 8)).toBe(8);
  });

  it('sv_ratio keeps s strictly greater than s₁/ratio', () => {
    expect(selectRank(s, { kind: 'sv_ratio', ratio: 2 }, 8)).toBe(1);
    expect(selectRank(s, { kind: 'sv_ratio', ratio: 4 }, 8)).toBe(2);
    expect(selectRank(s, { kind: 'sv_ratio', ratio: 10 }, 8)).toBe(3);
    expect(selectRank(s, { kind: 'sv_ratio', ratio: 1000 }, 8)).toBe(6);
    expect(selectRank(s, { kind: 'sv_ratio', ratio: 1 }, 8)).toBe(1);
  });

  it('sv_cumulative: smallest k with Σ kept s ≥ target·Σ s', () => {
    // Cumulative fractions: .538 .806 .914 .968 .995 1.
    expect(selectRank(s, { kind: 'sv_cumulative', target: 0.5 }, 8)).toBe(1);
    expect(selectRank(s, { kind: 'sv_cumulative', target: 0.8 }, 8)).toBe(2);
    expect(selectRank(s, { kind: 'sv_cumulative', target: 0.9 }, 8)).toBe(3);
    expect(selectRank(s, { kind: 'sv_cumulative', target: 0.99 }, 8)).toBe(5);
    expect(selectRank(s, { kind: 'sv_cumulative', target: 1 }, 8)).toBe(6);
    expect(selectRank(s, { kind: 'sv_cumulative', target: 0.99, maxRank: 3 }, 8)).toBe(3);
  });

  it('sv_fro: smallest k with sqrt(Σ kept s² / Σ s²) ≥ target', () => {
    // Frobenius fractions: .876 .980 .995 .999 1.
    expect(selectRank(s, { kind: 'sv_fro', target: 0.5 }, 8)).toBe(1);
    expect(selectRank(s, { kind: 'sv_fro', target: 0.9 }, 8)).toBe(2);
    expect(selectRank(s, { kind: 'sv_fro', target: 0.98 }, 8)).toBe(3);
    expect(selectRank(s, { kind: 'sv_fro', target: 0.999 }, 8)).toBe(4);
  });

  it('gives rank 1 to empty modules (s₁ ≤ 1e-6) under every rule', () => {
    for (const spectrum of [
      [1e-7, 1e-8, 0],
      [0, 0, 0],
    ]) {
      expect(selectRank(spectrum, { kind: 'fixed', rank: 3 }, 3)).toBe(1);
      expect(selectRank(spectrum, { kind: 'sv_cumulative', target: 0.9 }, 3)).toBe(1);
      expect(selectRank(spectrum, { kind: 'sv_ratio', ratio: 10 }, 3)).toBe(1);
    }
  });

  it('agrees with a literal transcription of kohya on 300 random spectra', () => {
    for (let trial = 0; trial < 300; trial++) {
      const r = 1 + (rng.nextUint32() % 32);
      const spectrum = Array.from({ length: r }, () => Math.abs(rng.gaussian()) ** 3).sort((a, b) => b - a);
      const cap = 1 + (rng.nextUint32() % r);
      const rules = [
        ['sv_ratio', 1 + 20 * rng.next()],
        ['sv_fro', 0.5 + 0.5 * rng.next()],
        ['sv_cumulative', 0.5 + 0.5 * rng.next()],
      ] as const;
      for (const [method, param] of rules) {
        const rule: RankRule =
          method === 'sv_ratio'
            ? { kind: method, ratio: param, maxRank: cap }
            : { kind: method, target: param, maxRank: cap };
        expect(selectRank(spectrum, rule, r)).toBe(kohyaNewRank(spectrum, method, param, cap));
      }
    }
  });
});

describe('canonicalizeRank1', () => {
  const u = fillGaussian(rng, new Float32Array(37));
  const v = fillGaussian(rng, new Float32Array(23));
  const base = canonicalizeRank1(u, v);

  it('splits the scale evenly and makes the largest |u| entry positive', () => {
    const nu = frob(base.u);
    expect(frob(base.v)).toBeCloseTo(nu, 5);
    expect(nu).toBeCloseTo(Math.sqrt(frob(u) * frob(v)), 5);
    let best = 0;
    for (let i = 1; i < base.u.length; i++) if (Math.abs(base.u[i]!) > Math.abs(base.u[best]!)) best = i;
    expect(base.u[best]).toBeGreaterThan(0);
    // The outer product u·vᵀ is unchanged.
    for (let i = 0; i < u.length; i += 5)
      for (let j = 0; j < v.length; j += 4) expect(base.u[i]! * base.v[j]!).toBeCloseTo(u[i]! * v[j]!, 5);
  });

  it('maps (u, v), (−u, −v) and (2u, v/2) to bit-identical results', () => {
    const neg = canonicalizeRank1(
      u.map((x) => -x),
      v.map((x) => -x),
    );
    const scaled = canonicalizeRank1(
      u.map((x) => 2 * x),
      v.map((x) => x / 2),
    );
    for (const other of [neg, scaled]) {
      expect(Array.from(other.u)).toEqual(Array.from(base.u));
      expect(Array.from(other.v)).toEqual(Array.from(base.v));
    }
  });

  it('maps other rescalings to the same pair up to float32 rounding', () => {
    const other = canonicalizeRank1(
      u.map((x) => -3.7 * x),
      v.map((x) => x / -3.7),
    );
    expect(relFrob(other.u, base.u)).toBeLessThan(1e-6);
    expect(relFrob(other.v, base.v)).toBeLessThan(1e-6);
  });

  it('maps zero pairs to zeros and rejects non-finite input', () => {
    const z = canonicalizeRank1(new Float32Array(3), Float32Array.of(1, 2));
    expect(Array.from(z.u)).toEqual([0, 0, 0]);
    expect(Array.from(z.v)).toEqual([0, 0]);
    expect(() => canonicalizeRank1(Float32Array.of(Number.NaN), Float32Array.of(1))).toThrow(AtelierError);
  });

  it('agrees with what reduceLowRank returns at rank 1', () => {
    const f = randomModule(50, 30, 6, 6);
    const { factors } = reduced(f, { kind: 'fixed', rank: 1 });
    const c = canonicalizeRank1(factors.up, factors.down);
    expect(relFrob(c.u, factors.up)).toBeLessThan(1e-6);
    expect(relFrob(c.v, factors.down)).toBeLessThan(1e-6);
  });
});
