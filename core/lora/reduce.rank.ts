/**
 * What every reduction path shares: the rank rules (kohya resize_lora.py's), the result types, and the
 * conventions for splitting and signing the kept components.
 */

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
  /** Which factorization ran: the Gram/Cholesky fast path or Householder QR (see reduce.gram.ts). */
  readonly method: 'gram' | 'householder';
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

/** Frobenius fraction of a descending spectrum kept by its first k values; 1 for an all-zero spectrum. */
export function energyKept(s: Float64Array, k: number): number {
  let kept = 0;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const sq = s[i]! * s[i]!;
    total += sq;
    if (i < k) kept += sq;
  }
  return total === 0 ? 1 : Math.sqrt(kept / total);
}

/** Sign of the largest-magnitude entry of x[offset .. offset+len), first on ties; +1 for all zeros. */
export function signOfLargest(x: ArrayLike<number>, offset: number, len: number): 1 | -1 {
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
