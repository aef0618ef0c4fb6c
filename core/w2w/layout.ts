import { AtelierError } from '../api';
import { inLayerSet, type LayerSet, type LowRankModule } from '../lora';
import type { SpaceLayout, SpaceModule } from './w2w.types';

type ModuleShape = Pick<LowRankModule, 'key' | 'target' | 'kind' | 'outFeatures' | 'inFeatures' | 'kernel'>;

/**
 * The layout of a space over some LoRAs: every module of the layer set that any of them has, sorted
 * by key (so the same collection always gives the same coordinates). A LoRA without a module holds
 * zeros there. Two LoRAs disagreeing on a module's shape are not of the same base model.
 */
export function layoutOf(
  loras: readonly { path: string; modules: readonly ModuleShape[] }[],
  layers: LayerSet,
): SpaceLayout {
  const byKey = new Map<string, { module: ModuleShape; path: string }>();
  for (const lora of loras) {
    for (const module of lora.modules) {
      if (!inLayerSet(module.kind, layers)) continue;
      const seen = byKey.get(module.key);
      if (!seen) {
        byKey.set(module.key, { module, path: lora.path });
      } else if (
        seen.module.outFeatures !== module.outFeatures ||
        seen.module.inFeatures !== module.inFeatures
      ) {
        throw new AtelierError(
          'INVALID_INPUT',
          `${lora.path} and ${seen.path} disagree on the shape of ${module.key} ` +
            `(${module.outFeatures}×${module.inFeatures} vs ${seen.module.outFeatures}×${seen.module.inFeatures}): ` +
            'a weight space needs LoRAs of one base model.',
          { module: module.key },
        );
      }
    }
  }
  if (byKey.size === 0) {
    throw new AtelierError('INVALID_INPUT', `None of these LoRAs has a module in the “${layers}” layer set.`);
  }
  const keys = [...byKey.keys()].sort();
  let offset = 0;
  const modules = keys.map((key): SpaceModule => {
    const { module } = byKey.get(key)!;
    const entry = {
      key,
      target: module.target,
      kind: module.kind,
      out: module.outFeatures,
      in: module.inFeatures,
      kernel: module.kernel,
      offset,
    };
    offset += module.outFeatures + module.inFeatures;
    return entry;
  });
  return { modules, dimension: offset };
}

/** The layout as stored in a space file's metadata. */
export function layoutToJson(layout: SpaceLayout): string {
  return JSON.stringify(layout.modules.map((m) => [m.key, m.target, m.kind, m.out, m.in, m.kernel]));
}

export function layoutFromJson(json: string): SpaceLayout {
  const rows = JSON.parse(json) as [
    string,
    SpaceModule['target'],
    SpaceModule['kind'],
    number,
    number,
    [number, number] | null,
  ][];
  let offset = 0;
  const modules = rows.map(([key, target, kind, out, inF, kernel]) => {
    const module = { key, target, kind, out, in: inF, kernel, offset };
    offset += out + inF;
    return module;
  });
  return { modules, dimension: offset };
}

/**
 * Column blocks made of whole modules, each about `width` columns (a module wider than that gets a
 * block of its own), so every pass over a block sees complete rank-1 pairs.
 */
export function moduleBlocks(
  layout: SpaceLayout,
  width: number,
): { start: number; width: number; modules: SpaceModule[] }[] {
  const blocks: { start: number; width: number; modules: SpaceModule[] }[] = [];
  let current: { start: number; width: number; modules: SpaceModule[] } | null = null;
  for (const m of layout.modules) {
    const size = m.out + m.in;
    if (current === null || (current.width + size > width && current.modules.length > 0)) {
      current = { start: m.offset, width: 0, modules: [] };
      blocks.push(current);
    }
    current.width += size;
    current.modules.push(m);
  }
  return blocks;
}
