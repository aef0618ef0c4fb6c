import type { ColumnBlock, MemberMatrix } from './member-matrix';
import { addBlock, type ColumnStats } from './pca';
import type { SpaceLayout, SpaceModule } from './w2w.types';

/** Power iterations for a module's reference axis; the leading axis of LoRA collections is well separated. */
const ITERATIONS = 8;

export interface AlignedBlock extends ColumnBlock {
  readonly modules: readonly SpaceModule[];
}

/**
 * Signs of rank-1 pairs, aligned over a collection. A pair x = (u, v) means the same ΔW as −x, and
 * the per-LoRA rule (largest-|entry| of u positive, canonicalizeRank1) is unstable wherever u's two
 * largest entries are close: LoRAs a small edit apart then land on opposite signs, 2‖x‖ apart. So
 * within a space each module gets a reference axis r — the leading eigenvector of Σᵢ xᵢxᵢᵀ over the
 * members, which does not depend on their signs — and every pair is negated when x·r < 0. A LoRA
 * projected later is aligned with the same r (`alignToReference`). r's own sign makes its largest
 * |entry| in u positive.
 */
export async function alignSigns(
  matrix: MemberMatrix,
  blocks: readonly AlignedBlock[],
  stats: ColumnStats,
  signal?: AbortSignal,
  onProgress?: (done: number, total: number) => void,
): Promise<{ reference: Float32Array; flips: Uint8Array; moduleCount: number }> {
  const n = matrix.rows;
  const moduleCount = blocks.reduce((sum, b) => sum + b.modules.length, 0);
  const reference = new Float32Array(matrix.dimension);
  const flips = new Uint8Array(n * moduleCount);
  const raw = new Float32Array(n * Math.max(...blocks.map((b) => b.width)));
  let moduleIndex = 0;
  for (const [b, block] of blocks.entries()) {
    signal?.throwIfAborted();
    await matrix.readBlock(block, raw);
    for (const m of block.modules) {
      const at = m.offset - block.start;
      const size = m.out + m.in;
      const r = referenceAxis(raw, n, block.width, at, size, m.out);
      reference.set(r, m.offset);
      for (let i = 0; i < n; i++) {
        const row = i * block.width + at;
        let dot = 0;
        for (let j = 0; j < size; j++) dot += raw[row + j]! * r[j]!;
        if (dot < 0) {
          flips[i * moduleCount + moduleIndex] = 1;
          for (let j = 0; j < size; j++) raw[row + j] = -raw[row + j]!;
        }
      }
      moduleIndex++;
    }
    addBlock(stats, raw, n, block);
    onProgress?.(b + 1, blocks.length);
  }
  stats.count = n;
  return { reference, flips, moduleCount };
}

/** Negates, in a block just read, the pairs `alignSigns` flipped. */
export function applyFlips(
  raw: Float32Array,
  n: number,
  block: AlignedBlock,
  firstModule: number,
  flips: Uint8Array,
  moduleCount: number,
): void {
  block.modules.forEach((m, k) => {
    const at = m.offset - block.start;
    const size = m.out + m.in;
    for (let i = 0; i < n; i++) {
      if (flips[i * moduleCount + firstModule + k] !== 1) continue;
      const row = i * block.width + at;
      for (let j = 0; j < size; j++) raw[row + j] = -raw[row + j]!;
    }
  });
}

/** Aligns one LoRA vector in place with a space's reference axes. */
export function alignToReference(layout: SpaceLayout, reference: Float32Array, theta: Float32Array): void {
  for (const m of layout.modules) {
    const end = m.offset + m.out + m.in;
    let dot = 0;
    for (let p = m.offset; p < end; p++) dot += theta[p]! * reference[p]!;
    if (dot < 0) for (let p = m.offset; p < end; p++) theta[p] = -theta[p]!;
  }
}

function referenceAxis(
  raw: Float32Array,
  n: number,
  stride: number,
  at: number,
  size: number,
  out: number,
): Float64Array {
  // Start from the largest member: never orthogonal to the leading axis unless the data are degenerate.
  let start = 0;
  let best = -1;
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < size; j++) norm += raw[i * stride + at + j]! ** 2;
    if (norm > best) {
      best = norm;
      start = i;
    }
  }
  let r = new Float64Array(size);
  if (!(best > 0)) return r;
  for (let j = 0; j < size; j++) r[j] = raw[start * stride + at + j]!;
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      const row = i * stride + at;
      let dot = 0;
      for (let j = 0; j < size; j++) dot += raw[row + j]! * r[j]!;
      for (let j = 0; j < size; j++) next[j] = next[j]! + dot * raw[row + j]!;
    }
    let norm = 0;
    for (const x of next) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) break;
    for (let j = 0; j < size; j++) next[j] = next[j]! / norm;
    r = next;
  }
  let largest = 0;
  for (let j = 0; j < out; j++) if (Math.abs(r[j]!) > Math.abs(largest)) largest = r[j]!;
  if (largest < 0) for (let j = 0; j < size; j++) r[j] = -r[j]!;
  return r;
}
