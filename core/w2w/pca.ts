import { AtelierError } from '../api';
import { createSimdKernels, gramAAt, matmulTransA, symmetricEigen, type SimdKernels } from '../math';
import type { Standardize } from '../api';
import type { ColumnBlock, MemberMatrix } from './member-matrix';

/**
 * PCA of N member vectors of dimension D ≫ N by the Gram ("dual") method, streaming over column
 * blocks of the member matrix so nothing of size N·D is ever in memory:
 *   Z = (X − μ)/σ  (per-parameter z-score, or σ = 1 for centering only)
 *   G = Z·Zᵀ  (N×N, accumulated block by block)           — pass 1
 *   G = U·Λ·Uᵀ, singular values sₜ = √λₜ                   — eigen of an N×N matrix
 *   V = S⁻¹·Uᵀ·Z  (m×D components, written block by block)   — pass 2
 *   C = U·S  (N×m member coefficients: cᵢ = Vzᵢ)
 * The result equals the SVD of Z (same components up to sign; each component's sign is fixed so
 * that U's largest-magnitude entry in its column is positive). Cost: N²·D/2 + N·m·D multiply-adds.
 */

export interface ColumnStats {
  readonly sum: Float64Array;
  readonly sumSquares: Float64Array;
  count: number;
}

export function createColumnStats(dimension: number): ColumnStats {
  return { sum: new Float64Array(dimension), sumSquares: new Float64Array(dimension), count: 0 };
}

/** Adds a block just read (rows × block.width, row-major) to the column sums. */
export function addBlock(stats: ColumnStats, raw: Float32Array, rows: number, block: ColumnBlock): void {
  const { sum, sumSquares } = stats;
  for (let i = 0; i < rows; i++) {
    const row = i * block.width;
    for (let j = 0; j < block.width; j++) {
      const x = raw[row + j]!;
      const p = block.start + j;
      sum[p] = sum[p]! + x;
      sumSquares[p] = sumSquares[p]! + x * x;
    }
  }
}

/**
 * Mean and scale per parameter. The scale is the sample standard deviation for z-scores; a parameter
 * that does not vary (every member lacks the module, or has the same value) gets scale 1, so it
 * stays zero in every standardized vector instead of dividing by zero.
 */
export function standardization(
  stats: ColumnStats,
  mode: Standardize,
): { mean: Float32Array; scale: Float32Array } {
  const n = stats.count;
  const mean = new Float32Array(stats.sum.length);
  const scale = new Float32Array(stats.sum.length).fill(1);
  for (let p = 0; p < mean.length; p++) {
    const mu = stats.sum[p]! / n;
    mean[p] = mu;
    if (mode === 'zscore' && n > 1) {
      const variance = Math.max(0, (stats.sumSquares[p]! - n * mu * mu) / (n - 1));
      const sd = Math.sqrt(variance);
      // Below float32's resolution of the mean the "variation" is rounding noise.
      if (sd > 1e-6 * Math.abs(mu) && sd > 1e-30) scale[p] = sd;
    }
  }
  return { mean, scale };
}

export type PcaPhase = 'gram' | 'eigen' | 'components';

export interface PcaOptions {
  /** Components to keep; default min(N − 1, 1000). Fewer are kept when the data have lower rank. */
  readonly components?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (phase: PcaPhase, done: number, total: number) => void;
  /** Called on each block just read, before standardizing (the build negates aligned pairs here). */
  readonly prepare?: (raw: Float32Array, blockIndex: number) => void;
  /** Receives each block of the components, m × width row-major float32. */
  readonly writeComponents: (block: ColumnBlock, values: Float32Array, m: number) => Promise<void>;
}

export interface PcaResult {
  readonly m: number;
  readonly singularValues: Float64Array;
  /** N × m, row-major: member i's coefficients. */
  readonly coefficients: Float64Array;
  /** Share of the total variance the m components explain. */
  readonly explained: number;
  /** Cumulative share after 1, 2, … components (at most 200). */
  readonly cumulative: number[];
  /** ‖zᵢ − ẑᵢ‖/‖zᵢ‖ over members, from G: ‖zᵢ‖² − ‖cᵢ‖². */
  readonly reconstruction: { readonly mean: number; readonly max: number };
  readonly timings: Record<PcaPhase, number>;
}

const DEFAULT_MAX_COMPONENTS = 1000;

