import { describe, expect, it } from 'vitest';
import { parseComfyUiPrompt, parseComfyUiWorkflow } from './comfyui.parser';
import { COMFYUI_PROMPT, COMFYUI_PROMPT_INDIRECT, COMFYUI_WORKFLOW } from './fixtures/generation-texts';

describe('parseComfyUiPrompt', () => {
  it('reads loaders, checkpoint, sampler settings and the texts behind positive and negative', () => {
    const { generation, problems } = parseComfyUiPrompt(COMFYUI_PROMPT);
    expect(problems).toEqual([]);
    expect(generation).toMatchObject({
      tool: 'comfyui',
      prompt: 'a watercolor fox in a misty forest',
      negativePrompt: 'blurry, lowres',
      seed: 156680208700286,
      steps: 25,
      cfg: 7.5,
      sampler: 'dpmpp_2m',
      scheduler: 'karras',
      modelName: 'sd_xl_base_1.0.safetensors',
    });
    expect(generation.loras).toEqual([
      { name: 'styles\\Watercolor_Style_SDXL.safetensors', weight: 0.9, hashes: [] },
      { name: 'add-detail-xl.safetensors', weight: 0.6, hashes: [] },
    ]);
  });

  it('follows primitives and ControlNet, reads rgthree stacks, and accepts Python NaN', () => {
    const { generation, problems } = parseComfyUiPrompt(COMFYUI_PROMPT_INDIRECT);
    expect(problems).toEqual([]);
    expect(generation).toMatchObject({
      prompt: 'portrait of an old sailor, dramatic light',
      negativePrompt: 'deformed',
      seed: 777,
      steps: 30,
      modelName: 'juggernautXL_v9.safetensors',
    });
    expect(generation.loras).toEqual([{ name: 'people/sailor_v2.safetensors', weight: 0.75, hashes: [] }]);
  });

  it('reports invalid JSON and JSON that is not a graph', () => {
    expect(parseComfyUiPrompt('{"3": {"class_type": ').problems.map((p) => p.code)).toEqual(['invalid_json']);
    expect(parseComfyUiPrompt('[1, 2]').problems.map((p) => p.code)).toEqual(['invalid_json']);
    expect(parseComfyUiPrompt('{"a": 1}').problems.map((p) => p.code)).toEqual(['invalid_json']);
  });

  it('survives link cycles and a huge seed beyond exact integers', () => {
    const cyclic = JSON.stringify({
      '1': {
        class_type: 'ConditioningCombine',
        inputs: { conditioning_1: ['2', 0], conditioning_2: ['1', 0] },
      },
      '2': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['1', 0] } },
      '3': {
        class_type: 'KSampler',
        inputs: { seed: 'SEED', positive: ['1', 0], negative: ['2', 0] },
      },
    });
    // ComfyUI seeds go up to 2^64 - 1, past what a double holds exactly.
    const { generation } = parseComfyUiPrompt(cyclic.replace('"SEED"', '18446744073709551615'));
    expect(generation.prompt).toBeNull();
    expect(generation.seed).toBeNull();
  });
});

describe('parseComfyUiWorkflow', () => {
  it('reads widgets by position, follows links, and skips bypassed nodes', () => {
    const { generation, problems } = parseComfyUiWorkflow(COMFYUI_WORKFLOW);
    expect(problems).toEqual([]);
    expect(generation).toMatchObject({
      tool: 'comfyui',
      prompt: 'a watercolor fox in a misty forest',
      negativePrompt: 'blurry, lowres',
      seed: 156680208700286,
      steps: 25,
      cfg: 7.5,
      sampler: 'dpmpp_2m',
      scheduler: 'karras',
      modelName: 'sd_xl_base_1.0.safetensors',
    });
    expect(generation.loras).toEqual([
      { name: 'styles/Watercolor_Style_SDXL.safetensors', weight: 0.9, hashes: [] },
    ]);
  });

  it('reads LoRA loaders inside subgraph definitions and link objects of the newer format', () => {
    const workflow = JSON.stringify({
      nodes: [],
      links: [{ id: 1, origin_id: 2, origin_slot: 0, target_id: 3, target_slot: 0 }],
      definitions: {
        subgraphs: [
          { nodes: [{ id: 1, type: 'LoraLoader', widgets_values: ['inner.safetensors', 0.5, 0.5] }] },
        ],
      },
    });
    expect(parseComfyUiWorkflow(workflow).generation.loras).toEqual([
      { name: 'inner.safetensors', weight: 0.5, hashes: [] },
    ]);
  });

  it('reports invalid JSON and a workflow without nodes', () => {
    expect(parseComfyUiWorkflow('not json').problems.map((p) => p.code)).toEqual(['invalid_json']);
    expect(parseComfyUiWorkflow('{"links": []}').problems.map((p) => p.code)).toEqual(['invalid_json']);
  });
});
