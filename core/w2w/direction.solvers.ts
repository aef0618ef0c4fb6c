import { choleskyUpper, dot, gramAAt, gramAtA, invertUpper, type Rng } from '../math';

/**
 * Solvers behind `trainDirection`. Each fits a linear score s(c) = w·c + b on a subset of the rows of
 * a row-major n×m matrix `x` (`rows` lists them, so cross-validation folds need no copies) with labels
 * y ∈ {±1}. `ridge` is the L2 weight on ‖w‖² per training row: the objectives are written as sums over
 * rows plus (ridge·|rows|/2)·‖w‖², so one ridge means the same thing on a fold as on the full set.
 */
export interface Problem {
  readonly x: Float64Array;
  readonly n: number;
  readonly m: number;
  readonly y: Float64Array;
}

export interface LinearFit {
  readonly w: Float64Array;
  readonly b: number;
  /** Solver state: dual variables for SVM warm starts; the Cholesky factor of the lstsq kernel route. */
  readonly state?: Float64Array;
}

/** x_i·v for each listed row. */
function scores(p: Problem, rows: Int32Array, w: Float64Array, b: number, out: Float64Array): void {
  for (let r = 0; r < rows.length; r++) out[r] = dot(p.x, rows[r]! * p.m, w, 0, p.m) + b;
}

/** out += Σ_r coef[r]·x_rows[r]. */
function accumulate(p: Problem, rows: Int32Array, coef: Float64Array, out: Float64Array): void {
  const { x, m } = p;
  for (let r = 0; r < rows.length; r++) {
    const c = coef[r]!;
    if (c === 0) continue;
    const o = rows[r]! * m;
    for (let j = 0; j < m; j++) out[j] = out[j]! + c * x[o + j]!;
  }
}

/**
 * Ridge least squares without intercept: min ‖Xw − y‖² + λ‖w‖², λ = ridge·|rows|; λ → 0 gives the
 * minimum-norm solution pinv(X)·y. Solved by Cholesky of the smaller Gram matrix — the kernel form
 * w = Xᵀ(XXᵀ + λI)⁻¹y when rows are few, else the normal equations (XᵀX + λI)w = Xᵀy. The full Gram
 * (`LstsqGram`) is built once and sliced or down-dated for each fold. If a factorization fails (λ below
 * rounding on a singular Gram) the ridge is raised 100× and retried.
 */
export interface LstsqGram {
  readonly kernel: boolean;
  readonly g: Float64Array;
}

export function lstsqGram(p: Problem): LstsqGram {
  const kernel = p.n <= 2 * p.m;
  return { kernel, g: kernel ? gramAAt(p.x, p.n, p.m) : gramAtA(p.x, p.n, p.m) };
}

export function fitLstsq(p: Problem, gram: LstsqGram, rows: Int32Array, ridge: number): LinearFit {
  const { x, n, m, y } = p;
  const k = rows.length;
  const inFold = new Uint8Array(n);
  for (let r = 0; r < k; r++) inFold[rows[r]!] = 1;
  const size = gram.kernel ? k : m;
  const a = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  if (gram.kernel) {
    for (let r = 0; r < k; r++) {
      const gi = rows[r]! * n;
      for (let s = 0; s < k; s++) a[r * k + s] = gram.g[gi + rows[s]!]!;
      rhs[r] = y[rows[r]!]!;
    }
  } else {
    a.set(gram.g);
    // Down-date XᵀX by the rows left out: cheaper than rebuilding when folds hold most rows.
    for (let i = 0; i < n; i++) {
      const o = i * m;
      if (!inFold[i]) {
        for (let s = 0; s < m; s++) {
          const xs = x[o + s]!;
          if (xs === 0) continue;
          for (let t = s; t < m; t++) a[s * m + t] = a[s * m + t]! - xs * x[o + t]!;
        }
      } else {
        const yi = y[i]!;
        for (let j = 0; j < m; j++) rhs[j] = rhs[j]! + yi * x[o + j]!;
      }
    }
  }
  const r = ridgeCholesky(a, size, ridge * k);
  const sol = solveUpper(r, size, rhs);
  if (!gram.kernel) return { w: sol, b: 0 };
  const w = new Float64Array(m);
  accumulate(p, rows, sol, w);
  return { w, b: 0, state: r };
}

