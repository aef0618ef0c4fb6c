import { AtelierError } from '../api';
import {
  canonicalizeRank1,
  detectBaseModel,
  openLora,
  reduceLowRank,
  type BaseModel,
  type LowRankModule,
} from '../lora';
import type { Rank1Pair, SpaceLayout } from './w2w.types';

/** A LoRA read as canonical rank-1 factor pairs, one per low-rank module. */
export interface LoraRank1 {
  readonly path: string;
  readonly baseModel: BaseModel;
  readonly metadata: Readonly<Record<string, string>>;
  readonly modules: readonly LowRankModule[];
  readonly pairs: ReadonlyMap<string, Rank1Pair>;
  /** Modules that could not be used (LoHa/LoKr, non-finite values), with the reason. */
  readonly skipped: readonly { key: string; reason: string }[];
}

export interface ReadRank1Options {
  /** Which modules to read (default all). */
  readonly include?: (module: LowRankModule) => boolean;
  /**
   * Put every pair in canonical form (default). Off only to show what canonicalization is for: a
   * rank-1 module then keeps its file's sign and split, which independent training leaves arbitrary.
   */
  readonly canonical?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Reads a LoRA's modules as rank-1 pairs. A rank-1 module is taken as stored, its scale alpha/rank
 * folded into u; a higher-rank module is reduced to its best rank-1 approximation by the LoRA engine's
 * exact SVD (reduceLowRank, no dense ΔW). Then each pair is made canonical (canonicalizeRank1: the
 * scale split evenly, ‖u‖ = ‖v‖, and the sign that makes u's largest-magnitude entry positive), so
 * two LoRAs that differ only by (u, v) → (−u, −v) or (c·u, v/c) get the same vector.
 */
export async function readRank1(filePath: string, options: ReadRank1Options = {}): Promise<LoraRank1> {
  const lora = await openLora(filePath, { strict: false });
  try {
    const { parsed, reader } = lora;
    const modules = parsed.modules.filter((m): m is LowRankModule => m.type === 'lora');
    const skipped = parsed.modules
      .filter((m) => m.type !== 'lora')
      .map((m) => ({ key: m.key, reason: `${m.type} modules have no low-rank factors to read` }));
    const pairs = new Map<string, Rank1Pair>();
    const canonical = options.canonical ?? true;
    for (const module of modules) {
      if (options.include && !options.include(module)) continue;
      options.signal?.throwIfAborted();
      const [up, down] = await Promise.all([
        reader.readFloat32(module.up.name),
        reader.readFloat32(module.down.name),
      ]);
      const pair = rank1Of(module, up, down);
      if ('reason' in pair) {
        skipped.push({ key: module.key, reason: pair.reason });
        continue;
      }
      pairs.set(module.key, canonical ? canonicalizeRank1(pair.u, pair.v) : pair);
    }
    return {
      path: filePath,
      baseModel: detectBaseModel(parsed.modules, parsed.metadata).baseModel,
      metadata: parsed.metadata,
      modules,
      pairs,
      skipped,
    };
  } finally {
    await lora.close();
  }
}

function rank1Of(
  module: LowRankModule,
  up: Float32Array,
  down: Float32Array,
): Rank1Pair | { reason: string } {
  const { rank, alpha, outFeatures: out, inFeatures: inF } = module;
  if (rank === 1) {
    const scale = alpha === null ? 1 : alpha;
    if (!Number.isFinite(scale)) return { reason: `alpha is ${alpha}` };
    for (const x of up) if (!Number.isFinite(x)) return { reason: 'lora_up holds NaN or Inf' };
    for (const x of down) if (!Number.isFinite(x)) return { reason: 'lora_down holds NaN or Inf' };
    return { u: scale === 1 ? up : up.map((x) => x * scale), v: down };
  }
  const reduced = reduceLowRank(
    { up, down, alpha, rank, outFeatures: out, inFeatures: inF },
    { kind: 'fixed', rank: 1 },
  );
  if (!reduced.ok) return { reason: reduced.problem.message };
  return { u: reduced.factors.up, v: reduced.factors.down };
}

/** The vector of a LoRA in a layout: each module's u then v; zeros where the LoRA lacks the module. */
export function flatten(layout: SpaceLayout, pairs: ReadonlyMap<string, Rank1Pair>): Float32Array {
  const vector = new Float32Array(layout.dimension);
  for (const m of layout.modules) {
    const pair = pairs.get(m.key);
    if (!pair) continue;
    if (pair.u.length !== m.out || pair.v.length !== m.in) {
      throw new AtelierError(
        'INVALID_INPUT',
        `Module ${m.key} is ${pair.u.length}×${pair.v.length} here but ${m.out}×${m.in} in the space: a LoRA of another base model?`,
      );
    }
    vector.set(pair.u, m.offset);
    vector.set(pair.v, m.offset + m.out);
  }
  return vector;
}

/** The pairs of a vector, as views into it (no copy). */
export function unflatten(layout: SpaceLayout, vector: Float32Array): Map<string, Rank1Pair> {
  const pairs = new Map<string, Rank1Pair>();
  for (const m of layout.modules) {
    pairs.set(m.key, {
      u: vector.subarray(m.offset, m.offset + m.out),
      v: vector.subarray(m.offset + m.out, m.offset + m.out + m.in),
    });
  }
  return pairs;
}
