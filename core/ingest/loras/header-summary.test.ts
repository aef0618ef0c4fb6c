import { describe, expect, it } from 'vitest';
import type { SafetensorsHeader, TensorInfo } from '../../lora';
import { summarizeHeader } from './header-summary';

const KEY = 'lora_te2_text_model_encoder_layers_0_self_attn_q_proj';

function header(metadata: Record<string, string>): SafetensorsHeader {
  const tensors = new Map<string, TensorInfo>([
    [
      `${KEY}.lora_down.weight`,
      { name: `${KEY}.lora_down.weight`, dtype: 'F16', shape: [4, 1280], begin: 0, end: 10240 },
    ],
    [
      `${KEY}.lora_up.weight`,
      { name: `${KEY}.lora_up.weight`, dtype: 'F16', shape: [1280, 4], begin: 10240, end: 20480 },
    ],
  ]);
  return { tensors, metadata, dataOffset: 8, dataLength: 20480, fileSize: 20488 };
}

/** What the library showed before it kept only the top 20: a full stable sort. */
function reference(frequency: Record<string, Record<string, number>>): string[] {
  const totals = new Map<string, number>();
  for (const folder of Object.values(frequency)) {
    for (const [tag, count] of Object.entries(folder)) {
      const name = tag.trim();
      if (name !== '') totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 20)
    .map(([tag]) => tag);
}

describe('summarizeHeader training tags', () => {
  it('keeps the 20 most frequent tags, ties by name, across dataset folders', () => {
    const words = [
      'Zeta',
      'alpha',
      'Alpha',
      'beta',
      'éclair',
      'eclair',
      ' padded ',
      'ß',
      'ss',
      '10',
      '9',
      '日本',
    ];
    const frequency: Record<string, Record<string, number>> = { '5_a': {}, '10_b': {} };
    for (let i = 0; i < 600; i++) {
      const tag = `${words[i % words.length]} ${Math.floor(i / 7)}`;
      frequency['5_a']![tag] = 1 + (i % 5);
      if (i % 3 === 0) frequency['10_b']![tag.toUpperCase()] = 1 + (i % 4);
    }
    for (const word of words) frequency['10_b']![word] = 9;
    const summary = summarizeHeader(header({ ss_tag_frequency: JSON.stringify(frequency) }), 'x.safetensors');
    expect(summary.header.trainingTags).toEqual(reference(frequency));
    expect(summary.header.trainingTags).toHaveLength(20);
  });

  it.each([
    [
      'escaped tags, spaces around separators',
      '{ "5_a" : { "artist \\\\(style\\\\)" : 3 , "caf\\u00e9": 2, "x": 1 } }',
    ],
    ['fractional and negative counts', '{"5_a": {"a": 1.5, "b": -1, "c": 2e0}}'],
    ['a repeated tag (the last count wins)', '{"5_a": {"a": 1, "b": 2, "a": 5}}'],
    ['a repeated folder', '{"5_a": {"a": 1}, "5_a": {"b": 2}}'],
    ['numeric tags and folders', '{"10": {"2000": 3, "1girl": 3, "3": 3}, "5_a": {"x": 3}}'],
    [
      'values that are not counts',
      '{"5_a": {"a": "3", "b": null, "c": [1], "d": 4}, "6_b": 7, "7_c": [1, 2]}',
    ],
    ['a list at the top', '[{"a": 1}, {"b": 2}]'],
    ['an empty object', '{}'],
    ['trailing text', '{"5_a": {"a": 1}} x'],
  ])('reads %s as JSON.parse does', (_label, raw) => {
    let expected: string[] = [];
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed === 'object' && parsed !== null) {
        const frequency: Record<string, Record<string, number>> = {};
        for (const [folder, tags] of Object.entries(parsed as Record<string, unknown>)) {
          if (typeof tags !== 'object' || tags === null) continue;
          frequency[folder] = Object.fromEntries(
            Object.entries(tags as Record<string, unknown>).filter(([, n]) => typeof n === 'number'),
          ) as Record<string, number>;
        }
        expected = reference(frequency);
      }
    } catch {
      expected = [];
    }
    expect(summarizeHeader(header({ ss_tag_frequency: raw }), 'x').header.trainingTags).toEqual(expected);
  });

  it('keeps fewer when there are fewer, and none for unreadable frequencies', () => {
    const frequency = { '1_x': { b: 2, a: 2, c: 3 } };
    expect(
      summarizeHeader(header({ ss_tag_frequency: JSON.stringify(frequency) }), 'x').header.trainingTags,
    ).toEqual(['c', 'a', 'b']);
    expect(summarizeHeader(header({ ss_tag_frequency: '{' }), 'x').header.trainingTags).toEqual([]);
  });
});

describe('summarizeHeader on a shared tensor table', () => {
  // PEFT's `text_encoder` is SDXL's te1 or SD 1.x's te: with nothing else to go by, the metadata decides.
  const NAME = 'text_encoder.text_model.encoder.layers.0.self_attn.q_proj';
  const table = new Map<string, TensorInfo>([
    [
      `${NAME}.lora_A.weight`,
      { name: `${NAME}.lora_A.weight`, dtype: 'F16', shape: [4, 768], begin: 0, end: 6144 },
    ],
    [
      `${NAME}.lora_B.weight`,
      { name: `${NAME}.lora_B.weight`, dtype: 'F16', shape: [768, 4], begin: 6144, end: 12288 },
    ],
  ]);
  const withMetadata = (tensors: ReadonlyMap<string, TensorInfo>, metadata: Record<string, string>) => ({
    tensors,
    metadata,
    dataOffset: 8,
    dataLength: 12288,
    fileSize: 12296,
  });
  const SDXL = { ss_base_model_version: 'sdxl_base_v1-0', 'modelspec.title': 'xl' };
  const PLAIN = { 'modelspec.title': 'plain' };

  it('gives each file what a table of its own would, whichever file came first', () => {
    const fresh = (metadata: Record<string, string>) =>
      summarizeHeader(withMetadata(new Map(table), metadata), 'fresh.safetensors');
    const sdxl = fresh(SDXL);
    const plain = fresh(PLAIN);
    // The two normalize differently, so a memo keyed on the table alone would give one of them wrongly.
    expect(sdxl.header.countsByTarget).not.toEqual(plain.header.countsByTarget);
    for (const order of [
      [SDXL, PLAIN, SDXL],
      [PLAIN, SDXL, PLAIN],
    ]) {
      const shared = new Map(table);
      for (const metadata of order) {
        const summary = summarizeHeader(withMetadata(shared, metadata), 'shared.safetensors');
        expect(summary).toEqual(metadata === SDXL ? sdxl : plain);
      }
    }
  });
});
