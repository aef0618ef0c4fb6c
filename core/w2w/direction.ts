import { AtelierError } from '../api';
import { createRng, dot } from '../math';
import {
  fitLogistic,
  fitLstsq,
  fitSvm,
  lstsqGram,
  lstsqKernelHeldOut,
  sigmoid,
  softplus,
  type LinearFit,
  type Problem,
} from './direction.solvers';

/**
 * Edit directions in a PCA coefficient space (weights2weights, ImageGem): a linear classifier over
 * each LoRA's PCA coefficients separates positives from negatives; its normal is the edit direction,
 * applied as c' = c + α·w/‖w‖.
 *
 * Regularization: `lambda` is relative to the data, so it means the same at any scale — the L2
 * weight per training row is lambda·s̄, where s̄ = ‖C‖²_F / min(n, m) is the mean nonzero eigenvalue
 * of the Gram matrix C·Cᵀ (about the mean squared singular value of the coefficients). The penalty is
 * on raw-space ‖w‖² (no standardization): with isotropic within-class noise the raw-space normal is
 * the planted direction, and strong regularization tends to the class-mean difference, still in raw
 * units; standardizing would tilt w towards low-variance components.
 */
export type DirectionMethod = 'logistic' | 'svm' | 'lstsq';

export interface LabeledSet {
  /** n×m row-major: each row is one LoRA's PCA coefficients (raw units: the projection on each component). */
  readonly coefficients: Float64Array;
  readonly n: number;
  readonly m: number;
  /** +1 positive, -1 negative, one per row. */
  readonly labels: Int8Array;
}

export interface TrainedDirection {
  /** The classifier normal in coefficient space (length m), NOT normalized. For lstsq: pinv(C)·y (w2w: no intercept, labels ±1). */
  readonly weights: Float64Array;
  readonly bias: number;
  /** Platt calibration: p(positive | c) = 1 / (1 + exp(-(a·(w·c + bias) + b))), fitted on the training scores; a > 0. */
  readonly calibration: { readonly a: number; readonly b: number };
  /** Stratified k-fold cross-validated accuracy (k = min(5, smaller class size); leave-one-out when a class has < 5; NaN if a class has < 2 members). */
  readonly accuracy: number;
  readonly folds: number;
  /**
   * The forward-model "activation pattern" (Haufe et al. 2014): Cov(C)·w / (wᵀ·Cov(C)·w), how the
   * coefficients move per unit of score. Unlike the normal, it points along the class-mean shift even
   * when the within-class spread is anisotropic (the normal estimates Cov⁻¹·shift), and it stays
   * stable where the normal is noise-dominated (min-norm lstsq at m ≈ n). c + t·pattern adds t to
   * the score.
   */
  readonly pattern: Float64Array;
  readonly method: DirectionMethod;
  /** The relative regularization used (see module doc). */
  readonly lambda: number;
}

export interface DirectionOptions {
  /** Seeds fold assignment and the SVM's visiting order. Default 0. */
  readonly seed?: number;
  /** Relative L2 weight (module doc). Defaults: lstsq 1e-9 (pinv), logistic 1e-3, svm 1 (C·‖x‖² ≈ 1, a soft margin that averages over many rows instead of the few support vectors of a hard one). */
  readonly lambda?: number;
}

const DEFAULT_LAMBDA: Record<DirectionMethod, number> = { lstsq: 1e-9, logistic: 1e-3, svm: 1 };

function invalid(message: string): AtelierError {
  return new AtelierError('INVALID_INPUT', message);
}

function validate(set: LabeledSet, method: string, options: DirectionOptions): number[] {
  const { n, m, coefficients, labels } = set;
  if (method !== 'lstsq' && method !== 'logistic' && method !== 'svm') {
    throw invalid(`Unknown direction method "${method}"; use lstsq, logistic or svm.`);
  }
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(m) || m < 1) {
    throw invalid(`A labeled set needs positive integer sizes, got n = ${n}, m = ${m}.`);
  }
  if (!(coefficients instanceof Float64Array) || coefficients.length !== n * m) {
    throw invalid(
      `Coefficients must be a Float64Array of n·m = ${n * m} values, got ${coefficients?.length}.`,
    );
  }
  if (!(labels instanceof Int8Array) || labels.length !== n) {
    throw invalid(`Labels must be an Int8Array of n = ${n} values, got ${labels?.length}.`);
  }
  for (let i = 0; i < coefficients.length; i++) {
    if (!Number.isFinite(coefficients[i]!)) {
      throw invalid(`Coefficient ${i % m} of row ${Math.floor(i / m)} is not a finite number.`);
    }
  }
  const counts = [0, 0];
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l !== 1 && l !== -1) throw invalid(`Label ${i} is ${l}; labels must be +1 or -1.`);
    counts[l > 0 ? 0 : 1]!++;
  }
  if (counts[0] === 0 || counts[1] === 0) {
    throw invalid(`Both classes need members; got ${counts[0]} positive and ${counts[1]} negative.`);
  }
  const { lambda, seed } = options;
  if (lambda !== undefined && !(lambda < Infinity && (lambda > 0 || (lambda === 0 && method === 'lstsq')))) {
    throw invalid(`lambda must be finite and > 0 (≥ 0 for lstsq), got ${lambda}.`);
  }
  if (seed !== undefined && !Number.isFinite(seed)) throw invalid(`seed must be finite, got ${seed}.`);
  return counts;
}

