import type { LayerSet, ReduceInput, ReduceResult } from '../../api';
import { quartiles } from './spectra.stats';

/** kohya resize_lora's dynamic rules, as `lora.reduce` takes them. */
export type RankRuleName = 'sv_fro' | 'sv_cumulative' | 'sv_ratio';

export interface ReducePlan {
  layers: LayerSet;
  /** The rank to keep; with a dynamic rule, the largest rank allowed (null: no limit). */
  rank: number | null;
  dynamic: { rule: RankRuleName; value: number } | null;
}

export type PartialLayerSet = Exclude<LayerSet, 'all'>;

export const partialLayerSets: readonly PartialLayerSet[] = ['attn_v', 'attn', 'ff', 'ff+attn_v'];

export const layerSetHints: Record<PartialLayerSet, string> = {
  attn_v: 'value projections of self- and cross-attention',
  attn: 'every UNet attention projection',
  ff: 'both feed-forward layers',
  'ff+attn_v': 'feed-forward layers and attention values',
};

export const rankRules: Record<
  RankRuleName,
  { label: string; hint: string; min: number; max: number | null }
> = {
  sv_fro: {
    label: 'Keep a share of the norm (sv_fro)',
    hint: 'Per module, the fewest components whose Frobenius norm reaches this share, e.g. 0.9.',
    min: 0,
    max: 1,
  },
  sv_cumulative: {
    label: 'Keep a share of the singular values (sv_cumulative)',
    hint: 'Per module, the fewest components whose singular values sum to this share, e.g. 0.9.',
    min: 0,
    max: 1,
  },
  sv_ratio: {
    label: 'Drop components far below the first (sv_ratio)',
    hint: 'Keeps the components larger than σ₁ divided by this ratio, e.g. 10.',
    min: 1,
    max: null,
  },
};

const ATTENTION = /^attn[12]_(q|k|v|out)$/;
const ATTENTION_V = /^attn[12]_v$/;
const FEED_FORWARD = /^ff_(in|out)$/;

/** Mirrors core/lora's `inLayerSet`, so the form can say how many modules a choice keeps. */
export function inLayerSet(kind: string, set: LayerSet): boolean {
  switch (set) {
    case 'all':
      return true;
    case 'attn':
      return ATTENTION.test(kind);
    case 'attn_v':
      return ATTENTION_V.test(kind);
    case 'ff':
      return FEED_FORWARD.test(kind);
    case 'ff+attn_v':
      return FEED_FORWARD.test(kind) || ATTENTION_V.test(kind);
  }
}

export function modulesInLayerSet(countsByKind: Readonly<Record<string, number>>, set: LayerSet): number {
  let total = 0;
  for (const [kind, count] of Object.entries(countsByKind)) if (inLayerSet(kind, set)) total += count;
  return total;
}

/** Why a dynamic rule's value cannot be sent, or null when it can. */
export function rankRuleProblem(rule: RankRuleName, value: number): string | null {
  const { min, max } = rankRules[rule];
  if (!Number.isFinite(value)) return 'Enter a number.';
  if (max === null) return value > min ? null : `Enter a ratio above ${min}.`;
  return value > min && value <= max ? null : `Enter a share above ${min} and at most ${max}.`;
}

/** `sv_fro:0.9`: the contract only takes plain decimals, never `1e-3`. */
export function dynamicRuleText(rule: RankRuleName, value: number): string {
  return `${rule}:${trimDecimal(value)}`;
}

function trimDecimal(value: number): string {
  return value.toFixed(6).replace(/\.?0+$/, '');
}

export function describePlan(plan: ReducePlan): string {
  if (!plan.dynamic) return `rank ${plan.rank ?? 1}`;
  return `${plan.dynamic.rule} ${trimDecimal(plan.dynamic.value)}`;
}

/** What the primary button says: what will happen, in the user's words. */
export function reduceButtonLabel(plan: ReducePlan): string {
  return plan.dynamic ? `Reduce with ${describePlan(plan)}` : `Reduce to rank ${plan.rank ?? 1}`;
}

const SAFETENSORS = /\.safetensors$/i;

export interface SplitPath {
  folder: string;
  name: string;
  separator: '/' | '\\';
}

/** Paths come from the host's OS, which the renderer cannot ask: Windows paths are told apart by their backslashes. */
export function splitPath(filePath: string): SplitPath {
  const separator = filePath.includes('\\') && !filePath.includes('/') ? '\\' : '/';
  const at = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  if (at < 0) return { folder: '', name: filePath, separator };
  // Keep the root itself ("/", "C:\") as the folder of a file directly inside it.
  const folder =
    at === 0 || /^[A-Za-z]:$/.test(filePath.slice(0, at)) ? filePath.slice(0, at + 1) : filePath.slice(0, at);
  return { folder, name: filePath.slice(at + 1), separator };
}

