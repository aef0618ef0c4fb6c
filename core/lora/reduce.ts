import { AtelierError } from '../api';
import { applyQToRows, householderQr, matmul, matmulTransB, norm2, svd } from '../math';

/**
 * Exact low-rank re-factorization of LoRA modules. ΔW = up·down·scale is never formed: with
 * up = Qu·Ru and downᵀ = Qd·Rd (thin QR), ΔW = Qu·(Ru·Rdᵀ·scale)·Qdᵀ, so the SVD of the small r×r core
 * Ru·Rdᵀ·scale = Uc·S·Vcᵀ is the SVD of ΔW with left vectors Qu·Uc and right vectors Qd·Vc.
 * Cost per module is O((out + in)·r²) instead of kohya's O(out·in·min(out, in)).
 */

/** One module's factors, decoded to float32. */
export interface LowRankFactors {
  /** out×r row-major; a conv module's out×r×1×1 has the same bytes. */
  readonly up: Float32Array;
  /** r×in row-major; for a conv module in = in_channels·kh·kw. */
  readonly down: Float32Array;
  /** Null when the file has no alpha: the scale is then 1. */
  readonly alpha: number | null;
  readonly rank: number;
  readonly outFeatures: number;
  readonly inFeatures: number;
}

/**
 * How many singular values to keep. The dynamic rules are kohya resize_lora.py's, including its quirks:
 * `sv_ratio` keeps s > s₁/ratio (strictly greater), and a module whose s₁ ≤ 1e-6 is treated as empty and
 * gets rank 1 under every rule. `maxRank` is kohya's `--new_rank` hard limit.
 */
export type RankRule =
  | { readonly kind: 'fixed'; readonly rank: number }
  | { readonly kind: 'sv_ratio'; readonly ratio: number; readonly maxRank?: number }
  | { readonly kind: 'sv_fro'; readonly target: number; readonly maxRank?: number }
  | { readonly kind: 'sv_cumulative'; readonly target: number; readonly maxRank?: number };

/** newUp·newDown·(alpha/rank) is the truncated ΔW; alpha = rank, so the scale is 1. */
export interface ReducedFactors {
  /** out×k row-major. */
  readonly up: Float32Array;
  /** k×in row-major. */
  readonly down: Float32Array;
  readonly alpha: number;
  readonly rank: number;
}

export interface ReductionReport {
  readonly originalRank: number;
  readonly newRank: number;
  /** All r singular values of ΔW (scale included), descending; zeros where the factors are rank-deficient. */
  readonly singularValues: Float64Array;
  /** Frobenius fraction kept, sqrt(Σ kept s² / Σ s²); 1 for an all-zero module. */
  readonly energyKept: number;
}

/** Bad data in a file is the user's problem to fix, not a crash: it comes back as a value. */
export interface ReduceProblem {
  readonly code: 'NON_FINITE';
  readonly tensor: 'up' | 'down' | 'alpha';
  /** Flat index of the first bad element (0 for alpha). */
  readonly index: number;
  readonly message: string;
}

export type ModuleReduction =
  | { readonly ok: true; readonly factors: ReducedFactors; readonly report: ReductionReport }
  | { readonly ok: false; readonly problem: ReduceProblem };

/** kohya's MIN_SV: below this s₁ a module counts as empty. */
const EMPTY_MODULE_SV = 1e-6;

/**
 * Reduces one module to the rank that `rule` selects (never below 1, never above the original rank).
 * The kept spectrum is split as sqrt(S) into both new factors, so ‖newUp column‖ = ‖newDown row‖: kohya
 * puts all of S into up, which leaves one factor ~s₁ and the other ~1 and wastes fp16 range on both ends
 * when the file is saved in half precision. Each component's sign is fixed so that the largest-magnitude
 * entry of its up column is positive, making the output deterministic (and, at rank 1, canonical in the
 * sense of `canonicalizeRank1`). Throws AtelierError('INVALID_INPUT') on inconsistent shapes or rules.
 */
