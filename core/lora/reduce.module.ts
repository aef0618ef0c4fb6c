import { createSimdKernels, gramAtA, type SimdKernels } from '../math';
import { decodeFloat32, dtypeSize, type FloatDtype } from './dtype';
import { reduceLowRank, type LowRankFactors } from './reduce';
import { reduceByGram } from './reduce.gram';
import type { ModuleReduction, RankRule } from './reduce.rank';

/** A low-rank module as stored: up (out×r) and down (r×in), in their file dtypes. */
export interface StoredLowRankModule {
  readonly upDtype: FloatDtype;
  readonly downDtype: FloatDtype;
  readonly alpha: number | null;
  readonly rank: number;
  readonly outFeatures: number;
  readonly inFeatures: number;
}

const ALIGN = 64;
const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;
/** Room past each region for the kernels' whole-group reads and writes. */
const SLACK = 64;

interface Layout {
  readonly rawUp: number;
  readonly rawDown: number;
  readonly upBytes: number;
  readonly downBytes: number;
  readonly up: number;
  readonly down: number;
  readonly gu: number;
  readonly gd: number;
  readonly x: number;
  readonly y: number;
}

/**
 * Reduces modules straight from their stored bytes with the WebAssembly kernels: the bytes are copied
 * into one reused linear memory (no per-module allocation), decoded to float64 by SIMD (≈0.5 ns per
 * value, against ≈2 ns for a JS table lookup), both Gram matrices and the final projections run there,
 * and only the r×r algebra runs in JS. Falls back to `reduceLowRank` on decoded float32 factors whenever
 * the Gram route does not apply (ill-conditioned, NaN/Inf) or WebAssembly is unavailable. One per thread.
 */
export class ModuleReducer {
  private readonly kernels: SimdKernels | null;

  constructor(options: { simd?: boolean } = {}) {
    this.kernels = (options.simd ?? true) ? createSimdKernels() : null;
  }

  get usesSimd(): boolean {
    return this.kernels !== null;
  }

  /** Reduces a module from its stored bytes (`up` out×r and `down` r×in in their dtypes). */
  reduce(module: StoredLowRankModule, up: Uint8Array, down: Uint8Array, rule: RankRule): ModuleReduction {
    const k = this.kernels;
    const { rank: r, outFeatures: out, inFeatures: inF } = module;
    if (up.byteLength !== out * r * dtypeSize(module.upDtype))
      throw new RangeError(`up: ${up.byteLength} bytes for ${out}×${r} ${module.upDtype}`);
    if (down.byteLength !== r * inF * dtypeSize(module.downDtype))
      throw new RangeError(`down: ${down.byteLength} bytes for ${r}×${inF} ${module.downDtype}`);
    if (k === null || r > out || r > inF || !Number.isFinite(module.alpha ?? 0)) {
      return reduceLowRank(decodeFactors(module, up, down), rule);
    }
    const layout = plan(module);
    k.reserve(layout.y + Math.max(out, inF) * 8);
    new Uint8Array(k.memory.buffer, layout.rawUp, layout.upBytes).set(up);
    new Uint8Array(k.memory.buffer, layout.rawDown, layout.downBytes).set(down);
    return this.compute(k, module, layout, rule);
  }

  private compute(k: SimdKernels, module: StoredLowRankModule, at: Layout, rule: RankRule): ModuleReduction {
    const fast = gramRoute(k, module, at, rule);
    if (fast !== null) return fast;
    // The Gram route said no: the QR route is what is left (and it names any NaN/Inf it finds).
    const buffer = k.memory.buffer;
    const up = new Uint8Array(buffer, at.rawUp, at.upBytes).slice();
    const down = new Uint8Array(buffer, at.rawDown, at.downBytes).slice();
    return reduceLowRank(decodeFactors(module, up, down), rule, { method: 'householder' });
  }
}

function plan(module: StoredLowRankModule): Layout {
  const { rank: r, outFeatures: out, inFeatures: inF } = module;
  const r4 = Math.ceil(r / 4) * 4;
  const upBytes = out * r * dtypeSize(module.upDtype);
  const downBytes = r * inF * dtypeSize(module.downDtype);
  const rawUp = 0;
  const rawDown = rawUp + align(upBytes + SLACK);
  const up = rawDown + align(downBytes + SLACK);
  const down = up + align(out * r * 8 + SLACK);
  const gu = down + align(r4 * inF * 8 + SLACK);
  const gd = gu + align(r * r * 8);
  const x = gd + align(r4 * r4 * 8);
  const y = x + align(r * 8);
  return { rawUp, rawDown, upBytes, downBytes, up, down, gu, gd, x, y };
}

