import { memoizeByName } from './key-memo';

/** What a tensor is within its module. */
export type TensorRole =
  | 'down'
  | 'up'
  | 'alpha'
  | 'dora'
  | 'mid'
  | 'hada_w1_a'
  | 'hada_w1_b'
  | 'hada_w2_a'
  | 'hada_w2_b'
  | 'hada_t1'
  | 'hada_t2'
  | 'lokr_w1'
  | 'lokr_w1_a'
  | 'lokr_w1_b'
  | 'lokr_w2'
  | 'lokr_w2_a'
  | 'lokr_w2_b'
  | 'lokr_t2';

export type KeyNaming = 'kohya' | 'peft';

/** The network a key names before SDXL is known: diffusers' `text_encoder` is te1 on SDXL, te elsewhere. */
export type KeyNetwork = 'unet' | 'te' | 'te1' | 'te2' | 'text_encoder' | 'transformer';

export interface KeyParts {
  readonly name: string;
  readonly naming: KeyNaming;
  readonly network: KeyNetwork;
  /** Module path, underscore-joined, without network prefix or role suffix. */
  readonly path: string;
  readonly role: TensorRole;
}

const LYCORIS_ROLES: readonly TensorRole[] = [
  'hada_w1_a',
  'hada_w1_b',
  'hada_w2_a',
  'hada_w2_b',
  'hada_t1',
  'hada_t2',
  'lokr_w1_a',
  'lokr_w1_b',
  'lokr_w1',
  'lokr_w2_a',
  'lokr_w2_b',
  'lokr_w2',
  'lokr_t2',
];

/** Suffix → role; kohya/LyCORIS and PEFT/diffusers spellings of the same roles. */
const ROLE_SUFFIXES: readonly [string, TensorRole][] = [
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.lora_mid.weight', 'mid'],
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora_linear_layer.down.weight', 'down'],
  ['.lora_linear_layer.up.weight', 'up'],
  ['.lora.down.weight', 'down'],
  ['.lora.up.weight', 'up'],
  ['.lora_magnitude_vector.weight', 'dora'],
  ['.lora_magnitude_vector', 'dora'],
  ['.dora_scale', 'dora'],
  ['.alpha', 'alpha'],
  ...LYCORIS_ROLES.map((role): [string, TensorRole] => [`.${role}`, role]),
];

const KOHYA_PREFIXES: readonly [string, KeyNetwork][] = [
  ['lora_unet_', 'unet'],
  ['lora_te1_', 'te1'],
  ['lora_te2_', 'te2'],
  ['lora_te_', 'te'],
  ['lora_transformer_', 'transformer'],
];

const PEFT_PREFIXES: readonly [string, KeyNetwork][] = [
  ['unet.', 'unet'],
  ['base_model.model.', 'unet'],
  ['text_encoder_2.', 'te2'],
  ['text_encoder.', 'text_encoder'],
  ['transformer.', 'transformer'],
];

/** diffusers files written without a `unet.` prefix still start with a UNet block name. */
const BARE_UNET = /^(down_blocks|mid_block|up_blocks|conv_in|conv_out|time_embedding|add_embedding)\./;

/** The old diffusers attention-processor spelling: `attn1.processor.to_q_lora.down.weight`. */
const PROCESSOR = /\.processor\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/;

function splitRole(name: string): { base: string; role: TensorRole } | null {
  const processor = PROCESSOR.exec(name);
  if (processor !== null) {
    const layer = processor[1] === 'to_out' ? 'to_out.0' : processor[1]!;
    return {
      base: `${name.slice(0, processor.index)}.${layer}`,
      role: processor[2] === 'down' ? 'down' : 'up',
    };
  }
  for (const [suffix, role] of ROLE_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length)
      return { base: name.slice(0, -suffix.length), role };
  }
  return null;
}

function parseUncached(name: string): KeyParts | null {
  const split = splitRole(name);
  if (split === null) return null;
  const { base, role } = split;
  for (const [prefix, network] of KOHYA_PREFIXES) {
    if (base.startsWith(prefix) && !base.includes('.') && base.length > prefix.length) {
      return { name, naming: 'kohya', network, path: base.slice(prefix.length), role };
    }
  }
  for (const [prefix, network] of PEFT_PREFIXES) {
    if (base.startsWith(prefix) && base.length > prefix.length) {
      return { name, naming: 'peft', network, path: base.slice(prefix.length).replaceAll('.', '_'), role };
    }
  }
  if (BARE_UNET.test(base))
    return { name, naming: 'peft', network: 'unet', path: base.replaceAll('.', '_'), role };
  return null;
}

const parseCached = memoizeByName(parseUncached);

/** Parses one tensor name; null when it follows no known LoRA layout. The result is shared: do not change it. */
export function parseLoraKey(name: string): KeyParts | null {
  return parseCached(name);
}
