import type { ModuleKind, ModuleTarget } from '../lora.types';
import { memoizeByName } from './key-memo';

const NAMED_KINDS: readonly [RegExp, ModuleKind][] = [
  [/attn1_to_q$/, 'attn1_q'],
  [/attn1_to_k$/, 'attn1_k'],
  [/attn1_to_v$/, 'attn1_v'],
  [/attn1_to_out(_0)?$/, 'attn1_out'],
  [/attn2_to_q$/, 'attn2_q'],
  [/attn2_to_k$/, 'attn2_k'],
  [/attn2_to_v$/, 'attn2_v'],
  [/attn2_to_out(_0)?$/, 'attn2_out'],
  [/ff_net_0_proj$/, 'ff_in'],
  [/ff_net_2$/, 'ff_out'],
  [/_proj_in$/, 'proj_in'],
  [/_proj_out$/, 'proj_out'],
  [/self_attn_q_proj$/, 'te_attn_q'],
  [/self_attn_k_proj$/, 'te_attn_k'],
  [/self_attn_v_proj$/, 'te_attn_v'],
  [/self_attn_out_proj$/, 'te_attn_out'],
  [/mlp_fc1$/, 'te_mlp_fc1'],
  [/mlp_fc2$/, 'te_mlp_fc2'],
];

/** Convolution layers by name, for LyCORIS modules whose stored factors hide the kernel. */
const CONV_NAME =
  /(_conv\d?|_conv_shortcut|_skip_connection|_in_layers_2|_out_layers_3|_op|_conv_in|_conv_out|input_blocks_0_0|_out_2)$/;

/**
 * A module's kind from its canonical key. Names win over shapes: SD1.5's proj_in is a 1×1
 * convolution but filters treat it as proj_in like SDXL's linear one.
 */
export function classifyModule(key: string, kernel: readonly [number, number] | null): ModuleKind {
  const byName = kindByName(key);
  if (byName !== null) return byName;
  return kernel !== null ? 'conv' : 'other';
}

const kindByName = memoizeByName((key: string): ModuleKind | null => {
  for (const [pattern, kind] of NAMED_KINDS) if (pattern.test(key)) return kind;
  return CONV_NAME.test(key) ? 'conv' : null;
});

const TARGET_PREFIXES: readonly [string, ModuleTarget][] = [
  ['lora_unet_', 'unet'],
  ['lora_te1_', 'te1'],
  ['lora_te2_', 'te2'],
  ['lora_te_', 'te'],
  ['lora_transformer_', 'transformer'],
];

/** Splits a canonical key into its target and the module path after the prefix. */
export function splitCanonicalKey(key: string): { target: ModuleTarget; path: string } | null {
  for (const [prefix, target] of TARGET_PREFIXES) {
    if (key.startsWith(prefix) && key.length > prefix.length)
      return { target, path: key.slice(prefix.length) };
  }
  return null;
}

export function canonicalKey(target: ModuleTarget, modulePath: string): string {
  return `lora_${target}_${modulePath}`;
}
