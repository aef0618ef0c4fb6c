import { AtelierError } from '../api';
import { applyQToRows, gramAAt, gramAtA, householderQr, matmul, matmulTransB, norm2, svd } from '../math';
import { reduceByGram } from './reduce.gram';
import {
  energyKept,
  type ModuleReduction,
  type RankRule,
  type ReduceProblem,
  selectRank,
  signOfLargest,
} from './reduce.rank';

/**
 * Exact low-rank re-factorization of LoRA modules. ΔW = up·down·scale is never formed: with
 * up = Qu·Ru and downᵀ = Qd·Rd (thin QR), ΔW = Qu·(Ru·Rdᵀ·scale)·Qdᵀ, so the SVD of the small r×r core
 * Ru·Rdᵀ·scale = Uc·S·Vcᵀ is the SVD of ΔW with left vectors Qu·Uc and right vectors Qd·Vc.
 * Cost per module is O((out + in)·r²) instead of kohya's O(out·in·min(out, in)). Ru and Rd come from
 * Cholesky factors of the r×r Gram matrices when those are well conditioned (reduce.gram.ts, several
 * times faster), from Householder QR otherwise.
 */

export { selectRank } from './reduce.rank';
export type {
  ModuleReduction,
  RankRule,
  ReducedFactors,
  ReduceProblem,
  ReductionReport,
} from './reduce.rank';

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

export interface ReduceOptions {
  /**
   * 'auto' (default) takes the Gram/Cholesky path and falls back to Householder QR when a Gram matrix
   * is ill-conditioned; 'householder' always uses QR (a reference, and the fallback itself).
   */
  readonly method?: 'auto' | 'householder';
}

/**
 * Reduces one module to the rank that `rule` selects (never below 1, never above the original rank).
 * The kept spectrum is split as sqrt(S) into both new factors, so ‖newUp column‖ = ‖newDown row‖: kohya
 * puts all of S into up, which leaves one factor ~s₁ and the other ~1 and wastes fp16 range on both ends
 * when the file is saved in half precision. Each component's sign is fixed so that the largest-magnitude
 * entry of its up column is positive, making the output deterministic (and, at rank 1, canonical in the
 * sense of `canonicalizeRank1`). Throws AtelierError('INVALID_INPUT') on inconsistent shapes or rules.
 */
export function reduceLowRank(
  factors: LowRankFactors,
  rule: RankRule,
  options: ReduceOptions = {},
): ModuleReduction {
  const { up, down, rank: r, outFeatures: out, inFeatures: inF } = factors;
  checkShapes(factors);
  checkRule(rule);
  const problem = findNonFinite(factors);
  if (problem) return { ok: false, problem };
  if ((options.method ?? 'auto') === 'auto') {
    const fast = reduceByGram({ ...factors, gu: gramAtA(up, out, r), gd: gramAAt(down, r, inF) }, rule);
    if (fast !== null) return fast;
  }
  return reduceByHouseholder(factors, rule);
}

/**
 * The QR route: exact and unconditionally stable, at twice the flops of the Gram route
 * (2·(out + in)·r² against (out + in)·r²) and with strided, unvectorized inner loops.
 */
function reduceByHouseholder(factors: LowRankFactors, rule: RankRule): ModuleReduction {
  const { up, down, alpha, rank: r, outFeatures: out, inFeatures: inF } = factors;

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
    report: {
      originalRank: r,
      newRank: k,
      singularValues,
      energyKept: energyKept(singularValues, k),
      method: 'householder',
    },
  };
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
  // Plain loops: TypedArray.map with a closure cost ~60 ms over a full SDXL LoRA's pairs.
  const cu = new Float32Array(u.length);
  const cv = new Float32Array(v.length);
  for (let i = 0; i < u.length; i++) cu[i] = u[i]! * fu;
  for (let i = 0; i < v.length; i++) cv[i] = v[i]! * fv;
  return { u: cu, v: cv };
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

/** Throws INVALID_INPUT for a rule no spectrum can satisfy sensibly (rank < 1, NaN targets, …). */
export function checkRule(rule: RankRule): void {
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

function negate(x: Float64Array, offset: number, len: number): void {
  for (let i = offset; i < offset + len; i++) x[i] = -x[i]!;
}

function invalid(message: string): AtelierError {
  return new AtelierError('INVALID_INPUT', message);
}
