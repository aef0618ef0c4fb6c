import { describe, expect, it } from 'vitest';
import { AtelierError } from '../../api';
import { reasonOf } from '../errors';
import type { DenseOnlyModule, LowRankModule } from '../lora.types';
import type { TensorInfo } from '../safetensors.header';
import { normalizeLora } from './lora.parser';

/** A header-only tensor table from name → shape, F32, laid out back to back. */
function tensors(
  shapes: Record<string, number[]>,
  dtype: TensorInfo['dtype'] = 'F32',
): Map<string, TensorInfo> {
  const map = new Map<string, TensorInfo>();
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    map.set(name, { name, dtype, shape, begin: offset, end: offset + bytes });
    offset += bytes;
  }
  return map;
}

function parse(
  shapes: Record<string, number[]>,
  alphas: Record<string, number> = {},
  metadata: Record<string, string> = {},
) {
  return normalizeLora({ tensors: tensors(shapes), metadata }, (name) => alphas[name]);
}

function thrown(run: () => unknown): AtelierError {
  try {
    run();
  } catch (error) {
    if (error instanceof AtelierError) return error;
    throw error;
  }
  throw new Error('expected a typed error');
}

const Q = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q';

describe('kohya', () => {
  it('reads down/up/alpha into a low-rank module', () => {
    const parsed = parse(
      { [`${Q}.alpha`]: [], [`${Q}.lora_down.weight`]: [8, 640], [`${Q}.lora_up.weight`]: [640, 8] },
      { [`${Q}.alpha`]: 4 },
    );
    expect(parsed.format).toBe('kohya');
    expect(parsed.unmatchedKeys).toEqual([]);
    expect(parsed.problems).toEqual([]);
    const module = parsed.modules[0] as LowRankModule;
    expect(module).toMatchObject({
      key: Q,
      target: 'unet',
      kind: 'attn1_q',
      type: 'lora',
      rank: 8,
      alpha: 4,
      outFeatures: 640,
      inFeatures: 640,
      kernel: null,
    });
    expect(module.down.name).toBe(`${Q}.lora_down.weight`);
  });

  it('reads LoCon convolutions with k×k down and 1×1 up', () => {
    const key = 'lora_unet_input_blocks_1_0_in_layers_2';
    const parsed = parse({
      [`${key}.lora_down.weight`]: [4, 320, 3, 3],
      [`${key}.lora_up.weight`]: [320, 4, 1, 1],
    });
    expect(parsed.modules[0]).toMatchObject({
      kind: 'conv',
      kernel: [3, 3],
      inFeatures: 2880,
      outFeatures: 320,
      rank: 4,
      alpha: null,
    });
  });

  it('maps text encoder prefixes to targets', () => {
    const te = (prefix: string) => ({
      [`${prefix}_text_model_encoder_layers_0_self_attn_v_proj.lora_down.weight`]: [2, 8],
      [`${prefix}_text_model_encoder_layers_0_self_attn_v_proj.lora_up.weight`]: [8, 2],
    });
    const parsed = parse({ ...te('lora_te1'), ...te('lora_te2'), ...te('lora_te') });
    expect(parsed.modules.map((m) => [m.target, m.kind])).toEqual([
      ['te1', 'te_attn_v'],
      ['te2', 'te_attn_v'],
      ['te', 'te_attn_v'],
    ]);
  });

  it('renames diffusers-style kohya UNet keys of an SDXL LoRA to ldm keys', () => {
    const parsed = parse({
      'lora_unet_down_blocks_2_attentions_1_transformer_blocks_3_attn2_to_k.lora_down.weight': [4, 2048],
      'lora_unet_down_blocks_2_attentions_1_transformer_blocks_3_attn2_to_k.lora_up.weight': [1280, 4],
    });
    expect(parsed.modules[0]?.key).toBe('lora_unet_input_blocks_8_1_transformer_blocks_3_attn2_to_k');
  });

  it('keeps diffusers-style keys for SD1.5, where they are the kohya convention', () => {
    const key = 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k';
    const parsed = parse({ [`${key}.lora_down.weight`]: [4, 768], [`${key}.lora_up.weight`]: [320, 4] });
    expect(parsed.modules[0]?.key).toBe(key);
  });
});