/** Cholesky factor of A + λI, λ raised to a rounding floor and then 100× per failure. */
function ridgeCholesky(a: Float64Array, size: number, ridge: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < size; i++) trace += a[i * size + i]!;
  const floor = 1e-13 * (trace / size || 1);
  let lambda = Math.max(ridge, floor);
  for (let attempt = 0; attempt < 12; attempt++, lambda *= 100) {
    const shifted = a.slice();
    for (let i = 0; i < size; i++) shifted[i * size + i] = shifted[i * size + i]! + lambda;
    const r = choleskyUpper(shifted, size);
    if (r) return r;
  }
  throw new Error('lstsq: Gram matrix could not be factorized');
}

/**
 * Held-out scores of every row for k-fold cross-validation of the kernel route, from the full fit
 * alone: with G = (K + λI)⁻¹ and α = G·y, refitting without block B predicts y_B − G_BB⁻¹·α_B on B
 * (block inversion of G), so each fold costs a |B|×|B| solve instead of a new factorization.
 * `r` is the full fit's factor (state), rows 0..n−1 in order.
 */
export function lstsqKernelHeldOut(p: Problem, r: Float64Array, fold: Int32Array, k: number): Float64Array {
  const { n, y } = p;
  const rInv = invertUpper(r, n);
  const alpha = solveUpper(r, n, y);
  const out = new Float64Array(n);
  for (let f = 0; f < k; f++) {
    const block: number[] = [];
    for (let i = 0; i < n; i++) if (fold[i] === f) block.push(i);
    const b = block.length;
    // G = R⁻¹R⁻ᵀ: G_ij is the dot product of rows i and j of the upper triangular R⁻¹.
    const g = new Float64Array(b * b);
    for (let s = 0; s < b; s++) {
      for (let t = s; t < b; t++) {
        const i = block[s]!;
        const j = block[t]!;
        const from = Math.max(i, j);
        g[s * b + t] = g[t * b + s] = dot(rInv, i * n + from, rInv, j * n + from, n - from);
      }
    }
    const rhs = Float64Array.from(block, (i) => alpha[i]!);
    const e = solveUpper(ridgeCholesky(g, b, 0), b, rhs);
    for (let s = 0; s < b; s++) out[block[s]!] = y[block[s]!]! - e[s]!;
  }
  return out;
}

