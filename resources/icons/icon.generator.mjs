#!/usr/bin/env node
// Draws resources/icons/icon.png (512×512 RGBA) with no image library, so the icon can be
// regenerated anywhere: `node resources/icons/icon.generator.mjs`. electron-builder derives the
// Windows .ico and macOS .icns from it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // per axis, for anti-aliased edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes row-major RGBA bytes (width×height×4) as a PNG file. */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const mix = (a, b, t) => a + (b - a) * t;

function insideRoundedSquare(x, y, inset, radius) {
  const min = inset + radius;
  const max = SIZE - inset - radius;
  const dx = Math.max(min - x, 0, x - max);
  const dy = Math.max(min - y, 0, y - max);
  return dx * dx + dy * dy <= radius * radius;
}

/** Colour of one sample: a dark tile with a violet-to-amber wash and three paint dabs. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y, 24, 96)) return [0, 0, 0, 0];
  const t = (x + y) / (2 * SIZE);
  let color = [mix(40, 24, t), mix(30, 22, t), mix(64, 34, t)];
  const dabs = [
    { cx: 210, cy: 220, r: 110, rgb: [139, 92, 246] },
    { cx: 310, cy: 230, r: 95, rgb: [245, 158, 11] },
    { cx: 256, cy: 320, r: 100, rgb: [236, 72, 153] },
  ];
  for (const dab of dabs) {
    if ((x - dab.cx) ** 2 + (y - dab.cy) ** 2 <= dab.r ** 2)
      color = color.map((c, i) => mix(c, dab.rgb[i], 0.72));
  }
  return [...color, 255];
}

export function drawIcon() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = sample(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          // Premultiplied, so transparent samples do not darken the edge.
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const offset = (y * SIZE + x) * 4;
      const alpha = sum[3] / (SAMPLES * SAMPLES);
      for (let i = 0; i < 3; i++) rgba[offset + i] = sum[3] === 0 ? 0 : Math.round(sum[i] / sum[3]);
      rgba[offset + 3] = Math.round(alpha);
    }
  }
  return encodePng(SIZE, SIZE, rgba);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const out = path.join(import.meta.dirname, 'icon.png');
  writeFileSync(out, drawIcon());
  console.log(`wrote ${out}`);
}