export async function principalComponents(
  matrix: MemberMatrix,
  mean: Float32Array,
  scale: Float32Array,
  options: PcaOptions,
): Promise<PcaResult> {
  const n = matrix.rows;
  if (n < 2) throw new AtelierError('INVALID_INPUT', 'A weight space needs at least two LoRAs.');
  const kernels = createSimdKernels();
  const blocks = matrix.blocks;
  const maxWidth = Math.max(...blocks.map((b) => b.width));
  const raw = new Float32Array(n * maxWidth);
  const timings: Record<PcaPhase, number> = { gram: 0, eigen: 0, components: 0 };
  const engine = kernels ? new SimdBlocks(kernels, n, maxWidth) : new ScalarBlocks(n, maxWidth);

  let started = performance.now();
  for (let b = 0; b < blocks.length; b++) {
    options.signal?.throwIfAborted();
    await matrix.readBlock(blocks[b]!, raw);
    options.prepare?.(raw, b);
    engine.load(raw, blocks[b]!, mean, scale);
    engine.addGram();
    options.onProgress?.('gram', b + 1, blocks.length);
  }
  const gram = engine.gram();
  timings.gram = performance.now() - started;

  started = performance.now();
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i]!;
  const wanted = Math.min(options.components ?? Math.min(n - 1, DEFAULT_MAX_COMPONENTS), n);
  const eigen = symmetricEigen(gram, n, (values) => {
    const floor = Math.max(values[0]! * n * 1e-12, 1e-300);
    let rank = 0;
    while (rank < values.length && values[rank]! > floor) rank++;
    return Math.max(1, Math.min(wanted, rank));
  });
  if (!eigen)
    throw new AtelierError('INTERNAL', 'The eigen-decomposition of the Gram matrix did not converge.');
  const m = eigen.vectors.length / n;
  const u = eigen.vectors;
  fixSigns(u, n, m);
  const singularValues = new Float64Array(m);
  for (let t = 0; t < m; t++) singularValues[t] = Math.sqrt(Math.max(0, eigen.values[t]!));
  const coefficients = new Float64Array(n * m);
  const basis = new Float64Array(n * m); // W = U·S⁻¹
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < m; t++) {
      coefficients[i * m + t] = u[i * m + t]! * singularValues[t]!;
      basis[i * m + t] = singularValues[t]! > 0 ? u[i * m + t]! / singularValues[t]! : 0;
    }
  }
  options.onProgress?.('eigen', 1, 1);
  timings.eigen = performance.now() - started;

  started = performance.now();
  engine.setBasis(basis, m);
  const out = new Float32Array(m * maxWidth);
  for (let b = 0; b < blocks.length; b++) {
    options.signal?.throwIfAborted();
    const block = blocks[b]!;
    await matrix.readBlock(block, raw);
    options.prepare?.(raw, b);
    engine.load(raw, block, mean, scale);
    engine.components(out, block.width);
    await options.writeComponents(block, out.subarray(0, m * block.width), m);
    options.onProgress?.('components', b + 1, blocks.length);
  }
  timings.components = performance.now() - started;

  let kept = 0;
  const cumulative: number[] = [];
  for (let t = 0; t < m; t++) {
    kept += eigen.values[t]!;
    if (t < 200) cumulative.push(trace > 0 ? kept / trace : 0);
  }
  let sumError = 0;
  let maxError = 0;
  for (let i = 0; i < n; i++) {
    const total = gram[i * n + i]!;
    let captured = 0;
    for (let t = 0; t < m; t++) captured += coefficients[i * m + t]! ** 2;
    const error = total > 0 ? Math.sqrt(Math.max(0, total - captured) / total) : 0;
    sumError += error;
    maxError = Math.max(maxError, error);
  }
  return {
    m,
    singularValues,
    coefficients,
    explained: trace > 0 ? kept / trace : 0,
    cumulative,
    reconstruction: { mean: sumError / n, max: maxError },
    timings,
  };
}

/** Eigenvectors have no sign of their own: make each column's largest-magnitude entry positive. */
function fixSigns(u: Float64Array, n: number, m: number): void {
  for (let t = 0; t < m; t++) {
    let best = 0;
    for (let i = 0; i < n; i++) if (Math.abs(u[i * m + t]!) > Math.abs(best)) best = u[i * m + t]!;
    if (best < 0) for (let i = 0; i < n; i++) u[i * m + t] = -u[i * m + t]!;
  }
}

/** The two passes' arithmetic on one standardized block: Gram accumulation and components. */
interface BlockEngine {
  load(raw: Float32Array, block: ColumnBlock, mean: Float32Array, scale: Float32Array): void;
  addGram(): void;
  gram(): Float64Array;
  setBasis(basis: Float64Array, m: number): void;
  components(out: Float32Array, width: number): void;
}