export function reduceLowRank(factors: LowRankFactors, rule: RankRule): ModuleReduction {
  const { up, down, alpha, rank: r, outFeatures: out, inFeatures: inF } = factors;
  checkShapes(factors);
  checkRule(rule);
  const problem = findNonFinite(factors);
  if (problem) return { ok: false, problem };

  const scale = alpha === null ? 1 : alpha / r;
  const qu = householderQr(up, out, r);
  // down (r×in) holds downᵀ (in×r) column by column, which is the layout QR wants: no transpose.
  const qd = householderQr(down, inF, r, 'columns');
  const pu = Math.min(out, r);
  const pd = Math.min(inF, r);
  const core = matmulTransB(qu.r, qd.r, pu, r, pd);
  for (let i = 0; i < core.length; i++) core[i] = core[i]! * scale;
  const { u, s, v } = svd(core, pu, pd);
  const p = s.length;

  const singularValues = new Float64Array(r);
  singularValues.set(s);
  // Rank beyond min(out, in) has no directions to put it in; such factors are over-parameterized anyway.
  const k = Math.min(selectRank(singularValues, rule, r), p);

  const xu = new Float64Array(k * pu);
  const xd = new Float64Array(k * pd);
  for (let t = 0; t < k; t++) {
    const root = Math.sqrt(s[t]!);
    for (let i = 0; i < pu; i++) xu[t * pu + i] = u[i * p + t]! * root;
    for (let i = 0; i < pd; i++) xd[t * pd + i] = v[i * p + t]! * root;
  }
  const upRows = applyQToRows(qu, xu, k);
  const downRows = applyQToRows(qd, xd, k);
  for (let t = 0; t < k; t++) {
    if (signOfLargest(upRows, t * out, out) < 0) {
      negate(upRows, t * out, out);
      negate(downRows, t * inF, inF);
    }
  }
  const newUp = new Float32Array(out * k);
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < out; i++) newUp[i * k + t] = upRows[t * out + i]!;
  }

  return {
    ok: true,
    factors: { up: newUp, down: Float32Array.from(downRows), alpha: k, rank: k },
    report: { originalRank: r, newRank: k, singularValues, energyKept: energyKept(singularValues, k) },
  };
}

/**
 * The rank `rule` keeps for a descending spectrum s (length r = the original rank), clamped to [1, r].
 * `sv_cumulative`: smallest k with Σ_{i<k} sᵢ ≥ target·Σ s; `sv_fro`: smallest k with
 * Σ_{i<k} sᵢ² ≥ target²·Σ s²; `sv_ratio`: the number of s > s₁/ratio.
 */
export function selectRank(s: ArrayLike<number>, rule: RankRule, originalRank: number): number {
  const r = originalRank;
  const s1 = s[0] ?? 0;
  if (s1 <= EMPTY_MODULE_SV) return 1;
  let k: number;
  switch (rule.kind) {
    case 'fixed':
      k = rule.rank;
      break;
    case 'sv_ratio': {
      const floor = s1 / rule.ratio;
      k = 0;
      for (let i = 0; i < s.length; i++) if (s[i]! > floor) k++;
      break;
    }
    case 'sv_cumulative':
      k = firstReaching(s, (x) => x, rule.target);
      break;
    case 'sv_fro':
      k = firstReaching(s, (x) => x * x, rule.target * rule.target);
      break;
  }
  const cap = rule.kind === 'fixed' ? r : Math.min(r, rule.maxRank ?? r);
  return Math.max(1, Math.min(k, cap));
}

/** Smallest k whose running total of f(sᵢ), as a fraction of the whole, reaches `target`; s.length if none. */
function firstReaching(s: ArrayLike<number>, f: (x: number) => number, target: number): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += f(s[i]!);
  let running = 0;
  for (let i = 0; i < s.length; i++) {
    running += f(s[i]!);
    if (running / total >= target) return i + 1;
  }
  return s.length;
}

function energyKept(s: Float64Array, k: number): number {
  let kept = 0;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const sq = s[i]! * s[i]!;
    total += sq;
    if (i < k) kept += sq;
  }
  return total === 0 ? 1 : Math.sqrt(kept / total);
}

/**
 * Canonical form of a rank-1 pair, which is defined only up to (u, v) → (c·u, v/c): the scale is split
 * evenly (‖u‖ = ‖v‖ = sqrt(‖u‖·‖v‖)) and the sign makes the largest-|x| entry of u positive (first such
 * entry on ties). Independently trained LoRAs become comparable entry by entry. Zero pairs map to zeros.
 * Power-of-two rescalings and negation give bit-identical results; other rescalings agree to float32
 * rounding. Non-finite input is a caller bug (reduceLowRank screens files) and throws INVALID_INPUT.
 */