describe('PEFT / diffusers', () => {
  it('maps SDXL diffusers names to kohya ldm keys and text encoders to te1/te2', () => {
    const parsed = parse({
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_v.lora_A.weight': [4, 640],
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_v.lora_B.weight': [640, 4],
      'unet.up_blocks.0.attentions.2.transformer_blocks.9.attn1.to_out.0.lora_A.weight': [4, 1280],
      'unet.up_blocks.0.attentions.2.transformer_blocks.9.attn1.to_out.0.lora_B.weight': [1280, 4],
      'unet.mid_block.attentions.0.proj_in.lora_A.weight': [4, 1280],
      'unet.mid_block.attentions.0.proj_in.lora_B.weight': [1280, 4],
      'text_encoder.text_model.encoder.layers.0.mlp.fc1.lora_A.weight': [4, 768],
      'text_encoder.text_model.encoder.layers.0.mlp.fc1.lora_B.weight': [3072, 4],
      'text_encoder_2.text_model.encoder.layers.31.self_attn.out_proj.lora_A.weight': [4, 1280],
      'text_encoder_2.text_model.encoder.layers.31.self_attn.out_proj.lora_B.weight': [1280, 4],
    });
    expect(parsed.format).toBe('peft');
    expect(parsed.modules.map((m) => [m.key, m.kind])).toEqual([
      ['lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_v', 'attn1_v'],
      ['lora_unet_output_blocks_2_1_transformer_blocks_9_attn1_to_out_0', 'attn1_out'],
      ['lora_unet_middle_block_1_proj_in', 'proj_in'],
      ['lora_te1_text_model_encoder_layers_0_mlp_fc1', 'te_mlp_fc1'],
      ['lora_te2_text_model_encoder_layers_31_self_attn_out_proj', 'te_attn_out'],
    ]);
  });

  it('maps SDXL resnets, samplers and embeddings', () => {
    const pair = (p: string, out = 8, inDim = 8) => ({
      [`unet.${p}.lora_A.weight`]: [2, inDim],
      [`unet.${p}.lora_B.weight`]: [out, 2],
    });
    const parsed = parse({
      ...pair('up_blocks.0.attentions.0.transformer_blocks.1.attn2.to_k', 1280, 2048),
      ...pair('down_blocks.0.resnets.1.conv1'),
      ...pair('down_blocks.1.resnets.0.conv_shortcut'),
      ...pair('down_blocks.1.downsamplers.0.conv'),
      ...pair('mid_block.resnets.1.time_emb_proj'),
      ...pair('up_blocks.1.resnets.2.conv2'),
      ...pair('up_blocks.1.upsamplers.0.conv'),
      ...pair('add_embedding.linear_1'),
      ...pair('conv_in'),
    });
    expect(parsed.modules.map((m) => m.key.replace('lora_unet_', ''))).toEqual([
      'output_blocks_0_1_transformer_blocks_1_attn2_to_k',
      'input_blocks_2_0_in_layers_2',
      'input_blocks_4_0_skip_connection',
      'input_blocks_6_0_op',
      'middle_block_2_emb_layers_1',
      'output_blocks_5_0_out_layers_3',
      'output_blocks_5_2_conv',
      'label_emb_0_0',
      'input_blocks_0_0',
    ]);
  });

  it('keeps SD1.5 diffusers names and maps text_encoder to te', () => {
    const parsed = parse({
      'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight': [4, 320],
      'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight': [320, 4],
      'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight': [4, 768],
      'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight': [768, 4],
    });
    expect(parsed.modules.map((m) => [m.key, m.target])).toEqual([
      ['lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', 'unet'],
      ['lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'te'],
    ]);
  });

  it('reads older diffusers spellings: lora.down/up, lora_linear_layer, attention processors, bare unet keys', () => {
    const parsed = parse({
      'unet.down_blocks.1.attentions.0.transformer_blocks.1.attn1.processor.to_out_lora.down.weight': [
        4, 640,
      ],
      'unet.down_blocks.1.attentions.0.transformer_blocks.1.attn1.processor.to_out_lora.up.weight': [640, 4],
      'unet.down_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q.lora.down.weight': [4, 640],
      'unet.down_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q.lora.up.weight': [640, 4],
      'down_blocks.1.attentions.0.transformer_blocks.1.ff.net.2.lora_linear_layer.down.weight': [4, 2560],
      'down_blocks.1.attentions.0.transformer_blocks.1.ff.net.2.lora_linear_layer.up.weight': [640, 4],
    });
    expect(
      parsed.modules.map((m) => m.key.replace('lora_unet_input_blocks_4_1_transformer_blocks_1_', '')),
    ).toEqual(['attn1_to_out_0', 'attn1_to_q', 'ff_net_2']);
  });

  it('names Flux/SD3 transformer modules with a lora_transformer_ key', () => {
    const parsed = parse({
      'transformer.single_transformer_blocks.0.attn.to_q.lora_A.weight': [4, 3072],
      'transformer.single_transformer_blocks.0.attn.to_q.lora_B.weight': [3072, 4],
    });
    expect(parsed.modules[0]).toMatchObject({
      key: 'lora_transformer_single_transformer_blocks_0_attn_to_q',
      target: 'transformer',
      kind: 'other',
    });
  });
});

describe('problems and leftovers', () => {
  it('lists keys that match nothing and orphan alphas, never dropping them', () => {
    const parsed = parse({
      [`${Q}.lora_down.weight`]: [4, 640],
      [`${Q}.lora_up.weight`]: [640, 4],
      'lora_unet_something.alpha': [],
      'lora_te3_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': [4, 4096],
      'random.weight': [3],
    });
    expect(parsed.unmatchedKeys.sort()).toEqual([
      'lora_te3_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight',
      'lora_unet_something.alpha',
      'random.weight',
    ]);
    expect(parsed.modules).toHaveLength(1);
  });

  it('reports missing halves, rank mismatches, bad shapes and alphas per module', () => {
    const k = (n: number) => `lora_unet_input_blocks_4_1_transformer_blocks_0_attn${n}_to_k`;
    const parsed = parse(
      {
        [`${k(1)}.lora_up.weight`]: [640, 4],
        [`${k(2)}.lora_down.weight`]: [4, 2048],
        [`${Q}.lora_down.weight`]: [4, 640],
        [`${Q}.lora_up.weight`]: [640, 2],
        'lora_unet_a_proj_in.lora_down.weight': [4, 640, 3],
        'lora_unet_a_proj_in.lora_up.weight': [640, 4],
        'lora_unet_b_proj_in.lora_down.weight': [4, 640],
        'lora_unet_b_proj_in.lora_up.weight': [640, 4],
        'lora_unet_b_proj_in.alpha': [2],
        'lora_unet_c_proj_in.lora_down.weight': [4, 640],
        'lora_unet_c_proj_in.lora_up.weight': [640, 4],
        'lora_unet_c_proj_in.alpha': [],
      },
      { 'lora_unet_c_proj_in.alpha': Number.NaN },
    );
    expect(parsed.modules).toEqual([]);
    expect(parsed.problems.map((p) => [p.module, p.kind])).toEqual([
      [k(1), 'missing_down'],
      [k(2), 'missing_up'],
      [Q, 'rank_mismatch'],
      ['lora_unet_a_proj_in', 'bad_shape'],
      ['lora_unet_b_proj_in', 'bad_alpha'],
      ['lora_unet_c_proj_in', 'bad_alpha'],
    ]);
    expect(parsed.format).toBe('unknown');
  });

  it('reports the same module named twice', () => {
    const parsed = parse({
      [`${Q}.lora_down.weight`]: [4, 640],
      [`${Q}.lora_up.weight`]: [640, 4],
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight': [4, 640],
    });
    expect(parsed.problems.map((p) => p.kind)).toEqual(['duplicate_module']);
    expect(parsed.unmatchedKeys).toEqual([
      'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight',
    ]);
    expect(parsed.modules).toHaveLength(1);
  });

  it('refuses LoCon Tucker cores and undecodable dtypes as module problems', () => {
    const key = 'lora_unet_input_blocks_1_0_in_layers_2';
    const parsed = parse({
      [`${key}.lora_down.weight`]: [4, 320, 1, 1],
      [`${key}.lora_mid.weight`]: [4, 4, 3, 3],
      [`${key}.lora_up.weight`]: [320, 4, 1, 1],
    });
    expect(parsed.problems.map((p) => p.kind)).toEqual(['unsupported_layout']);
    const ints = normalizeLora({
      tensors: tensors({ [`${Q}.lora_down.weight`]: [4, 640], [`${Q}.lora_up.weight`]: [640, 4] }, 'I32'),
      metadata: {},
    });
    expect(ints.problems.map((p) => p.kind)).toEqual(['undecodable_dtype']);
  });

  it('reports DoRA magnitudes on the module', () => {
    const parsed = parse({
      [`${Q}.lora_down.weight`]: [4, 640],
      [`${Q}.lora_up.weight`]: [640, 4],
      [`${Q}.dora_scale`]: [640, 1],
    });
    expect((parsed.modules[0] as LowRankModule).doraScale?.name).toBe(`${Q}.dora_scale`);
    expect(parsed.doraModules).toBe(1);
  });
});

describe('LyCORIS', () => {
  it('reads LoHa, with and without Tucker cores, as dense-only modules', () => {
    const conv = 'lora_unet_input_blocks_1_0_in_layers_2';
    const parsed = parse({
      [`${Q}.hada_w1_a`]: [640, 4],
      [`${Q}.hada_w1_b`]: [4, 640],
      [`${Q}.hada_w2_a`]: [640, 4],
      [`${Q}.hada_w2_b`]: [4, 640],
      [`${Q}.alpha`]: [],
      [`${conv}.hada_w1_a`]: [4, 320],
      [`${conv}.hada_w1_b`]: [4, 64],
      [`${conv}.hada_t1`]: [4, 4, 3, 3],
      [`${conv}.hada_w2_a`]: [4, 320],
      [`${conv}.hada_w2_b`]: [4, 64],
      [`${conv}.hada_t2`]: [4, 4, 3, 3],
    });
    expect(parsed.format).toBe('loha');
    expect(parsed.modules.map((m) => [m.type, m.kind, m.outFeatures, m.inFeatures, m.kernel])).toEqual([
      ['loha', 'attn1_q', 640, 640, null],
      ['loha', 'conv', 320, 576, [3, 3]],
    ]);
    expect(Object.keys((parsed.modules[0] as DenseOnlyModule).tensors).sort()).toEqual([
      'hada_w1_a',
      'hada_w1_b',
      'hada_w2_a',
      'hada_w2_b',
    ]);
  });

  it('reads LoKr with full or low-rank factors', () => {
    const k = 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k';
    const parsed = parse({
      [`${Q}.lokr_w1`]: [20, 20],
      [`${Q}.lokr_w2`]: [32, 32],
      [`${k}.lokr_w1_a`]: [20, 2],
      [`${k}.lokr_w1_b`]: [2, 32],
      [`${k}.lokr_w2_a`]: [32, 4],
      [`${k}.lokr_w2_b`]: [4, 64],
    });
    expect(parsed.format).toBe('lokr');
    expect(parsed.modules.map((m) => [m.outFeatures, m.inFeatures])).toEqual([
      [640, 640],
      [640, 2048],
    ]);
  });

  it('reports incomplete LyCORIS modules and mixed types', () => {
    const parsed = parse({
      [`${Q}.hada_w1_a`]: [640, 4],
      [`${Q}.hada_w1_b`]: [4, 640],
      [`${Q}.hada_w2_a`]: [640, 4],
      'lora_unet_x_proj_out.hada_w1_a': [8, 2],
      'lora_unet_x_proj_out.lora_down.weight': [2, 8],
    });
    expect(parsed.problems.map((p) => p.kind)).toEqual(['missing_factor', 'unsupported_layout']);
  });

  it('calls a file with both kohya LoRA and LoHa modules mixed', () => {
    const parsed = parse({
      [`${Q}.lora_down.weight`]: [4, 640],
      [`${Q}.lora_up.weight`]: [640, 4],
      'lora_unet_x_proj_out.lokr_w1': [2, 2],
      'lora_unet_x_proj_out.lokr_w2': [4, 4],
    });
    expect(parsed.format).toBe('mixed');
  });
});

describe('not a LoRA', () => {
  it('refuses checkpoints, embeddings and unrelated tensors with typed reasons', () => {
    const checkpoint = thrown(() =>
      parse({
        'model.diffusion_model.input_blocks.0.0.weight': [320, 4, 3, 3],
        'first_stage_model.encoder.conv_in.weight': [128, 3, 3, 3],
      }),
    );
    expect([checkpoint.code, reasonOf(checkpoint)]).toEqual(['NOT_A_LORA', 'checkpoint']);
    expect(reasonOf(thrown(() => parse({ clip_l: [1, 768], clip_g: [1, 1280] })))).toBe('textual_inversion');
    expect(reasonOf(thrown(() => parse({ 'encoder.weight': [3] })))).toBe('no_lora_modules');
    expect(reasonOf(thrown(() => parse({})))).toBe('no_lora_modules');
  });
});