/**
 * Fits a direction with `method`, cross-validates it, and calibrates its scores.
 * - lstsq: ridge least squares without intercept, w = (CᵀC + λI)⁻¹Cᵀy → pinv(C)·y as λ → 0 (w2w).
 * - logistic: L2 logistic regression with intercept, truncated Newton.
 * - svm: L2 hinge-loss SVM with intercept, dual coordinate descent.
 * Logistic and SVM work on column-centered coefficients (the intercept absorbs the means).
 * Deterministic: the same input, method and options give the same output.
 */
export function trainDirection(
  set: LabeledSet,
  method: DirectionMethod,
  options: DirectionOptions = {},
): TrainedDirection {
  const counts = validate(set, method, options);
  const { n, m, coefficients, labels } = set;
  const lambda = options.lambda ?? DEFAULT_LAMBDA[method];
  const rng = createRng(options.seed ?? 0);
  const y = Float64Array.from(labels);
  const mean = new Float64Array(m);
  if (method !== 'lstsq') {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j] = mean[j]! + coefficients[i * m + j]! / n;
  }
  const x = method === 'lstsq' ? coefficients : coefficients.map((v, idx) => v - mean[idx % m]!);
  const problem: Problem = { x, n, m, y };
  let frob = 0;
  for (let i = 0; i < x.length; i++) frob += x[i]! * x[i]!;
  const ridge = (lambda * (frob / Math.min(n, m))) / n || 1e-300;

  const gram = method === 'lstsq' ? lstsqGram(problem) : null;
  const fit = (rows: Int32Array, warm?: LinearFit): LinearFit =>
    method === 'lstsq'
      ? fitLstsq(problem, gram!, rows, ridge)
      : method === 'logistic'
        ? fitLogistic(problem, rows, ridge, warm)
        : fitSvm(problem, rows, ridge, rng, warm);

  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const full = fit(all);
  const kernelCv = gram?.kernel
    ? (fold: Int32Array, k: number): Float64Array => lstsqKernelHeldOut(problem, full.state!, fold, k)
    : undefined;
  const { accuracy, folds, heldOut } = crossValidate(
    problem,
    counts,
    rng,
    (rows) => fit(rows, full),
    kernelCv,
  );

  const weights = full.w;
  const bias = full.b - dot(weights, 0, mean, 0, m);
  const train = new Float64Array(n);
  for (let i = 0; i < n; i++) train[i] = dot(x, i * m, weights, 0, m) + full.b;
  return {
    weights,
    bias,
    // Calibrated on held-out scores where there are any (CalibratedClassifierCV's way): with m ≥ n the
    // training scores are separable and a fit on them says 0 % or 100 % almost everywhere.
    calibration: plattScale(heldOut ?? train, labels),
    accuracy,
    folds,
    pattern: activationPattern(coefficients, n, m, weights),
    method,
    lambda,
  };
}

/**
 * Stratified folds: each class is shuffled (seeded) and dealt round-robin. k = 5 when both classes
 * have ≥ 5 members; leave-one-out when one has fewer (2–4) and n ≤ 100, else k = the smaller class
 * size (so every fold still holds one of each); no estimate (NaN, 0 folds) below 2.
 */
function crossValidate(
  p: Problem,
  counts: number[],
  rng: ReturnType<typeof createRng>,
  fit: (rows: Int32Array) => LinearFit,
  heldOutScores?: (fold: Int32Array, k: number) => Float64Array,
): { accuracy: number; folds: number; heldOut: Float64Array | null } {
  const smaller = Math.min(counts[0]!, counts[1]!);
  if (smaller < 2) return { accuracy: Number.NaN, folds: 0, heldOut: null };
  const { n, m, x, y } = p;
  const k = smaller >= 5 ? 5 : n <= 100 ? n : smaller;
  const fold = new Int32Array(n);
  if (k === n) {
    for (let i = 0; i < n; i++) fold[i] = i;
  } else {
    let next = 0;
    for (const sign of [1, -1]) {
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (y[i] === sign) members.push(i);
      for (let r = members.length - 1; r > 0; r--) {
        const s = Math.floor(rng.next() * (r + 1));
        [members[r], members[s]] = [members[s]!, members[r]!];
      }
      // Continue the round-robin across classes so fold sizes stay balanced.
      for (const i of members) fold[i] = next++ % k;
    }
  }
  let held = heldOutScores?.(fold, k);
  if (!held) {
    held = new Float64Array(n);
    for (let f = 0; f < k; f++) {
      const train: number[] = [];
      for (let i = 0; i < n; i++) if (fold[i] !== f) train.push(i);
      const model = fit(Int32Array.from(train));
      for (let i = 0; i < n; i++) if (fold[i] === f) held[i] = dot(x, i * m, model.w, 0, m) + model.b;
    }
  }
  let correct = 0;
  for (let i = 0; i < n; i++) if ((held[i]! > 0 ? 1 : -1) === y[i]) correct++;
  return { accuracy: correct / n, folds: k, heldOut: held };
}