function gramRoute(
  k: SimdKernels,
  module: StoredLowRankModule,
  at: Layout,
  rule: RankRule,
): ModuleReduction | null {
  const { rank: r, outFeatures: out, inFeatures: inF } = module;
  const r4 = Math.ceil(r / 4) * 4;
  const buffer = k.memory.buffer;
  const up = new Float64Array(buffer, at.up, out * r);
  const down = new Float64Array(buffer, at.down, r4 * inF);
  decodeInto(k, module.upDtype, at.rawUp, at.upBytes, at.up, up);
  decodeInto(k, module.downDtype, at.rawDown, at.downBytes, at.down, down);
  // The kernel works on blocks of 4 rows; padding rows are zero so they add nothing.
  down.fill(0, r * inF);

  let gu: Float64Array;
  if (r % 4 === 0) {
    gu = new Float64Array(buffer, at.gu, r * r).fill(0);
    k.gramAtA(at.up, out, r, at.gu);
  } else {
    gu = gramAtA(up, out, r);
  }
  const gdPadded = new Float64Array(buffer, at.gd, r4 * r4).fill(0);
  k.gramAAt(at.down, r4, inF, at.gd);
  const gd = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      let s = gdPadded[i * r4 + j]!;
      // The kernel pairs columns; an odd last column is added here.
      if (inF % 2 === 1) s += down[i * inF + inF - 1]! * down[j * inF + inF - 1]!;
      gd[i * r + j] = s;
    }
  }
  // NaN/Inf anywhere in a factor shows up on its Gram diagonal.
  for (let i = 0; i < r; i++) {
    if (!Number.isFinite(gu[i * r + i]!) || !Number.isFinite(gd[i * r + i]!)) return null;
  }
  return reduceByGram(
    {
      up,
      down: down.subarray(0, r * inF),
      gu,
      gd,
      alpha: module.alpha,
      rank: r,
      outFeatures: out,
      inFeatures: inF,
    },
    rule,
    {
      upTimes(x) {
        new Float64Array(buffer, at.x, r).set(x);
        k.rowsDot(at.up, out, r, at.x, at.y);
        return new Float64Array(buffer, at.y, out);
      },
      downTimes(x) {
        new Float64Array(buffer, at.x, r).set(x);
        const y = new Float64Array(buffer, at.y, inF).fill(0);
        k.rowsCombine(at.down, r, inF, at.x, at.y);
        return y;
      },
    },
  );
}

function decodeInto(
  k: SimdKernels,
  dtype: FloatDtype,
  src: number,
  bytes: number,
  dst: number,
  view: Float64Array,
): void {
  if (dtype === 'F64') {
    view.set(new Float64Array(k.memory.buffer.slice(src, src + bytes)));
    return;
  }
  k.decode(dtype, src, dst, bytes / dtypeSize(dtype));
}

function decodeFactors(module: StoredLowRankModule, up: Uint8Array, down: Uint8Array): LowRankFactors {
  return {
    up: decodeFloat32(up, module.upDtype),
    down: decodeFloat32(down, module.downDtype),
    alpha: module.alpha,
    rank: module.rank,
    outFeatures: module.outFeatures,
    inFeatures: module.inFeatures,
  };
}

/**
 * Largest min(out, in) whose dense ΔW is reduced (LoHa/LoKr): the QR fallback's SVD of the p×p core is
 * O(p³·sweeps) Jacobi — ≈0.1 s at 128, seconds at SDXL's 640 and up, where such modules are skipped.
 */
export const DENSE_REDUCE_LIMIT = 128;

/**
 * Reduces a dense ΔW (out×in row-major, scale included) by treating it as the low-rank pair
 * (ΔW, I) or (I, ΔW), whichever has the smaller inner dimension p = min(out, in): exact, O(out·in·p).
 */
export function reduceDense(delta: Float32Array, out: number, inF: number, rule: RankRule): ModuleReduction {
  const p = Math.min(out, inF);
  const identity = new Float32Array(p * p);
  for (let i = 0; i < p; i++) identity[i * p + i] = 1;
  const factors: LowRankFactors =
    inF <= out
      ? { up: delta, down: identity, alpha: null, rank: p, outFeatures: out, inFeatures: inF }
      : { up: identity, down: delta, alpha: null, rank: p, outFeatures: out, inFeatures: inF };
  return reduceLowRank(factors, rule);
}
