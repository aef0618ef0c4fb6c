import { describe, expect, it } from 'vitest';
import { detectBaseModel } from './base-model';
import { sdxlModuleTable } from './fixtures/sdxl-modules';
import type { LowRankModule, ModuleKind, ModuleTarget } from './lora.types';

function module(
  key: string,
  target: ModuleTarget,
  kind: ModuleKind,
  inFeatures = 8,
  outFeatures = 8,
): LowRankModule {
  const ref = { name: key, dtype: 'F16' as const, shape: [1] };
  return {
    key,
    target,
    kind,
    type: 'lora',
    up: ref,
    down: ref,
    alpha: null,
    rank: 1,
    outFeatures,
    inFeatures,
    kernel: null,
    doraScale: null,
  };
}

const sdxlModules = sdxlModuleTable().map((m) =>
  module(m.key, m.target, m.kind, m.inFeatures, m.outFeatures),
);

describe('detectBaseModel', () => {
  it('recognizes SDXL from its layout with high confidence, metadata agreeing', () => {
    const result = detectBaseModel(sdxlModules, {
      ss_base_model_version: 'sdxl_base_v1-0',
      'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora',
    });
    expect(result.baseModel).toBe('sdxl');
    expect(result.confidence).toBe('high');
    expect(result.evidence.join('\n')).toMatch(/te2/);
    expect(result.evidence.join('\n')).toMatch(/2048/);
    expect(result.variant).toBeNull();
  });

  it('recognizes a UNet-only SDXL LoRA from cross-attention width alone', () => {
    const k = module(
      'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k',
      'unet',
      'attn2_k',
      2048,
      640,
    );
    expect(detectBaseModel([k], {})).toMatchObject({ baseModel: 'sdxl', confidence: 'high' });
  });

  it('reports Pony and Illustrious as SDXL variants', () => {
    const pony = detectBaseModel(sdxlModules, {
      ss_sd_model_name: 'ponyDiffusionV6XL_v6StartWithThisOne.safetensors',
    });
    expect(pony).toMatchObject({ baseModel: 'sdxl', variant: 'Pony' });
    expect(pony.evidence.at(-1)).toMatch(/ss_sd_model_name mentions Pony/);
    expect(detectBaseModel(sdxlModules, { 'modelspec.title': 'Illustrious XL style' }).variant).toBe(
      'Illustrious',
    );
  });

  it('tells SD1.5 and SD2 apart by cross-attention and text-encoder width', () => {
    const sd15 = [
      module(
        'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k',
        'unet',
        'attn2_k',
        768,
        320,
      ),
      module('lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'te', 'te_attn_q', 768, 768),
    ];
    expect(detectBaseModel(sd15, {})).toMatchObject({ baseModel: 'sd15', confidence: 'high' });
    const sd2 = [
      module(
        'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k',
        'unet',
        'attn2_k',
        1024,
        320,
      ),
      module('lora_te_text_model_encoder_layers_0_self_attn_q_proj', 'te', 'te_attn_q', 1024, 1024),
    ];
    expect(detectBaseModel(sd2, { ss_base_model_version: 'sd_v2_768_v' })).toMatchObject({
      baseModel: 'sd2',
      confidence: 'high',
    });
  });

  it('recognizes Flux and SD3 transformer layouts', () => {
    expect(
      detectBaseModel([module('lora_unet_double_blocks_0_img_attn_qkv', 'unet', 'other')], {}).baseModel,
    ).toBe('flux');
    expect(
      detectBaseModel(
        [module('lora_transformer_single_transformer_blocks_3_attn_to_q', 'transformer', 'other')],
        {},
      ).baseModel,
    ).toBe('flux');
    expect(
      detectBaseModel([module('lora_unet_joint_blocks_0_x_block_attn_qkv', 'unet', 'other')], {}).baseModel,
    ).toBe('sd3');
  });

  it('falls back to metadata with medium confidence, and flags a conflict', () => {
    const opaque = [module('lora_unet_something_else', 'unet', 'other')];
    expect(detectBaseModel(opaque, { 'modelspec.architecture': 'flux-1-dev/lora' })).toMatchObject({
      baseModel: 'flux',
      confidence: 'medium',
    });
    expect(detectBaseModel(opaque, {})).toMatchObject({ baseModel: 'unknown', confidence: 'low' });
    const conflict = detectBaseModel(sdxlModules, { ss_base_model_version: 'sd_v1' });
    expect(conflict).toMatchObject({ baseModel: 'sdxl', confidence: 'medium' });
    expect(conflict.evidence.join('\n')).toMatch(/contradicts/);
  });
});
