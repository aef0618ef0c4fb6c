import { describe, expect, it } from 'vitest';
import { sdxlModuleTable } from '../fixtures/sdxl-modules';
import type { TensorInfo } from '../safetensors.header';
import { normalizeAnyLora, normalizePlainLora } from './lora.parser';

/** F16 tensors back to back, in the order given. */
function table(entries: readonly [string, number[]][]): Map<string, TensorInfo> {
  const map = new Map<string, TensorInfo>();
  let offset = 0;
  for (const [name, shape] of entries) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    map.set(name, { name, dtype: 'F16', shape, begin: offset, end: offset + bytes });
    offset += bytes;
  }
  return map;
}

const modules = sdxlModuleTable();
const kohya = (filter: (key: string) => boolean = () => true, rank = 4) =>
  table(
    modules
      .filter((m) => filter(m.key))
      .flatMap((m): [string, number[]][] => [
        [`${m.key}.alpha`, []],
        [`${m.key}.lora_down.weight`, [rank, m.inFeatures]],
        [`${m.key}.lora_up.weight`, [m.outFeatures, rank]],
      ]),
  );
const peft = table(
  modules.flatMap((m): [string, number[]][] => [
    [`${m.diffusersKey}.lora_A.weight`, [8, m.inFeatures]],
    [`${m.diffusersKey}.lora_B.weight`, [m.outFeatures, 8]],
  ]),
);

/** Both roads, with alphas read (half the rank) and without (a folder scan). */
function expectSameRoad(tensors: Map<string, TensorInfo>, metadata: Record<string, string> = {}) {
  for (const alphaOf of [() => undefined, (name: string) => (name.endsWith('.alpha') ? 2 : undefined)]) {
    const source = { tensors, metadata };
    const plain = normalizePlainLora(source, alphaOf);
    expect(plain).not.toBeNull();
    expect(JSON.stringify(plain)).toBe(JSON.stringify(normalizeAnyLora(source, alphaOf)));
  }
}

describe('normalizePlainLora', () => {
  it('gives what the general road gives for a full SDXL kohya LoRA', () => {
    expectSameRoad(kohya());
  });

  it('gives what the general road gives for a UNet-only one, deciding SDXL by layout or metadata', () => {
    expectSameRoad(kohya((key) => key.startsWith('lora_unet_')));
    expectSameRoad(
      kohya((key) => key.includes('input_blocks_4_1')),
      { ss_base_model_version: 'sdxl_base_v1-0' },
    );
  });

  it('gives what the general road gives for PEFT/diffusers names (renamed to ldm on SDXL)', () => {
    expectSameRoad(peft);
  });

  it.each([
    ['an unmatched name', [['something_else', [4]]]],
    ['a DoRA magnitude', [['lora_unet_x.dora_scale', [1, 320]]]],
    ['a LoHa factor', [['lora_unet_x.hada_w1_a', [320, 4]]]],
    ['a lone down weight', [['lora_unet_extra.lora_down.weight', [4, 320]]]],
  ] as [string, [string, number[]][]][])('leaves a file with %s to the general road', (_label, extra) => {
    const tensors = kohya((key) => key.includes('input_blocks_4_1'));
    for (const [name, shape] of extra) tensors.set(name, { name, dtype: 'F16', shape, begin: 0, end: 0 });
    expect(normalizePlainLora({ tensors, metadata: {} }, () => undefined)).toBeNull();
  });

  it('leaves rank mismatches, bad alphas and integer weights to the general road', () => {
    const key = modules[0]!.key;
    const base = (): [string, number[]][] => [
      [`${key}.alpha`, []],
      [`${key}.lora_down.weight`, [4, 320]],
      [`${key}.lora_up.weight`, [320, 4]],
    ];
    const mismatch = table(base().map(([n, s]) => [n, n.endsWith('up.weight') ? [320, 8] : s]));
    expect(normalizePlainLora({ tensors: mismatch, metadata: {} }, () => undefined)).toBeNull();
    const wideAlpha = table(base().map(([n, s]) => [n, n.endsWith('alpha') ? [2] : s]));
    expect(normalizePlainLora({ tensors: wideAlpha, metadata: {} }, () => undefined)).toBeNull();
    expect(normalizePlainLora({ tensors: table(base()), metadata: {} }, () => Number.NaN)).toBeNull();
    const ints = new Map([...table(base())].map(([n, t]) => [n, { ...t, dtype: 'I8' as const }]));
    expect(normalizePlainLora({ tensors: ints, metadata: {} }, () => undefined)).toBeNull();
  });
});
