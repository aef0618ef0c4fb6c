import { AtelierError } from '../api';
import { inLayerSet } from './layer-set';
import { openLora } from './lora-file';
import type { LayerSet, ModuleKind, ModuleTarget } from './lora.types';
import { reduceLowRank } from './reduce';

export interface ModuleSpectrum {
  readonly key: string;
  readonly kind: ModuleKind;
  readonly target: ModuleTarget;
  readonly rank: number;
  /** Singular values of the applied ΔW (alpha/rank included), descending. */
  readonly singularValues: number[];
}

export interface LoraSpectra {
  readonly modules: ModuleSpectrum[];
  readonly skipped: { key: string; reason: string }[];
}

/**
 * Every low-rank module's singular values, from its factors alone (exact, never forming ΔW). A full
 * read of the file; yields to the event loop between modules so the engine keeps answering.
 */
export async function loraSpectra(
  filePath: string,
  options: { layers?: LayerSet; signal?: AbortSignal } = {},
): Promise<LoraSpectra> {
  const lora = await openLora(filePath, { strict: false });
  try {
    const modules: ModuleSpectrum[] = [];
    const skipped: { key: string; reason: string }[] = lora.parsed.problems.map((p) => ({
      key: p.module,
      reason: p.message,
    }));
    for (const module of lora.parsed.modules) {
      if (!inLayerSet(module.kind, options.layers ?? 'all')) continue;
      if (options.signal?.aborted) throw new AtelierError('CANCELLED', 'Reading the spectra was cancelled.');
      if (module.type !== 'lora') {
        skipped.push({ key: module.key, reason: `${module.type} modules have no low-rank factors` });
        continue;
      }
      const [up, down] = await Promise.all([
        lora.reader.readFloat32(module.up.name),
        lora.reader.readFloat32(module.down.name),
      ]);
      const reduced = reduceLowRank(
        {
          up,
          down,
          alpha: module.alpha,
          rank: module.rank,
          outFeatures: module.outFeatures,
          inFeatures: module.inFeatures,
        },
        { kind: 'fixed', rank: 1 },
      );
      if (!reduced.ok) {
        skipped.push({ key: module.key, reason: reduced.problem.message });
        continue;
      }
      modules.push({
        key: module.key,
        kind: module.kind,
        target: module.target,
        rank: module.rank,
        singularValues: Array.from(reduced.report.singularValues),
      });
    }
    return { modules, skipped };
  } finally {
    await lora.close();
  }
}