/** Solves RᵀR·z = v for upper triangular R (n×n row-major). */
function solveUpper(r: Float64Array, n: number, v: Float64Array): Float64Array {
  const z = Float64Array.from(v);
  for (let i = 0; i < n; i++) {
    let s = z[i]!;
    for (let k = 0; k < i; k++) s -= r[k * n + i]! * z[k]!;
    z[i] = s / r[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= r[i * n + k]! * z[k]!;
    z[i] = s / r[i * n + i]!;
  }
  return z;
}

/** log(1 + e^t) without overflow. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/**
 * L2-regularized logistic regression with an unpenalized intercept, by truncated Newton: each step
 * solves H·p = −g by conjugate gradients preconditioned with diag(H) (cheap and close to exact on PCA
 * coefficients, whose columns are nearly uncorrelated but differ in scale by orders of magnitude), then
 * backtracks (Armijo). The ridge keeps the optimum finite on separable data, so Newton converges.
 */
export function fitLogistic(p: Problem, rows: Int32Array, ridge: number, warm?: LinearFit): LinearFit {
  const { x, m, y } = p;
  const k = rows.length;
  const lambda = ridge * k;
  const d = m + 1; // w then b
  const theta = new Float64Array(d);
  if (warm) {
    theta.set(warm.w);
    theta[m] = warm.b;
  } else {
    let pos = 0;
    for (let r = 0; r < k; r++) if (y[rows[r]!]! > 0) pos++;
    theta[m] = Math.log((pos + 0.5) / (k - pos + 0.5));
  }
  const z = new Float64Array(k);
  const coef = new Float64Array(k);
  const wts = new Float64Array(k);
  const evaluate = (t: Float64Array): number => {
    scores(p, rows, t, t[m]!, z);
    let f = 0;
    for (let r = 0; r < k; r++) f += softplus(-y[rows[r]!]! * z[r]!);
    let ww = 0;
    for (let j = 0; j < m; j++) ww += t[j]! * t[j]!;
    return f + 0.5 * lambda * ww;
  };
  let f = evaluate(theta);
  // Convergence is judged against the gradient at w = 0 (≈ ‖Σ yᵢxᵢ‖/2), not at a warm start.
  const yHalf = new Float64Array(k);
  for (let r = 0; r < k; r++) yHalf[r] = y[rows[r]!]! / 2;
  const gRef = new Float64Array(m);
  accumulate(p, rows, yHalf, gRef);
  const g0 = Math.sqrt(dot(gRef, 0, gRef, 0, m)) + Math.sqrt(k);
  const g = new Float64Array(d);
  for (let iter = 0; iter < 100; iter++) {
    // Gradient and IRLS weights at theta (z holds the current scores).
    g.fill(0);
    let gb = 0;
    let wsum = 0;
    for (let r = 0; r < k; r++) {
      const yi = y[rows[r]!]!;
      const s = sigmoid(-yi * z[r]!);
      coef[r] = -yi * s;
      gb += coef[r]!;
      wts[r] = Math.max(s * (1 - s), 1e-12);
      wsum += wts[r]!;
    }
    accumulate(p, rows, coef, g);
    for (let j = 0; j < m; j++) g[j] = g[j]! + lambda * theta[j]!;
    g[m] = gb;
    const gnorm = Math.sqrt(dot(g, 0, g, 0, d));
    if (gnorm <= 1e-8 * g0) break;
    const diag = new Float64Array(d);
    for (let r = 0; r < k; r++) {
      const o = rows[r]! * m;
      const wr = wts[r]!;
      for (let j = 0; j < m; j++) diag[j] = diag[j]! + wr * x[o + j]! * x[o + j]!;
    }
    for (let j = 0; j < m; j++) diag[j] = diag[j]! + lambda || 1;
    diag[m] = wsum;
    const hess = (v: Float64Array, out: Float64Array): void => {
      scores(p, rows, v, v[m]!, coef);
      let ob = 0;
      for (let r = 0; r < k; r++) {
        coef[r] = coef[r]! * wts[r]!;
        ob += coef[r]!;
      }
      out.fill(0);
      accumulate(p, rows, coef, out);
      for (let j = 0; j < m; j++) out[j] = out[j]! + lambda * v[j]!;
      out[m] = ob;
    };
    const step = pcg(hess, diag, g, Math.min(0.1, Math.sqrt(gnorm / g0)), 100);
    const before = f;
    const slope = dot(g, 0, step, 0, d);
    let t = 1;
    const trial = new Float64Array(d);
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < d; j++) trial[j] = theta[j]! + t * step[j]!;
      const ft = evaluate(trial);
      if (ft <= f + 1e-4 * t * slope) {
        theta.set(trial);
        f = ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    // z holds the scores of the accepted trial, the last one evaluated.
    if (!accepted || before - f <= 1e-14 * Math.abs(f)) break;
  }
  return { w: theta.slice(0, m), b: theta[m] };
}

/** Preconditioned CG for H·p = −g, to relative residual `tol`. */
function pcg(
  hess: (v: Float64Array, out: Float64Array) => void,
  diag: Float64Array,
  g: Float64Array,
  tol: number,
  maxIter: number,
): Float64Array {
  const d = g.length;
  const pSol = new Float64Array(d);
  const r = new Float64Array(d);
  for (let j = 0; j < d; j++) r[j] = -g[j]!;
  const zv = new Float64Array(d);
  for (let j = 0; j < d; j++) zv[j] = r[j]! / diag[j]!;
  const dir = zv.slice();
  const hd = new Float64Array(d);
  let rz = dot(r, 0, zv, 0, d);
  const stop = tol * Math.sqrt(dot(r, 0, r, 0, d));
  for (let it = 0; it < maxIter; it++) {
    hess(dir, hd);
    const curv = dot(dir, 0, hd, 0, d);
    if (!(curv > 0)) break;
    const alpha = rz / curv;
    for (let j = 0; j < d; j++) {
      pSol[j] = pSol[j]! + alpha * dir[j]!;
      r[j] = r[j]! - alpha * hd[j]!;
    }
    if (Math.sqrt(dot(r, 0, r, 0, d)) <= stop) break;
    for (let j = 0; j < d; j++) zv[j] = r[j]! / diag[j]!;
    const rzNew = dot(r, 0, zv, 0, d);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let j = 0; j < d; j++) dir[j] = zv[j]! + beta * dir[j]!;
  }
  return pSol;
}