/**
 * Platt (2000) scaling: logistic regression of the label on the score, with his smoothed targets
 * t₊ = (N₊+1)/(N₊+2), t₋ = 1/(N₋+2), which keep a finite on separable scores. Newton on (a, b) over
 * scores normalized to unit rms; a is floored at a tiny positive value (uninformative scores).
 */
function plattScale(scores: Float64Array, labels: Int8Array): { a: number; b: number } {
  const n = scores.length;
  let pos = 0;
  let rms = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i]! > 0) pos++;
    rms += scores[i]! * scores[i]!;
  }
  rms = Math.sqrt(rms / n) || 1;
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (n - pos + 2);
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = (a * scores[i]!) / rms + b;
      const t = labels[i]! > 0 ? tPos : tNeg;
      f += t * softplus(-z) + (1 - t) * softplus(z);
    }
    return f;
  };
  let a = 1;
  let b = Math.log((pos + 1) / (n - pos + 1));
  let f = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const s = scores[i]! / rms;
      const q = sigmoid(a * s + b);
      const d = q - (labels[i]! > 0 ? tPos : tNeg);
      const w = q * (1 - q);
      ga += d * s;
      gb += d;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    if (Math.abs(ga) + Math.abs(gb) < 1e-10 * n) break;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(haa * gb - hab * ga) / det;
    let t = 1;
    let moved = false;
    for (let ls = 0; ls < 40 && !moved; ls++, t *= 0.5) {
      const fa = objective(a + t * da, b + t * db);
      if (fa <= f + 1e-4 * t * (ga * da + gb * db)) {
        a += t * da;
        b += t * db;
        f = fa;
        moved = true;
      }
    }
    if (!moved) break;
  }
  a = Math.max(a, 1e-9) / rms;
  return { a, b };
}

/** Haufe's pattern Cov(C)·w / (wᵀ·Cov(C)·w), Cov over the rows of C (centered). */
function activationPattern(c: Float64Array, n: number, m: number, w: Float64Array): Float64Array {
  const s = new Float64Array(n);
  let meanScore = 0;
  for (let i = 0; i < n; i++) meanScore += (s[i] = dot(c, i * m, w, 0, m)) / n;
  const out = new Float64Array(m);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const d = s[i]! - meanScore;
    variance += d * d;
    for (let j = 0; j < m; j++) out[j] = out[j]! + d * c[i * m + j]!;
  }
  if (variance > 0) for (let j = 0; j < m; j++) out[j] = out[j]! / variance;
  return out;
}

/** Probability of "positive" for a score s = w·c + bias. Monotonic increasing in s. */
export function directionProbability(
  direction: Pick<TrainedDirection, 'calibration'>,
  score: number,
): number {
  const { a, b } = direction.calibration;
  return sigmoid(a * score + b);
}

/** Removes from `direction` its component along each of `others` (Gram–Schmidt over the others first, so several can be removed): d − Σ (d·eᵢ)eᵢ over an orthonormal basis eᵢ of the others. Returns a new array. */
export function debiasDirection(direction: Float64Array, others: readonly Float64Array[]): Float64Array {
  const m = direction.length;
  const finite = (v: Float64Array): boolean => v.every((x) => Number.isFinite(x));
  if (!finite(direction)) throw invalid('The direction to debias holds a non-finite value.');
  const basis: Float64Array[] = [];
  for (const [index, other] of others.entries()) {
    if (other.length !== m) {
      throw invalid(`Direction ${index} to remove has length ${other.length}, expected ${m}.`);
    }
    if (!finite(other)) throw invalid(`Direction ${index} to remove holds a non-finite value.`);
    const e = Float64Array.from(other);
    const size = Math.sqrt(dot(e, 0, e, 0, m));
    // Two passes of modified Gram–Schmidt keep the basis orthonormal to rounding.
    for (let pass = 0; pass < 2; pass++) project(e, basis);
    const rest = Math.sqrt(dot(e, 0, e, 0, m));
    // Zero, or already spanned by earlier ones: nothing new to remove.
    if (!(rest > 1e-10 * size)) continue;
    for (let j = 0; j < m; j++) e[j] = e[j]! / rest;
    basis.push(e);
  }
  const d = Float64Array.from(direction);
  for (let pass = 0; pass < 2; pass++) project(d, basis);
  return d;
}

/** v −= Σ (v·e)e over the orthonormal basis, in place. */
function project(v: Float64Array, basis: readonly Float64Array[]): void {
  for (const e of basis) {
    const c = dot(v, 0, e, 0, v.length);
    for (let j = 0; j < v.length; j++) v[j] = v[j]! - c * e[j]!;
  }
}
