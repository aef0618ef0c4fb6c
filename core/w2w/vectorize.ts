import { AtelierError } from '../api';
import {
  canonicalizeRank1,
  decodeFloat32,
  isFloatDtype,
  type SafetensorsReader,
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
    const wanted = modules.filter((m) => !options.include || options.include(m));
    const tensors = await readTensors(
      reader,
      wanted.flatMap((m) => [m.up.name, m.down.name]),
    );
    for (const module of wanted) {
      options.signal?.throwIfAborted();
      const up = tensors(module.up.name);
      const down = tensors(module.down.name);
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

/** Below this a file's tensors are read in one go; bigger spans tensor by tensor. */
const ONE_READ_BYTES = 1024 * 2 ** 20;

/**
 * The named tensors as float32. One read of the span that holds them all when it is at most
 * ONE_READ_BYTES (a 7 MB rank-1 SDXL LoRA: one read instead of ~2,000), else one read per tensor.
 */
async function readTensors(
  reader: SafetensorsReader,
  names: readonly string[],
): Promise<(name: string) => Float32Array> {
  if (names.length === 0) return () => new Float32Array(0);
  const infos = names.map((name) => reader.tensor(name));
  const begin = Math.min(...infos.map((t) => t.begin));
  const end = Math.max(...infos.map((t) => t.end));
  if (end - begin > ONE_READ_BYTES) {
    const read = new Map<string, Float32Array>();
    for (const name of names) read.set(name, await reader.readFloat32(name));
    return (name) => read.get(name)!;
  }
  const span = new Uint8Array(end - begin);
  await reader.readData(begin, span);
  return (name) => {
    const info = reader.tensor(name);
    if (!isFloatDtype(info.dtype)) {
      throw new AtelierError(
        'INVALID_LORA_FILE',
        `${reader.path}: tensor “${name}” is ${info.dtype}, which Atelier cannot use as weights.`,
        { reason: 'undecodable_dtype', tensor: name },
      );
    }
    return decodeFloat32(span.subarray(info.begin - begin, info.end - begin), info.dtype);
  };
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
    if (scale !== 1) for (let i = 0; i < up.length; i++) up[i] = up[i]! * scale;
    return { u: up, v: down };
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