export function canonicalizeRank1(u: Float32Array, v: Float32Array): { u: Float32Array; v: Float32Array } {
  const nu = norm2(u, 0, u.length);
  const nv = norm2(v, 0, v.length);
  if (!Number.isFinite(nu * nv)) throw invalid('canonicalizeRank1: u or v holds NaN or Inf');
  if (nu === 0 || nv === 0) {
    return { u: new Float32Array(u.length), v: new Float32Array(v.length) };
  }
  // sqrt of the product (not product of sqrts) keeps power-of-two rescalings exact.
  const g = Math.sqrt(nu * nv);
  const sign = signOfLargest(u, 0, u.length);
  const fu = (sign * g) / nu;
  const fv = (sign * g) / nv;
  return { u: u.map((x) => x * fu), v: v.map((x) => x * fv) };
}

/**
 * Dense ΔW = up·down·(alpha/rank) (out×in, row-major) with up (out×rank) and down (rank×in).
 * O(out·in·rank): for tests and references only, never on the reduction path.
 */
export function denseDelta(
  up: Float32Array,
  down: Float32Array,
  alpha: number | null,
  rank: number,
): Float64Array {
  const out = up.length / rank;
  const inF = down.length / rank;
  if (!Number.isInteger(rank) || rank < 1 || !Number.isInteger(out) || !Number.isInteger(inF)) {
    throw invalid(
      `denseDelta: up (${up.length}) and down (${down.length}) are not multiples of rank ${rank}`,
    );
  }
  const delta = matmul(up, down, out, rank, inF);
  const scale = alpha === null ? 1 : alpha / rank;
  for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! * scale;
  return delta;
}

function checkShapes(f: LowRankFactors): void {
  const { rank: r, outFeatures: out, inFeatures: inF } = f;
  for (const [name, d] of [
    ['rank', r],
    ['outFeatures', out],
    ['inFeatures', inF],
  ] as const) {
    if (!Number.isInteger(d) || d < 1)
      throw invalid(`reduceLowRank: ${name} must be a positive integer, got ${d}`);
  }
  if (f.up.length !== out * r)
    throw invalid(`reduceLowRank: up has ${f.up.length} values, expected ${out}×${r}`);
  if (f.down.length !== r * inF) {
    throw invalid(`reduceLowRank: down has ${f.down.length} values, expected ${r}×${inF}`);
  }
}

function checkRule(rule: RankRule): void {
  const positive = (x: number) => Number.isFinite(x) && x > 0;
  const ok = (() => {
    switch (rule.kind) {
      case 'fixed':
        return Number.isInteger(rule.rank) && rule.rank >= 1;
      case 'sv_ratio':
        return positive(rule.ratio);
      case 'sv_fro':
      case 'sv_cumulative':
        return positive(rule.target);
    }
  })();
  const maxRank = rule.kind === 'fixed' ? undefined : rule.maxRank;
  if (!ok || (maxRank !== undefined && !(Number.isInteger(maxRank) && maxRank >= 1))) {
    throw invalid(`reduceLowRank: invalid rank rule ${JSON.stringify(rule)}`);
  }
}

function findNonFinite(f: LowRankFactors): ReduceProblem | null {
  if (f.alpha !== null && !Number.isFinite(f.alpha)) {
    return {
      code: 'NON_FINITE',
      tensor: 'alpha',
      index: 0,
      message: `alpha is ${f.alpha}; the file is damaged.`,
    };
  }
  for (const tensor of ['up', 'down'] as const) {
    const x = f[tensor];
    for (let i = 0; i < x.length; i++) {
      // x − x is NaN exactly for NaN and ±Inf, and costs one subtraction per element.
      if (x[i]! - x[i]! !== 0) {
        return {
          code: 'NON_FINITE',
          tensor,
          index: i,
          message: `lora_${tensor} holds ${x[i]} at index ${i}; the file is damaged or was saved after training diverged.`,
        };
      }
    }
  }
  return null;
}

function signOfLargest(x: ArrayLike<number>, offset: number, len: number): 1 | -1 {
  let best = 0;
  let value = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(x[offset + i]!);
    if (a > best) {
      best = a;
      value = x[offset + i]!;
    }
  }
  return value < 0 ? -1 : 1;
}

function negate(x: Float64Array, offset: number, len: number): void {
  for (let i = offset; i < offset + len; i++) x[i] = -x[i]!;
}

function invalid(message: string): AtelierError {
  return new AtelierError('INVALID_INPUT', message);
}
