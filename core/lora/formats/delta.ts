import type { DenseOnlyModule, LowRankModule, TensorRef } from '../lora.types';

/** Reads a tensor's values as float32, row-major in its stored shape. */
export type TensorLoader = (ref: TensorRef) => Promise<Float32Array>;

/**
 * Row-major product A (m×k) · B (k×n). Local and naive on purpose: dense ΔWs are only formed for
 * LyCORIS modules and tests; bulk numerics belong to core/math.
 */
function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      if (av === 0) continue;
      const brow = p * n;
      for (let j = 0; j < n; j++) out[row + j]! += av * b[brow + j]!;
    }
  }
  return out;
}

/**
 * LyCORIS Tucker rebuild: einsum('i j k l, j r, i p -> p r k l', t, b, a) with t (r1×r2×kh×kw),
 * a (r1×out), b (r2×in). Returns out × (in·kh·kw), row-major like the conv weight it stands for.
 */
function tuckerRebuild(
  t: Float32Array,
  a: Float32Array,
  b: Float32Array,
  tShape: readonly number[],
  out: number,
  inDim: number,
): Float32Array {
  const [r1, r2, kh, kw] = tShape as [number, number, number, number];
  const kk = kh * kw;
  // tb[i, r, k] = Σ_j t[i, j, k] · b[j, r]
  const tb = new Float32Array(r1 * inDim * kk);
  for (let i = 0; i < r1; i++) {
    for (let j = 0; j < r2; j++) {
      for (let r = 0; r < inDim; r++) {
        const bv = b[j * inDim + r]!;
        if (bv === 0) continue;
        const dst = (i * inDim + r) * kk;
        const src = (i * r2 + j) * kk;
        for (let k = 0; k < kk; k++) tb[dst + k]! += t[src + k]! * bv;
      }
    }
  }
  // result[p, (r, k)] = Σ_i a[i, p] · tb[i, (r, k)]
  const width = inDim * kk;
  const result = new Float32Array(out * width);
  for (let i = 0; i < r1; i++) {
    for (let p = 0; p < out; p++) {
      const av = a[i * out + p]!;
      if (av === 0) continue;
      const dst = p * width;
      const src = i * width;
      for (let q = 0; q < width; q++) result[dst + q]! += av * tb[src + q]!;
    }
  }
  return result;
}

/** Kronecker product of A (m×n) and B (p×q): (m·p)×(n·q). */
function kron(a: Float32Array, b: Float32Array, m: number, n: number, p: number, q: number): Float32Array {
  const cols = n * q;
  const out = new Float32Array(m * p * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const av = a[i * n + j]!;
      for (let r = 0; r < p; r++) {
        const dst = (i * p + r) * cols + j * q;
        const src = r * q;
        for (let s = 0; s < q; s++) out[dst + s] = av * b[src + s]!;
      }
    }
  }
  return out;
}

function tensor(module: DenseOnlyModule, role: string): TensorRef | undefined {
  return module.tensors[role];
}

async function pair(
  module: DenseOnlyModule,
  load: TensorLoader,
  aRole: string,
  bRole: string,
  tRole: string | undefined,
): Promise<{ values: Float32Array; rows: number; cols: number; rank: number }> {
  const aRef = tensor(module, aRole)!;
  const bRef = tensor(module, bRole)!;
  const tRef = tRole === undefined ? undefined : tensor(module, tRole);
  const [a, b] = await Promise.all([load(aRef), load(bRef)]);
  const rank = bRef.shape[0]!;
  if (tRef === undefined) {
    const rows = aRef.shape[0]!;
    const cols = bRef.shape[1]!;
    return { values: matmul(a, b, rows, rank, cols), rows, cols, rank };
  }
  const t = await load(tRef);
  const rows = aRef.shape[1]!;
  const inDim = bRef.shape[1]!;
  return {
    values: tuckerRebuild(t, a, b, tRef.shape, rows, inDim),
    rows,
    cols: inDim * tRef.shape[2]! * tRef.shape[3]!,
    rank,
  };
}

async function lokrFactor(module: DenseOnlyModule, load: TensorLoader, which: 1 | 2) {
  const full = tensor(module, `lokr_w${which}`);
  if (full !== undefined) {
    const rows = full.shape[0]!;
    return {
      values: await load(full),
      rows,
      cols: full.shape.slice(1).reduce((a, b) => a * b, 1),
      rank: null,
    };
  }
  return pair(module, load, `lokr_w${which}_a`, `lokr_w${which}_b`, which === 2 ? 'lokr_t2' : undefined);
}

/**
 * ΔW of a LyCORIS module, out × inFeatures row-major, scale included. Scales follow ComfyUI:
 * LoHa alpha / rank; LoKr alpha / rank of its low-rank factor, or 1 when both factors are full.
 */
export async function denseDelta(module: DenseOnlyModule, load: TensorLoader): Promise<Float32Array> {
  if (module.type === 'loha') {
    const [first, second] = await Promise.all([
      pair(module, load, 'hada_w1_a', 'hada_w1_b', 'hada_t1' in module.tensors ? 'hada_t1' : undefined),
      pair(module, load, 'hada_w2_a', 'hada_w2_b', 'hada_t2' in module.tensors ? 'hada_t2' : undefined),
    ]);
    const scale = module.alpha === null ? 1 : module.alpha / first.rank;
    const out = first.values;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * second.values[i]! * scale;
    return out;
  }
  const w1 = await lokrFactor(module, load, 1);
  const w2 = await lokrFactor(module, load, 2);
  const rank = w2.rank ?? w1.rank;
  const scale = module.alpha === null || rank === null ? 1 : module.alpha / rank;
  const out = kron(w1.values, w2.values, w1.rows, w1.cols, w2.rows, w2.cols);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  return out;
}

/** ΔW = up·down·(alpha/rank) of a low-rank module, out × inFeatures row-major. */
export async function lowRankDelta(module: LowRankModule, load: TensorLoader): Promise<Float32Array> {
  const [up, down] = await Promise.all([load(module.up), load(module.down)]);
  const scale = module.alpha === null ? 1 : module.alpha / module.rank;
  const out = matmul(up, down, module.outFeatures, module.rank, module.inFeatures);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  return out;
}
