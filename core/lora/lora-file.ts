import path from 'node:path';
import { AtelierError } from '../api';
import { type BaseModelDetection, detectBaseModel } from './base-model';
import type { Dtype } from './dtype';
import { invalidLoraFile } from './errors';
import { parseLora } from './formats/lora.parser';
import type { LoraProblem, ParsedLora } from './formats/parsed-lora.types';
import type { LoraFormat, LoraModule, ModuleKind, ModuleTarget } from './lora.types';
import { SafetensorsReader } from './safetensors.reader';

export interface ModuleSummary {
  readonly key: string;
  readonly target: ModuleTarget;
  readonly kind: ModuleKind;
  readonly type: LoraModule['type'];
  /** Low-rank modules: their rank. LoHa: the factor rank. LoKr: its low-rank factor's rank, null if full. */
  readonly rank: number | null;
  readonly alpha: number | null;
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly kernel: readonly [number, number] | null;
  readonly dora: boolean;
}

export interface LoraInspection {
  readonly path: string;
  readonly fileName: string;
  readonly fileSize: number;
  readonly format: LoraFormat;
  readonly base: BaseModelDetection;
  readonly tensorCount: number;
  readonly dtypes: Partial<Record<Dtype, number>>;
  readonly moduleCount: number;
  readonly countsByKind: Partial<Record<ModuleKind, number>>;
  readonly countsByTarget: Partial<Record<ModuleTarget, number>>;
  readonly modules: ModuleSummary[];
  /** Ranks in use, most common first. */
  readonly ranks: { rank: number; modules: number }[];
  /** kohya training fields (`ss_*`, `sshs_*`). */
  readonly training: Record<string, string>;
  /** `modelspec.*` fields. */
  readonly modelspec: Record<string, string>;
  /** Everything else in `__metadata__`. */
  readonly otherMetadata: Record<string, string>;
  readonly problems: LoraProblem[];
  readonly unmatchedKeys: string[];
  readonly doraModules: number;
  /** Whether weights were scanned for NaN/Inf (`checkValues`). */
  readonly valuesChecked: boolean;
}

export interface InspectOptions {
  /** Read every weight to find NaN/Inf — a full read of the file, so off by default. */
  readonly checkValues?: boolean;
  readonly signal?: AbortSignal;
}

function rankOf(module: LoraModule): number | null {
  if (module.type === 'lora') return module.rank;
  const factor = module.tensors.hada_w1_b ?? module.tensors.lokr_w2_b ?? module.tensors.lokr_w1_b;
  return factor?.shape[0] ?? null;
}

function summarize(module: LoraModule): ModuleSummary {
  return {
    key: module.key,
    target: module.target,
    kind: module.kind,
    type: module.type,
    rank: rankOf(module),
    alpha: module.alpha,
    outFeatures: module.outFeatures,
    inFeatures: module.inFeatures,
    kernel: module.kernel,
    dora: module.type === 'lora' ? module.doraScale !== null : 'dora' in module.tensors,
  };
}

function count<K extends string>(values: Iterable<K>): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function splitMetadata(metadata: Readonly<Record<string, string>>) {
  const training: Record<string, string> = {};
  const modelspec: Record<string, string> = {};
  const otherMetadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith('ss_') || key.startsWith('sshs_')) training[key] = value;
    else if (key.startsWith('modelspec.')) modelspec[key] = value;
    else otherMetadata[key] = value;
  }
  return { training, modelspec, otherMetadata };
}

function tensorsOf(module: LoraModule) {
  if (module.type === 'lora')
    return module.doraScale === null ? [module.up, module.down] : [module.up, module.down, module.doraScale];
  return Object.values(module.tensors);
}

/**
 * Reads every weight of every module and reports NaN/Inf as problems; the module is moved out of
 * `modules`, since applying it would poison the image.
 */
