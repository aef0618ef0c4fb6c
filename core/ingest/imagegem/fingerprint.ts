import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { tableFiles } from './open-table';

export interface FingerprintInput {
  readonly models?: string | undefined;
  readonly images?: string | undefined;
  readonly format: string;
  readonly limit?: number | undefined;
}

function filesOf(input: string | undefined): { path: string; size: number; mtimeMs: number }[] {
  if (input === undefined) return [];
  return tableFiles(input).map((file) => {
    const stat = statSync(file);
    return { path: file, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) };
  });
}

/**
 * Names the input of an import: every file's path, size and modification time, and the options that
 * change which rows are read. A run resumes only over the same fingerprint; a replaced file starts a new
 * run, which adds only what is missing since rows are keyed by Civitai ids.
 */
export function fingerprintOf(input: FingerprintInput): string {
  const description = JSON.stringify({
    format: input.format,
    limit: input.limit ?? null,
    models: filesOf(input.models),
    images: filesOf(input.images),
  });
  return createHash('sha256').update(description).digest('hex');
}
