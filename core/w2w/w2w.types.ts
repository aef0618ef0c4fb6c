import type { ModuleKind, ModuleTarget } from '../lora';

/**
 * One module of a weight space. A LoRA's vector holds, per module in layout order, the canonical
 * rank-1 factors: u (out values) at `offset`, then v (in values; in·kh·kw for convolutions).
 */
export interface SpaceModule {
  readonly key: string;
  readonly target: ModuleTarget;
  readonly kind: ModuleKind;
  readonly out: number;
  readonly in: number;
  /** [kh, kw] of a convolution, null for a linear layer. */
  readonly kernel: readonly [number, number] | null;
  readonly offset: number;
}

export interface SpaceLayout {
  readonly modules: readonly SpaceModule[];
  /** Σ (out + in): the length of a LoRA's vector. */
  readonly dimension: number;
}

/** A module's canonical rank-1 factors: ΔW = u·vᵀ, ‖u‖ = ‖v‖, largest-|x| entry of u positive. */
export interface Rank1Pair {
  readonly u: Float32Array;
  readonly v: Float32Array;
}
