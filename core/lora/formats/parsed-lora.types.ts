import type { LoraFormat, LoraModule } from '../lora.types';

/** A module-level defect: the file reads, but this module cannot be used as it is. */
export type LoraProblemKind =
  | 'nan'
  | 'inf'
  | 'rank_mismatch'
  | 'missing_down'
  | 'missing_up'
  | 'missing_factor'
  | 'bad_shape'
  | 'bad_alpha'
  | 'undecodable_dtype'
  | 'duplicate_module'
  | 'unsupported_layout';

export interface LoraProblem {
  /** Canonical module key, or the tensor name when no module could be formed. */
  readonly module: string;
  readonly kind: LoraProblemKind;
  readonly message: string;
}

export interface ParsedLora {
  readonly format: LoraFormat;
  /** Usable modules only; a module with a structural problem is in `problems` instead. */
  readonly modules: LoraModule[];
  /** Tensor names no known layout claimed, kept so nothing is dropped silently. */
  readonly unmatchedKeys: string[];
  readonly problems: LoraProblem[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Modules carrying a DoRA magnitude (`dora_scale`), which reductions report but do not apply. */
  readonly doraModules: number;
}
