import { describe, expect, it } from 'vitest';
import { createRng } from '../../math';
import { encodeTestImage } from '../../vision';
import { bytesSource } from './byte-source';
import { A1111_PARAMETERS, COMFYUI_PROMPT, COMFYUI_WORKFLOW } from './fixtures/generation-texts';
import {
  exifBlock,
  insertJpegExif,
  insertPngChunks,
  iTXt,
  tEXt,
  userComment,
  webpWithExif,
  zTXt,
} from './fixtures/metadata-writer';
import { interpretTexts } from './generation';
import { readImageMetadata } from './image-metadata';
import { loraNameKey } from './lora-refs';

describe('interpretTexts', () => {
  it('prefers the ComfyUI API graph and falls back to the workflow when the graph is broken', () => {
    const fromGraph = interpretTexts({ prompt: COMFYUI_PROMPT, workflow: COMFYUI_WORKFLOW });
    expect(fromGraph.problems).toEqual([]);
    expect(fromGraph.generation.loras.map((l) => l.name)).toEqual([
      'styles\\Watercolor_Style_SDXL.safetensors',
      'add-detail-xl.safetensors',
    ]);

    const fromWorkflow = interpretTexts({ prompt: '{"broken', workflow: COMFYUI_WORKFLOW });
    expect(fromWorkflow.problems.map((p) => p.code)).toEqual(['invalid_json']);
    expect(fromWorkflow.generation.prompt).toBe('a watercolor fox in a misty forest');
  });

  it('merges A1111 text with a ComfyUI graph: A1111 first, LoRAs joined by file stem', () => {
    const parameters =
      'a fox <lora:Watercolor_Style_SDXL:0.9>\nSteps: 25, Seed: 1, Lora hashes: "Watercolor_Style_SDXL: 9f8e7d6c5b4a"';
    const { generation } = interpretTexts({ parameters, prompt: COMFYUI_PROMPT });
    expect(generation.tool).toBe('a1111');
    expect(generation.prompt).toBe('a fox <lora:Watercolor_Style_SDXL:0.9>');
    expect(generation.sampler).toBe('dpmpp_2m');
    expect(generation.loras).toEqual([
      { name: 'Watercolor_Style_SDXL', weight: 0.9, hashes: ['9f8e7d6c5b4a'] },
      { name: 'add-detail-xl.safetensors', weight: 0.6, hashes: [] },
    ]);
  });

  it('reads graphs that ComfyUI put into EXIF strings, and A1111 text only where it looks like A1111', () => {
    expect(interpretTexts({ Model: `prompt:${COMFYUI_PROMPT}` }).generation.steps).toBe(25);
    expect(interpretTexts({ ImageDescription: 'holiday photo' }).generation.prompt).toBeNull();
    expect(interpretTexts({ UserComment: A1111_PARAMETERS }).generation.steps).toBe(30);
  });
});

describe('loraNameKey', () => {
  it('compares names without folders, extension or case', () => {
    expect(loraNameKey('styles\\Watercolor_Style_SDXL.safetensors')).toBe('watercolor_style_sdxl');
    expect(loraNameKey('sub/dir/Foo.PT')).toBe('foo');
    expect(loraNameKey('foo.v2')).toBe('foo.v2');
  });
});

describe('readImageMetadata', () => {
  it('reads each format end to end', async () => {
    const png = insertPngChunks(await encodeTestImage('png', 32, 16), [tEXt('parameters', A1111_PARAMETERS)]);
    const jpeg = insertJpegExif(
      await encodeTestImage('jpeg', 32, 16),
      exifBlock({ userComment: userComment(A1111_PARAMETERS, 'unicode-be') }),
    );
    const webp = webpWithExif(
      await encodeTestImage('webp', 32, 16),
      exifBlock({ userComment: userComment(A1111_PARAMETERS, 'unicode-be'), exifPrefix: true }),
      { width: 32, height: 16 },
    );
    for (const bytes of [png, jpeg, webp]) {
      const meta = await readImageMetadata(bytesSource(bytes));
      expect(meta.problems).toEqual([]);
      expect(meta.container).toMatchObject({ width: 32, height: 16 });
      expect(meta.generation).toMatchObject({ tool: 'a1111', steps: 30, seed: 3847123901 });
    }
  });

  it('says what is wrong with an empty file and with a file of another type', async () => {
    expect((await readImageMetadata(bytesSource(new Uint8Array(0)))).problems.map((p) => p.code)).toEqual([
      'truncated',
    ]);
    expect(
      (await readImageMetadata(bytesSource(Buffer.from('GIF89a....')))).problems.map((p) => p.code),
    ).toEqual(['not_an_image']);
  });

  it('never throws on mutated or cut files (seeded fuzz over all three formats)', async () => {
    const rng = createRng(20240601);
    const seeds = [
      insertPngChunks(await encodeTestImage('png', 16, 16), [
        tEXt('parameters', A1111_PARAMETERS),
        zTXt('prompt', COMFYUI_PROMPT),
        iTXt('workflow', COMFYUI_WORKFLOW, { compressed: true }),
      ]),
      insertJpegExif(
        await encodeTestImage('jpeg', 16, 16),
        exifBlock({ userComment: userComment(A1111_PARAMETERS, 'unicode-be') }),
      ),
      webpWithExif(
        await encodeTestImage('webp', 16, 16),
        exifBlock({ userComment: userComment('x', 'ascii') }),
        {
          width: 16,
          height: 16,
        },
      ),
    ];
    for (let round = 0; round < 600; round++) {
      const seed = seeds[round % seeds.length]!;
      const bytes = Uint8Array.from(
        seed.subarray(0, Math.max(1, Math.floor(rng.next() * seed.length * 1.1))),
      );
      const flips = 1 + Math.floor(rng.next() * 8);
      for (let i = 0; i < flips; i++) bytes[Math.floor(rng.next() * bytes.length)] = rng.nextUint32() & 0xff;
      const meta = await readImageMetadata(bytesSource(bytes));
      expect(Array.isArray(meta.problems)).toBe(true);
    }
  });
});