export function joinPath(folder: string, name: string): string {
  const trimmed = folder.trim();
  if (trimmed === '') return name;
  const separator = trimmed.includes('\\') && !trimmed.includes('/') ? '\\' : '/';
  return /[\\/]$/.test(trimmed) ? `${trimmed}${name}` : `${trimmed}${separator}${name}`;
}

export function stemOf(fileName: string): string {
  return fileName.replace(SAFETENSORS, '');
}

/** `<stem>-rank1.safetensors`, `<stem>-attn_v-rank1.safetensors`, `<stem>-sv_fro0.9.safetensors`. */
export function suggestFileName(sourcePath: string, plan: ReducePlan): string {
  const parts = [stemOf(splitPath(sourcePath).name)];
  if (plan.layers !== 'all') parts.push(plan.layers);
  parts.push(
    plan.dynamic ? `${plan.dynamic.rule}${trimDecimal(plan.dynamic.value)}` : `rank${plan.rank ?? 1}`,
  );
  return `${parts.join('-')}.safetensors`;
}

/** The name as written: `.safetensors` is added when left off. */
export function outputFileName(name: string): string {
  const trimmed = name.trim();
  return SAFETENSORS.test(trimmed) ? trimmed : `${trimmed}.safetensors`;
}

export function fileNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || stemOf(trimmed) === '') return 'Enter a name for the new file.';
  if (/[\\/]/.test(trimmed)) return 'Enter a name only; choose the folder above.';
  if (/[<>:"|?*]/.test(trimmed)) return 'Leave out the characters < > : " | ? *, which some systems refuse.';
  return null;
}

export function reduceInput(sourcePath: string, plan: ReducePlan, folder: string, name: string): ReduceInput {
  const input: ReduceInput = {
    path: sourcePath,
    out: joinPath(folder, outputFileName(name)),
    layers: plan.layers,
    overwrite: false,
  };
  if (plan.dynamic) {
    input.dynamic = dynamicRuleText(plan.dynamic.rule, plan.dynamic.value);
    if (plan.rank !== null) input.rank = plan.rank;
  } else {
    input.rank = plan.rank ?? 1;
  }
  return input;
}

export interface ReductionSummary {
  kept: number;
  ranks: { rank: number; modules: number }[];
  /** Median over kept modules of the Frobenius share each kept; null when none were kept. */
  medianEnergyKept: number | null;
  /** Modules outside the chosen layer set, when the engine reports the counts. */
  outsideLayers: number | null;
  skipped: number;
  skippedReasons: { reason: string; modules: number }[];
  bytes: { source: number; output: number } | null;
}

function total(totals: Readonly<Record<string, number>>, key: string): number | null {
  const value = totals[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A skip reason without its module key, so identical causes group together. */
function reasonText(key: string, reason: string): string {
  return reason.startsWith(`${key}: `) ? reason.slice(key.length + 2) : reason;
}

export function summarizeReduction(result: ReduceResult): ReductionSummary {
  const ranks = new Map<number, number>();
  for (const module of result.modules) ranks.set(module.newRank, (ranks.get(module.newRank) ?? 0) + 1);
  const reasons = new Map<string, number>();
  for (const { key, reason } of result.skipped) {
    const text = reasonText(key, reason);
    reasons.set(text, (reasons.get(text) ?? 0) + 1);
  }
  const inFile = total(result.totals, 'modulesInFile');
  const selected = total(result.totals, 'modulesSelected');
  const sourceBytes = total(result.totals, 'sourceBytes');
  const outputBytes = total(result.totals, 'outputBytes');
  return {
    kept: result.modules.length,
    ranks: [...ranks].map(([rank, modules]) => ({ rank, modules })).sort((a, b) => a.rank - b.rank),
    medianEnergyKept:
      result.modules.length === 0 ? null : quartiles(result.modules.map((m) => m.energyKept)).median,
    outsideLayers: inFile !== null && selected !== null ? Math.max(0, inFile - selected) : null,
    skipped: result.skipped.length,
    skippedReasons: [...reasons]
      .map(([reason, modules]) => ({ reason, modules }))
      .sort((a, b) => b.modules - a.modules),
    bytes: sourceBytes !== null && outputBytes !== null ? { source: sourceBytes, output: outputBytes } : null,
  };
}
