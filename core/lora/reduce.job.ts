import { existsSync } from 'node:fs';
import path from 'node:path';
import { AtelierError, ReduceInput, ReduceResult } from '../api';
import type { JobContext } from '../jobs';
import type { RankRule } from './reduce';
import { reduceLoraFile } from './reduce.pipeline';
import type { ReducePool } from './reduce.pipeline';

export const REDUCE_JOB = 'lora.reduce';

/** `--rank k` alone keeps k; with `--dynamic rule:value` it caps the dynamic rank, as kohya's --new_rank does. */
export function rankRuleOf(input: Pick<ReduceInput, 'rank' | 'dynamic'>): RankRule {
  if (!input.dynamic) return { kind: 'fixed', rank: input.rank ?? 1 };
  const [kind, raw] = input.dynamic.split(':') as ['sv_ratio' | 'sv_fro' | 'sv_cumulative', string];
  const value = Number(raw);
  const maxRank = input.rank === undefined ? {} : { maxRank: input.rank };
  return kind === 'sv_ratio' ? { kind, ratio: value, ...maxRank } : { kind, target: value, ...maxRank };
}

/**
 * A name that says what was done (`portrait-attn_v-rank1.safetensors`) and is new in its folder:
 * ComfyUI caches LoRAs by name, so an edit must never reuse one.
 */
export function suggestOutputPath(
  input: Pick<ReduceInput, 'path' | 'outDir' | 'rank' | 'dynamic' | 'layers'>,
): string {
  const stem = path.basename(input.path).replace(/\.safetensors$/i, '');
  const layers = input.layers === 'all' ? '' : `-${input.layers.replace('+', '_')}`;
  const rank = input.dynamic ? `-${input.dynamic.replace(':', '')}` : `-rank${input.rank ?? 1}`;
  const folder = input.outDir ?? path.dirname(input.path);
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, `${stem}${layers}${rank}${n === 1 ? '' : `-${n}`}.safetensors`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Checks a reduction's output before its job starts, so the caller gets a typed error it can show on the
 * file-name field instead of a failed job. The pipeline checks again when it writes.
 */
export function assertOutputFree(input: Pick<ReduceInput, 'path' | 'out' | 'overwrite'>): void {
  if (input.out === undefined || input.overwrite) return;
  const out = path.resolve(input.out);
  if (out === path.resolve(input.path)) {
    throw new AtelierError(
      'OUTPUT_EXISTS',
      `${out} is the file being reduced; Atelier never writes over its source.`,
    );
  }
  if (existsSync(out)) {
    throw new AtelierError(
      'OUTPUT_EXISTS',
      `${out} already exists. Choose another name, or allow replacing it.`,
    );
  }
}

/** The job body of `lora.reduce`: the pipeline with the job's progress and cancellation. */
export function reduceJob(pool: () => ReducePool | null) {
  return async (rawInput: unknown, context: JobContext): Promise<ReduceResult> => {
    const input = ReduceInput.parse(rawInput);
    const source = path.resolve(input.path);
    const destination = path.resolve(input.out ?? suggestOutputPath({ ...input, path: source }));
    const result = await reduceLoraFile({
      source,
      destination,
      rule: rankRuleOf(input),
      layers: input.layers,
      overwrite: input.overwrite,
      signal: context.signal,
      pool: pool(),
      onProgress: (done, total) =>
        context.report(total > 0 ? done / total : null, `${done} of ${total} modules`),
      ...(input.dtype ? { outputDtype: input.dtype } : {}),
    });
    return ReduceResult.parse({
      source: result.source,
      destination: result.destination,
      hashes: result.hashes,
      modules: result.modules,
      skipped: result.skipped,
      totals: result.totals,
      timings: result.timings,
    });
  };
}
