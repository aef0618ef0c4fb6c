import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Images as Automatic1111 writes them: a PNG whose `parameters` tEXt chunk holds the prompt, the
 * negative prompt and a settings line with `<lora:name:weight>` tags in the prompt. The pixels are a
 * soft two-colour gradient with a glow, so screenshots of the grid look like a grid of pictures.
 */
export interface A1111Image {
  file: string;
  prompt: string;
  negative: string;
  seed: number;
  steps: number;
  sampler: string;
  cfg: number;
  width: number;
  height: number;
  /** 0..360: the picture's main hue. */
  hue: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

function pixels(width: number, height: number, hue: number): Buffer {
  const top = hsl(hue, 0.45, 0.62);
  const bottom = hsl((hue + 40) % 360, 0.5, 0.18);
  const glow = hsl((hue + 320) % 360, 0.7, 0.8);
  const cx = width * 0.62;
  const cy = height * 0.38;
  const radius = width * 0.32;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0;
    const t = y / (height - 1);
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - cx, y - cy) / radius;
      const g = Math.max(0, 1 - d * d) * 0.85;
      const i = row + 1 + x * 3;
      for (let c = 0; c < 3; c++) {
        const base = top[c]! * (1 - t) + bottom[c]! * t;
        rows[i + c] = Math.round(base * (1 - g) + glow[c]! * g);
      }
    }
  }
  return rows;
}

export function a1111Parameters(image: A1111Image): string {
  return [
    image.prompt,
    `Negative prompt: ${image.negative}`,
    `Steps: ${image.steps}, Sampler: ${image.sampler}, CFG scale: ${image.cfg}, Seed: ${image.seed}, Size: ${image.width}x${image.height}, Model: sd_xl_base_1.0`,
  ].join('\n');
}

export function writeA1111Png(folder: string, image: A1111Image): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const text = Buffer.concat([
    Buffer.from('parameters', 'latin1'),
    Buffer.from([0]),
    Buffer.from(a1111Parameters(image), 'latin1'),
  ]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', text),
    chunk('IDAT', deflateSync(pixels(image.width, image.height, image.hue))),
    chunk('IEND', new Uint8Array()),
  ]);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, image.file);
  writeFileSync(file, png);
  return file;
}

const SUBJECTS = [
  'a red fox asleep in fresh snow, golden hour',
  'lighthouse on a cliff at dusk, stormy sea',
  'portrait of an old fisherman, film grain',
  'misty pine forest at dawn, volumetric light',
  'a cat reading a book in a sunlit library',
  'neon alley in the rain, reflections, night',
  'koi pond with lotus flowers, top view',
  'desert dunes under a violet sky, minimal',
  'watercolor hummingbird among fuchsia blossoms',
  'astronaut drifting above a glowing nebula',
  'cozy cabin interior, fireplace, winter evening',
  'mountain lake at sunrise, mirror reflection',
];

/** A dozen images with two LoRAs between them, the first one tagged in several prompts. */
export function sampleImages(count = SUBJECTS.length): A1111Image[] {
  return Array.from({ length: count }, (_, i) => {
    const subject = SUBJECTS[i % SUBJECTS.length]!;
    const loras =
      i % 3 === 0
        ? ' <lora:Watercolor_Style_SDXL:0.8>'
        : i % 3 === 1
          ? ' <lora:Film_Grain_XL:0.6> <lora:Watercolor_Style_SDXL:0.4>'
          : '';
    return {
      file: `${String(i + 1).padStart(5, '0')}-${1000 + i}.png`,
      prompt: `${subject}, masterpiece, highly detailed${loras}`,
      negative: 'lowres, blurry, watermark',
      seed: 1000 + i,
      steps: 28 + (i % 3),
      sampler: i % 2 === 0 ? 'DPM++ 2M Karras' : 'Euler a',
      cfg: 6 + (i % 3) * 0.5,
      width: 208,
      height: 260,
      hue: (i * 47) % 360,
    };
  });
}

/**
 * A small SDXL LoRA from the project's generator, written by a child process: core/lora reads
 * package.json as a JSON module, which tsx loads and Playwright's test loader does not.
 */
export function writeSdxlLora(file: string, options: { rank: number; seed: number }): void {
  const generator = path.resolve(import.meta.dirname, '../core/lora/index.ts');
  const script = `const { generateSdxlLora } = await import(${JSON.stringify(generator)});
await generateSdxlLora(${JSON.stringify(file)}, ${JSON.stringify(options)});`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`generating ${file} failed:\n${run.stderr}`);
}
