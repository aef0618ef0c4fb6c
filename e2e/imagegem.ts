import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface ImageGemSample {
  imagesPath: string;
  modelsPath: string;
  expected: { images: number; models: number; versions: number; longPrompts: number };
}

/**
 * ImageGem-shaped Parquet tables from the importer's own generator, run as its CLI (in a process of its
 * own, as the benchmark does) so the test sees core/ingest only from the outside.
 */
export function generateImageGemSample(
  dir: string,
  rows: { images: number; models: number; users: number },
): ImageGemSample {
  const cli = path.resolve(import.meta.dirname, '../core/ingest/imagegem/fixtures/generate.cli.ts');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', cli, dir, String(rows.images), String(rows.models), String(rows.users), 'parquet'],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`generating the ImageGem sample failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as ImageGemSample;
}