/**
 * Linear soft-margin SVM, min Σ max(0, 1 − yᵢ(w·xᵢ + b)) + (λ/2)(‖w‖² + β²), by dual coordinate
 * descent (Hsieh et al. 2008, as in LIBLINEAR): the intercept is b = β·B for an extra feature of
 * constant value B (the rms row norm, so the bias is barely regularized on centered data); box
 * constraint C = 1/λ; rows are visited in a seeded random order each epoch, until the projected-
 * gradient spread falls below `tol` or 2000 epochs. `warm` restarts from a previous fit's dual.
 */
export function fitSvm(p: Problem, rows: Int32Array, ridge: number, rng: Rng, warm?: LinearFit): LinearFit {
  const { x, m, y } = p;
  const k = rows.length;
  const cBox = 1 / (ridge * k);
  let sq = 0;
  const qd = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    qd[r] = dot(x, rows[r]! * m, x, rows[r]! * m, m);
    sq += qd[r]!;
  }
  const bFeat = Math.sqrt(sq / k) || 1;
  for (let r = 0; r < k; r++) qd[r] = qd[r]! + bFeat * bFeat;
  const alpha = new Float64Array(k);
  const w = new Float64Array(m);
  let beta = 0;
  if (warm?.state) {
    for (let r = 0; r < k; r++) alpha[r] = Math.min(warm.state[rows[r]!]!, cBox);
    const coef = new Float64Array(k);
    for (let r = 0; r < k; r++) coef[r] = alpha[r]! * y[rows[r]!]!;
    accumulate(p, rows, coef, w);
    for (let r = 0; r < k; r++) beta += coef[r]! * bFeat;
  }
  const order = new Int32Array(k);
  for (let r = 0; r < k; r++) order[r] = r;
  const tol = 1e-3;
  for (let epoch = 0; epoch < 2000; epoch++) {
    for (let r = k - 1; r > 0; r--) {
      const s = Math.floor(rng.next() * (r + 1));
      const t = order[r]!;
      order[r] = order[s]!;
      order[s] = t;
    }
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let q = 0; q < k; q++) {
      const r = order[q]!;
      const i = rows[r]!;
      const o = i * m;
      const yi = y[i]!;
      const grad = yi * (dot(x, o, w, 0, m) + beta * bFeat) - 1;
      const a = alpha[r]!;
      const pg = a === 0 ? Math.min(grad, 0) : a >= cBox ? Math.max(grad, 0) : grad;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (pg === 0) continue;
      const next = Math.min(Math.max(a - grad / qd[r]!, 0), cBox);
      const delta = (next - a) * yi;
      if (delta === 0) continue;
      alpha[r] = next;
      for (let j = 0; j < m; j++) w[j] = w[j]! + delta * x[o + j]!;
      beta += delta * bFeat;
    }
    if (pgMax - pgMin < tol) break;
  }
  const state = new Float64Array(p.n);
  for (let r = 0; r < k; r++) state[rows[r]!] = alpha[r]!;
  return { w, b: beta * bFeat, state };
}
