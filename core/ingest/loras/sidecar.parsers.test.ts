import { describe, expect, it } from 'vitest';
import { htmlToText, mergeSidecars, parseSidecar } from './sidecar.parsers';

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseSidecar', () => {
  it('reads a Civitai Helper record', () => {
    const reading = parseSidecar(
      'civitai-helper',
      'x.civitai.info',
      bytes({
        id: 2,
        modelId: '1',
        name: 'v1',
        baseModel: 'Pony',
        trainedWords: ['a', ' b '],
        model: { name: 'M', tags: [{ name: 'style' }, 'anime'], nsfw: true },
        images: [{ url: 'u1' }, { nope: 1 }],
      }),
    );
    expect(reading.info).toMatchObject({
      civitaiVersionId: 2,
      civitaiModelId: 1,
      versionName: 'v1',
      modelName: 'M',
      baseModel: 'Pony',
      trainedWords: ['a', 'b'],
      tags: ['style', 'anime'],
      nsfw: true,
      imageUrls: ['u1'],
    });
    expect(reading.problems).toEqual([
      'x.civitai.info: 1 entries of "images" are not images with a url; skipped.',
    ]);
  });

  it('keeps the good fields of a sidecar with wrong-typed ones', () => {
    const reading = parseSidecar(
      'stability-matrix',
      's.cm-info.json',
      bytes({ ModelId: -3, ModelName: 'Ok', Tags: 'x', Nsfw: 'yes' }),
    );
    expect(reading.info.modelName).toBe('Ok');
    expect(reading.info.civitaiModelId).toBeUndefined();
    expect(reading.problems).toHaveLength(3);
  });

  it('tolerates a BOM, refuses other encodings, non-JSON and non-objects without throwing', () => {
    expect(parseSidecar('a1111', 'a.json', bytes('\uFEFF{"description":"d"}')).info.description).toBe('d');
    expect(parseSidecar('a1111', 'a.json', new Uint8Array([0xff, 0xfe, 0x7b, 0x00])).problems[0]).toMatch(
      /not UTF-8/,
    );
    expect(parseSidecar('a1111', 'a.json', bytes('{oops')).problems[0]).toMatch(/not valid JSON/);
    expect(parseSidecar('a1111', 'a.json', bytes('[1,2]')).problems[0]).toMatch(/not a JSON object/);
  });

  it('reads A1111 notes: activation text as trained words, 0 as no preferred weight', () => {
    const info = parseSidecar(
      'a1111',
      'a.json',
      bytes({ 'activation text': 'x, y', 'preferred weight': '0', 'sd version': 'Unknown' }),
    ).info;
    expect(info).toMatchObject({
      trainedWords: ['x', 'y'],
      preferredWeight: undefined,
      baseModel: undefined,
    });
  });
});

describe('mergeSidecars', () => {
  it('takes each field from the first source that has it and unites word lists', () => {
    const merged = mergeSidecars([
      { modelName: 'First', trainedWords: ['a'], tags: ['Style'] },
      { modelName: 'Second', description: 'd', trainedWords: ['A', 'b'], tags: ['style', 'x'] },
    ]);
    expect(merged).toMatchObject({
      modelName: 'First',
      description: 'd',
      trainedWords: ['a', 'b'],
      tags: ['Style', 'x'],
    });
  });
});

describe('htmlToText', () => {
  it('turns Civitai HTML into plain text', () => {
    expect(htmlToText('<p>One &amp; <b>two</b></p><p>three<br/>four</p><script>x</script>')).toBe(
      'One & two\nthree\nfour',
    );
  });
});
