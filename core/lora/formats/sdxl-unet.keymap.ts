/**
 * SDXL's UNet has two naming schemes: diffusers (`down_blocks.1.attentions.0…`) and the original
 * ldm one (`input_blocks.4.1…`) that kohya, ComfyUI and A1111 use for SDXL LoRAs. This maps the
 * first onto the second. Paths are underscore-joined (kohya style) on both sides.
 *
 * SDXL has three levels with two layers per down block and three per up block: down block i,
 * layer j → input_blocks.(3i+j+1); its downsampler → input_blocks.(3i+3).0.op; up block i, layer j
 * → output_blocks.(3i+j); resnets sit at sub-index 0, attentions at 1, an upsampler after them.
 */

import { memoizeByName } from './key-memo';

const RESNET_PARTS: Readonly<Record<string, string>> = {
  norm1: 'in_layers_0',
  conv1: 'in_layers_2',
  time_emb_proj: 'emb_layers_1',
  norm2: 'out_layers_0',
  conv2: 'out_layers_3',
  conv_shortcut: 'skip_connection',
};

const TOP_LEVEL: Readonly<Record<string, string>> = {
  conv_in: 'input_blocks_0_0',
  time_embedding_linear_1: 'time_embed_0',
  time_embedding_linear_2: 'time_embed_2',
  add_embedding_linear_1: 'label_emb_0_0',
  add_embedding_linear_2: 'label_emb_0_2',
  conv_norm_out: 'out_0',
  conv_out: 'out_2',
};

/** Levels whose up block has attentions, so the upsampler comes third (`.2.conv`), not second. */
const UP_LEVELS_WITH_ATTENTION = new Set([0, 1]);

function resnet(prefix: string, rest: string): string | null {
  const part = RESNET_PARTS[rest];
  return part === undefined ? null : `${prefix}_${part}`;
}

/** The ldm path of a diffusers SDXL UNet path, or null when it is not a diffusers path this knows. */
export function sdxlDiffusersToLdm(diffusersPath: string): string | null {
  return toLdmCached(diffusersPath);
}

function toLdm(diffusersPath: string): string | null {
  const top = TOP_LEVEL[diffusersPath];
  if (top !== undefined) return top;

  let m = /^down_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)$/.exec(diffusersPath);
  if (m !== null) {
    const index = 3 * Number(m[1]) + Number(m[3]) + 1;
    return m[2] === 'attentions'
      ? `input_blocks_${index}_1_${m[4]}`
      : resnet(`input_blocks_${index}_0`, m[4]!);
  }
  m = /^down_blocks_(\d+)_downsamplers_0_conv$/.exec(diffusersPath);
  if (m !== null) return `input_blocks_${3 * Number(m[1]) + 3}_0_op`;

  m = /^mid_block_attentions_0_(.+)$/.exec(diffusersPath);
  if (m !== null) return `middle_block_1_${m[1]}`;
  m = /^mid_block_resnets_([01])_(.+)$/.exec(diffusersPath);
  if (m !== null) return resnet(`middle_block_${2 * Number(m[1])}`, m[2]!);

  m = /^up_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)$/.exec(diffusersPath);
  if (m !== null) {
    const index = 3 * Number(m[1]) + Number(m[3]);
    return m[2] === 'attentions'
      ? `output_blocks_${index}_1_${m[4]}`
      : resnet(`output_blocks_${index}_0`, m[4]!);
  }
  m = /^up_blocks_(\d+)_upsamplers_0_conv$/.exec(diffusersPath);
  if (m !== null) {
    const level = Number(m[1]);
    return `output_blocks_${3 * level + 2}_${UP_LEVELS_WITH_ATTENTION.has(level) ? 2 : 1}_conv`;
  }
  return null;
}

const toLdmCached = memoizeByName(toLdm);

/**
 * Whether diffusers-style UNet paths can only be SDXL: SD1.x/2.x have attentions in down block 0
 * and a fourth level, but none in up block 0 and never more than one transformer block per stack.
 */
export function diffusersPathsLookSdxl(paths: Iterable<string>): boolean | null {
  let sdxl = false;
  for (const p of paths) {
    if (/^(down_blocks_0_attentions|down_blocks_3|up_blocks_3)_/.test(p)) return false;
    if (/^up_blocks_0_attentions_/.test(p) || /_attentions_\d+_transformer_blocks_[1-9]/.test(p)) sdxl = true;
  }
  return sdxl ? true : null;
}
