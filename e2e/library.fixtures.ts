import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SampleLora {
  stem: string;
  seed: number;
}

/** A handful of tiny SDXL LoRAs (rank 2, no text encoders), written by the real generator in one child process. */
export function writeTinyLoras(folder: string, loras: readonly SampleLora[]): void {
  mkdirSync(folder, { recursive: true });
  const generator = path.resolve(import.meta.dirname, '../core/lora/index.ts');
  const jobs = loras.map((lora) => ({
    file: path.join(folder, `${lora.stem}.safetensors`),
    options: { rank: 2, scale: 32, textEncoders: false, seed: lora.seed },
  }));
  const script = `const { generateSdxlLora } = await import(${JSON.stringify(generator)});
for (const job of ${JSON.stringify(jobs)}) await generateSdxlLora(job.file, job.options);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`generating LoRAs failed:\n${run.stderr}`);
}

/** A Civitai helper sidecar (`<stem>.civitai.info`) with names, base model, tags and trained words. */
export function writeCivitaiInfo(
  folder: string,
  stem: string,
  info: {
    model: string;
    version: string;
    baseModel: string;
    tags: string[];
    trainedWords: string[];
    description: string;
  },
): void {
  const body = {
    id: 424242,
    modelId: 4242,
    name: info.version,
    baseModel: info.baseModel,
    trainedWords: info.trainedWords,
    description: info.description,
    model: { name: info.model, tags: info.tags, nsfw: false, description: info.description },
    images: [],
  };
  writeFileSync(path.join(folder, `${stem}.civitai.info`), JSON.stringify(body, null, 2));
}
