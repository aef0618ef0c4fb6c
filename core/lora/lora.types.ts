/**
 * The normalized LoRA model every format is read into. Module keys are canonical (kohya-style, without
 * the `.lora_down.weight` suffix), e.g. `lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_v`.
 */

export type LoraFormat = 'kohya' | 'peft' | 'loha' | 'lokr' | 'mixed' | 'unknown';

export type BaseModel = 'sd15' | 'sd2' | 'sdxl' | 'sd3' | 'flux' | 'unknown';

/** Which network a module patches. */
export type ModuleTarget = 'unet' | 'te1' | 'te2' | 'te' | 'transformer';

/**
 * What a module is, for layer filters (`attn_v`, `attn`, `ff`, `ff+attn_v`) and reports.
 * `attn1_*` self-attention, `attn2_*` cross-attention, `ff_in` = ff.net.0.proj, `ff_out` = ff.net.2,
 * `te_attn_*` and `te_mlp_*` the text encoders' layers, `conv` any convolution (resnets, samplers).
 */
export type ModuleKind =
  | 'attn1_q' | 'attn1_k' | 'attn1_v' | 'attn1_out'
  | 'attn2_q' | 'attn2_k' | 'attn2_v' | 'attn2_out'
  | 'ff_in' | 'ff_out' | 'proj_in' | 'proj_out'
  | 'te_attn_q' | 'te_attn_k' | 'te_attn_v' | 'te_attn_out' | 'te_mlp_fc1' | 'te_mlp_fc2'
  | 'conv' | 'other';

export type LayerSet = 'all' | 'attn' | 'attn_v' | 'ff' | 'ff+attn_v';

/** Where a tensor lives in its file; bytes are read only when asked. */
export interface TensorRef {
  readonly name: string;
  readonly dtype: 'F16' | 'BF16' | 'F32' | 'F64';
  readonly shape: readonly number[];
}

/** One low-rank module: ΔW = up·down·(alpha/rank) with up (out×r) and down (r×in[×kh×kw]). */
export interface LowRankModule {
  readonly key: string;
  readonly target: ModuleTarget;
  readonly kind: ModuleKind;
  readonly type: 'lora';
  readonly up: TensorRef;
  readonly down: TensorRef;
  /** Null when the file has no alpha tensor: the scale is then 1 (alpha = rank). */
  readonly alpha: number | null;
  readonly rank: number;
  readonly outFeatures: number;
  /** in × kh × kw for convolutions. */
  readonly inFeatures: number;
  /** [kh, kw] for convolutions, null for linear layers. */
  readonly kernel: readonly [number, number] | null;
  /** DoRA magnitude vector, reported but not applied. */
  readonly doraScale: TensorRef | null;
}

/** LyCORIS modules that are only available as a dense ΔW on demand. */
export interface DenseOnlyModule {
  readonly key: string;
  readonly target: ModuleTarget;
  readonly kind: ModuleKind;
  readonly type: 'loha' | 'lokr';
  readonly tensors: Readonly<Record<string, TensorRef>>;
  readonly alpha: number | null;
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly kernel: readonly [number, number] | null;
}

export type LoraModule = LowRankModule | DenseOnlyModule;