/**
 * WebAssembly SIMD: the block is standardized into kernel memory as float64 (rows padded to a
 * multiple of 4, columns to an even count, as gramAAt wants), G accumulates there, and the components
 * come from gemmAtB.
 */
class SimdBlocks implements BlockEngine {
  private readonly rowsPadded: number;
  private readonly stride: number;
  private width = 0;
  private m = 0;
  private readonly zAt = 0;
  private readonly gAt: number;
  private basisAt = 0;
  private outAt = 0;

  constructor(
    private readonly kernels: SimdKernels,
    private readonly n: number,
    maxWidth: number,
  ) {
    this.rowsPadded = Math.ceil(n / 4) * 4;
    this.stride = maxWidth + (maxWidth % 2);
    this.gAt = this.rowsPadded * this.stride * 8;
    kernels.reserve(this.gAt + this.rowsPadded * this.rowsPadded * 8 + 64);
    new Float64Array(kernels.memory.buffer, 0, this.gAt / 8 + this.rowsPadded ** 2).fill(0);
  }

  load(raw: Float32Array, block: ColumnBlock, mean: Float32Array, scale: Float32Array): void {
    const w = block.width;
    const stride = w + (w % 2);
    this.width = stride;
    const z = new Float64Array(this.kernels.memory.buffer, this.zAt, this.rowsPadded * stride);
    for (let i = 0; i < this.n; i++) {
      const from = i * w;
      const to = i * stride;
      for (let j = 0; j < w; j++) {
        const p = block.start + j;
        z[to + j] = (raw[from + j]! - mean[p]!) / scale[p]!;
      }
      if (stride !== w) z[to + w] = 0;
    }
    z.fill(0, this.n * stride);
  }

  addGram(): void {
    this.kernels.gramAAt(this.zAt, this.rowsPadded, this.width, this.gAt);
  }

  gram(): Float64Array {
    const np = this.rowsPadded;
    const g = new Float64Array(this.kernels.memory.buffer, this.gAt, np * np);
    const n = this.n;
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const x = g[i * np + j]!;
        out[i * n + j] = x;
        out[j * n + i] = x;
      }
    }
    return out;
  }

  setBasis(basis: Float64Array, m: number): void {
    this.m = m;
    this.basisAt = this.gAt; // G has been copied out and is no longer needed.
    this.outAt = this.basisAt + this.n * m * 8;
    this.kernels.reserve(this.outAt + m * this.stride * 8 + 64);
    new Float64Array(this.kernels.memory.buffer, this.basisAt, this.n * m).set(basis);
  }

  components(out: Float32Array, width: number): void {
    const { n, m } = this;
    new Float64Array(this.kernels.memory.buffer, this.outAt, m * this.width).fill(0);
    this.kernels.gemmAtB(this.basisAt, n, m, this.zAt, this.width, this.outAt);
    const v = new Float64Array(this.kernels.memory.buffer, this.outAt, m * this.width);
    for (let t = 0; t < m; t++) {
      for (let j = 0; j < width; j++) out[t * width + j] = v[t * this.width + j]!;
    }
  }
}

/** Plain JavaScript, for runtimes without WebAssembly SIMD. */
class ScalarBlocks implements BlockEngine {
  private z: Float64Array;
  private width = 0;
  private readonly g: Float64Array;
  private basis: Float64Array | null = null;
  private m = 0;

  constructor(
    private readonly n: number,
    maxWidth: number,
  ) {
    this.z = new Float64Array(n * maxWidth);
    this.g = new Float64Array(n * n);
  }

  load(raw: Float32Array, block: ColumnBlock, mean: Float32Array, scale: Float32Array): void {
    const w = block.width;
    this.width = w;
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < w; j++) {
        const p = block.start + j;
        this.z[i * w + j] = (raw[i * w + j]! - mean[p]!) / scale[p]!;
      }
    }
  }

  addGram(): void {
    const g = gramAAt(this.z.subarray(0, this.n * this.width), this.n, this.width);
    for (let i = 0; i < g.length; i++) this.g[i] = this.g[i]! + g[i]!;
  }

  gram(): Float64Array {
    return this.g;
  }

  setBasis(basis: Float64Array, m: number): void {
    this.basis = basis;
    this.m = m;
  }

  components(out: Float32Array, width: number): void {
    const v = matmulTransA(this.basis!, this.z.subarray(0, this.n * width), this.n, this.m, width);
    for (let i = 0; i < this.m * width; i++) out[i] = v[i]!;
  }
}
