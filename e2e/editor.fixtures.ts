import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSdxlLora } from '../core/lora';

/** mulberry32 + Box–Muller: a seeded normal stream, so every run plants the same weights. */
function normals(seed: number, count: number, std: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = Math.max(uniform(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform()) * std;
  }
  return out;
}

function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function add(target: Float32Array, source: Float32Array, weight: number): Float32Array {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + weight * source[i]!;
  return target;
}

export interface StyleLora {
  stem: string;
  path: string;
  style: 'anime' | 'realistic';
  ink: boolean;
}

/**
 * Tiny rank-1 SDXL LoRAs in two planted styles: every module's lora_up is a pattern shared by the
 * style plus the file's own noise, and every other file adds an "ink" pattern on top, so both a
 * style direction and an ink direction are learnable from the Civitai tags the sidecars carry.
 */
export async function writeStyleLoras(folder: string, perStyle: number): Promise<StyleLora[]> {
  mkdirSync(folder, { recursive: true });
  const loras: StyleLora[] = [];
  for (const style of ['anime', 'realistic'] as const) {
    for (let i = 0; i < perStyle; i++) {
      const ink = i % 2 === 1;
      const stem = `${style}_${ink ? 'ink_' : ''}${String(i + 1).padStart(2, '0')}`;
      const file = path.join(folder, `${stem}.safetensors`);
      // How strongly each file carries its style and ink, so the map shows a spread, not two dots.
      const styleWeight = 0.5 + (i / Math.max(1, perStyle - 1)) * 1.0;
      const inkWeight = 0.5 + (((i * 3) % perStyle) / Math.max(1, perStyle - 1)) * 1.0;
      await generateSdxlLora(file, {
        rank: 1,
        alpha: 1,
        scale: 32,
        textEncoders: false,
        seed: seedOf(stem),
        factors: ({ module, role, shape }) => {
          const count = shape.reduce((a, b) => a * b, 1);
          if (role === 'down') {
            // One shared down vector per module keeps the rank-1 split (and its sign) the same across files.
            return add(
              normals(seedOf(`${module.key}:down`), count, 1),
              normals(seedOf(`${stem}:${module.key}:down`), count, 0.3),
              1,
            );
          }
          const up = normals(seedOf(`${stem}:${module.key}:up`), count, 0.01);
          add(up, normals(seedOf(`${module.key}:${style}`), count, 0.02), styleWeight);
          if (ink) add(up, normals(seedOf(`${module.key}:ink`), count, 0.015), inkWeight);
          return up;
        },
      });
      // Each file its own Civitai ids: the library keys sidecar metadata by version id.
      const id = 5000 + loras.length;
      const sidecar = {
        id,
        modelId: id + 1000,
        name: 'v1.0',
        baseModel: 'SDXL 1.0',
        trainedWords: [`${style} style`],
        description: `<p>A ${style} style study.</p>`,
        model: {
          name: `${style === 'anime' ? 'Anime' : 'Realistic'} ${ink ? 'Ink ' : ''}Study ${i + 1}`,
          tags: [style, 'style', ...(ink ? ['ink'] : [])],
          nsfw: false,
        },
        images: [],
      };
      writeFileSync(path.join(folder, `${stem}.civitai.info`), JSON.stringify(sidecar, null, 2));
      loras.push({ stem, path: file, style, ink });
    }
  }
  return loras;
}