async function checkValues(
  reader: SafetensorsReader,
  parsed: ParsedLora,
  signal?: AbortSignal,
): Promise<ParsedLora> {
  const modules: LoraModule[] = [];
  const problems = [...parsed.problems];
  for (const module of parsed.modules) {
    if (signal?.aborted === true)
      throw new AtelierError('CANCELLED', 'Checking the LoRA was cancelled.', { reason: 'aborted' });
    let nan = 0;
    let inf = 0;
    let firstBad = '';
    for (const ref of tensorsOf(module)) {
      const values = await reader.readFloat32(ref.name);
      for (const value of values) {
        if (Number.isNaN(value)) nan++;
        else if (value === Infinity || value === -Infinity) inf++;
        else continue;
        if (firstBad === '') firstBad = ref.name;
      }
    }
    if (nan > 0)
      problems.push({
        module: module.key,
        kind: 'nan',
        message: `${module.key}: ${nan} NaN values (first in ${firstBad})`,
      });
    if (inf > 0)
      problems.push({
        module: module.key,
        kind: 'inf',
        message: `${module.key}: ${inf} infinite values (first in ${firstBad})`,
      });
    if (nan === 0 && inf === 0) modules.push(module);
  }
  return { ...parsed, modules, problems };
}

/** An open LoRA: its normalized modules and the reader that serves their tensors. Close when done. */
export interface OpenedLora {
  readonly path: string;
  readonly reader: SafetensorsReader;
  readonly parsed: ParsedLora;
  close(): Promise<void>;
}

export interface OpenLoraOptions extends InspectOptions {
  /** Refuse a LoRA with any module problem (INVALID_LORA_FILE, reason = the first problem's kind); default true. */
  readonly strict?: boolean;
}

/** Throws INVALID_LORA_FILE when a parsed LoRA has module problems; reason is the first problem's kind. */
export function assertUsable(parsed: ParsedLora, filePath?: string): void {
  const first = parsed.problems[0];
  if (first === undefined) return;
  throw invalidLoraFile(
    first.kind,
    `${parsed.problems.length} module(s) are unusable (${first.message})`,
    filePath,
    { module: first.module, problems: parsed.problems.slice(0, 50) },
  );
}

export async function openLora(filePath: string, options: OpenLoraOptions = {}): Promise<OpenedLora> {
  const reader = await SafetensorsReader.open(filePath);
  try {
    let parsed = await parseLora(reader);
    if (options.checkValues === true) parsed = await checkValues(reader, parsed, options.signal);
    if (options.strict ?? true) assertUsable(parsed, filePath);
    return { path: filePath, reader, parsed, close: () => reader.close() };
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/** Everything a UI shows about a LoRA file. Module problems are reported, not thrown; file-level damage throws. */
export async function inspectLora(filePath: string, options: InspectOptions = {}): Promise<LoraInspection> {
  const lora = await openLora(filePath, { ...options, strict: false });
  try {
    const { parsed, reader } = lora;
    const modules = parsed.modules.map(summarize);
    const rankCounts = count(modules.flatMap((m) => (m.rank === null ? [] : [String(m.rank)])));
    const ranks = Object.entries(rankCounts)
      .map(([rank, n]) => ({ rank: Number(rank), modules: n ?? 0 }))
      .sort((a, b) => b.modules - a.modules || a.rank - b.rank);
    return {
      path: filePath,
      fileName: path.basename(filePath),
      fileSize: reader.fileSize,
      format: parsed.format,
      base: detectBaseModel(parsed.modules, parsed.metadata),
      tensorCount: reader.tensors.size,
      dtypes: count([...reader.tensors.values()].map((t) => t.dtype)),
      moduleCount: modules.length,
      countsByKind: count(modules.map((m) => m.kind)),
      countsByTarget: count(modules.map((m) => m.target)),
      modules,
      ranks,
      ...splitMetadata(parsed.metadata),
      problems: parsed.problems,
      unmatchedKeys: parsed.unmatchedKeys,
      doraModules: parsed.doraModules,
      valuesChecked: options.checkValues === true,
    };
  } finally {
    await lora.close();
  }
}
