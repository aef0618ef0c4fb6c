import { describe, expect, it } from 'vitest';
import { loraTagsOf, parseA1111Parameters, parseParamLine } from './a1111.parser';
import { A1111_PARAMETERS, CIVITAI_PARAMETERS } from './fixtures/generation-texts';

describe('parseA1111Parameters', () => {
  it('reads prompt, multi-line negative prompt and settings as A1111 writes them', () => {
    const { generation, problems } = parseA1111Parameters(A1111_PARAMETERS);
    expect(problems).toEqual([]);
    expect(generation).toMatchObject({
      tool: 'a1111',
      prompt:
        'masterpiece, best quality, 1girl, solo, looking at viewer, <lora:add-detail-xl:0.8>, <lora:Watercolor_Style_SDXL:1.2> watercolor (medium)\nautumn leaves, soft light',
      negativePrompt: 'lowres, bad anatomy, (worst quality:1.4),\ntext, watermark',
      steps: 30,
      sampler: 'DPM++ 2M',
      scheduler: 'Karras',
      cfg: 6.5,
      seed: 3847123901,
      width: 832,
      height: 1216,
      modelHash: '31e35c80fc',
      modelName: 'sd_xl_base_1.0',
      clipSkip: 2,
    });
    expect(generation.extra).toMatchObject({ 'TI hashes': 'negativeXL_D: fff5d51ab655', Version: 'v1.10.1' });
    expect(generation.loras).toEqual([
      { name: 'add-detail-xl', weight: 0.8, hashes: ['0a1b2c3d4e5f'] },
      { name: 'Watercolor_Style_SDXL', weight: 1.2, hashes: ['9f8e7d6c5b4a'] },
    ]);
  });

  it('reads Civitai-style Hashes JSON and bracketed values, and defaults a tag weight to 1', () => {
    const { generation, problems } = parseA1111Parameters(CIVITAI_PARAMETERS);
    expect(problems).toEqual([]);
    expect(generation.loras).toEqual([
      { name: 'LighthouseXL', weight: 0.7, hashes: ['2d2bcc2f3a'] },
      { name: 'film_grain', weight: 1, hashes: ['c0ffee1234'] },
    ]);
    expect(generation.modelHash).toBe('31e35c80fc');
    expect(generation.extra['Civitai resources']).toBe('[{"type":"lora","weight":0.7,"modelVersionId":123}]');
    expect(generation.extra['Created Date']).toBe('2024-03-01T10:00:00.0000000Z');
  });

  it('keeps a prompt with no settings line as a prompt, and a settings-only text as settings', () => {
    expect(parseA1111Parameters('just a prompt, with: one colon').generation).toMatchObject({
      tool: null,
      prompt: 'just a prompt, with: one colon',
      steps: null,
    });
    const onlySettings = parseA1111Parameters(
      'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5',
    ).generation;
    expect(onlySettings).toMatchObject({ prompt: null, steps: 20, seed: 5, sampler: 'Euler a' });
    expect(parseA1111Parameters('').generation.prompt).toBeNull();
  });

  it('handles CRLF, unsafe seeds and unreadable numbers without inventing values', () => {
    const text =
      'p\r\nNegative prompt: n\r\nSteps: many, Seed: 99999999999999999999, CFG scale: 7, Size: 10x';
    expect(parseA1111Parameters(text).generation).toMatchObject({
      prompt: 'p',
      negativePrompt: 'n',
      steps: null,
      seed: null,
      cfg: 7,
      width: null,
    });
  });

  it('reports a Hashes value that is not JSON and keeps the rest', () => {
    const { generation, problems } = parseA1111Parameters(
      'p\nSteps: 1, Seed: 2, Hashes: {"lora:a": "0123456789"',
    );
    expect(problems.map((p) => p.code)).toEqual(['invalid_json']);
    expect(generation.steps).toBe(1);
  });
});

describe('parseParamLine', () => {
  it('unquotes quoted values with escapes and commas', () => {
    expect(parseParamLine('A: 1, B: "x, \\"y\\"", C: {"k": "a,b"}, D: end')).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'x, "y"' },
      { key: 'C', value: '{"k": "a,b"}' },
      { key: 'D', value: 'end' },
    ]);
  });

  it('stays linear on hostile lines (no colons, stray quotes and brackets)', () => {
    const started = performance.now();
    parseParamLine('a,'.repeat(200_000));
    parseParamLine('k: "'.repeat(100_000));
    parseParamLine('k: {'.repeat(100_000));
    parseParamLine('x'.repeat(400_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('loraTagsOf', () => {
  it('reads lora and lyco tags with optional weights and folders', () => {
    expect(
      loraTagsOf('a <lora:styles/ink:0.6> b <LORA:plain> <lyco:loha_thing:0.4:0.2> <lora:bad:x>'),
    ).toEqual([
      { name: 'styles/ink', weight: 0.6 },
      { name: 'plain', weight: 1 },
      { name: 'loha_thing', weight: 0.4 },
      { name: 'bad', weight: null },
    ]);
  });
});
