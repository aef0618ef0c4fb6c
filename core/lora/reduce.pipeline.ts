import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { lstat, open, realpath, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };
import { AtelierError } from '../api';
import { WorkerPool, type WorkerPoolOptions } from '../jobs';
import { detectBaseModel } from './base-model';
import { fileSystemError, invalidLoraFile, outputExists } from './errors';
import { hashLoraFile, type LoraHashes } from './hash';
import { inLayerSet } from './layer-set';
import { openLora } from './lora-file';
import type { BaseModel, LayerSet, LoraModule, ModuleKind, ModuleTarget, TensorRef } from './lora.types';
import { checkRule } from './reduce';
import {
  type BatchModule,
  type ModuleOutcome,
  type OutputDtype,
  type ReduceBatch,
  runReduceBatch,
} from './reduce.batch';
import { ModuleReducer } from './reduce.module';
import type { RankRule } from './reduce.rank';
import type { SafetensorsReader } from './safetensors.reader';
import { type TensorToWrite, writeSafetensors } from './safetensors.writer';

/** A worker pool that runs `reduce.worker`; the engine keeps one so workers start once. */
export type ReducePool = WorkerPool<ReduceBatch, ModuleOutcome[], number>;

/**
 * The worker entry next to this module: `.ts` when running from source (tests, `node --import tsx`),
 * `.js` in a bundle — which must then emit `reduce.worker.js` beside the chunk holding this code, or
 * the host passes `entry`. Returns null when the entry file is missing; reductions then run on the
 * calling thread.
 */
export function createReducePool(
  options: WorkerPoolOptions & { readonly entry?: URL } = {},
): ReducePool | null {
  const { entry: given, ...poolOptions } = options;
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = given ?? new URL(`./reduce.worker${extension}`, import.meta.url);
  if (entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return null;
  return new WorkerPool(entry, { name: 'lora-reduce', ...poolOptions });
}

export interface ReduceFileOptions {
  readonly source: string;
  readonly destination: string;
  readonly rule: RankRule;
  readonly layers: LayerSet;
  /** Default: the source's float dtype (F64 sources are written as F32). */
  readonly outputDtype?: OutputDtype;
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  /** Modules finished so far, of `total` selected. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Where the work runs: a pool the caller keeps (the engine's), `null` for this thread (yielding to
   * the event loop between modules), or by default a pool started for this call and stopped after.
   */
  readonly pool?: ReducePool | null;
  /** The source's hashes when already known (the library has them); otherwise computed, in parallel. */
  readonly sourceHashes?: LoraHashes;
}

export interface ModuleReductionEntry {
  readonly key: string;
  readonly kind: ModuleKind;
  readonly target: ModuleTarget;
  readonly type: LoraModule['type'];
  readonly originalRank: number;
  readonly newRank: number;
  /** Singular values of the module's ΔW (scale included), descending. */
  readonly singularValues: number[];
  /** Frobenius fraction of ΔW kept. */
  readonly energyKept: number;
  /** 'gram' (fast path) or 'householder' (fallback); see reduce.gram.ts. */
  readonly method: 'gram' | 'householder';
}

export interface ReduceFileResult {
  readonly source: string;
  readonly destination: string;
  /** Of the written file. */
  readonly hashes: LoraHashes;
  readonly sourceHashes: LoraHashes;
  readonly outputDtype: OutputDtype;
  readonly modules: ModuleReductionEntry[];
  readonly skipped: { key: string; reason: string }[];
  readonly totals: {
    readonly modulesInFile: number;
    readonly modulesSelected: number;
    readonly modulesReduced: number;
    readonly modulesSkipped: number;
    /** Largest new rank (the file's `ss_network_dim`). */
    readonly maxRank: number;
    readonly sourceBytes: number;
    readonly outputBytes: number;
  };
  /** Milliseconds; phases overlap (the source is hashed while modules are reduced). */
  readonly timings: {
    readonly open: number;
    readonly reduce: number;
    readonly hashSource: number;
    readonly write: number;
    readonly hashOutput: number;
    readonly total: number;
  };
}

const LAYER_SETS: readonly LayerSet[] = ['all', 'attn', 'attn_v', 'ff', 'ff+attn_v'];
const OUTPUT_DTYPES: readonly OutputDtype[] = ['F16', 'BF16', 'F32'];

/** Modules per batch are bounded by bytes: enough work per message, small enough to balance the threads. */
const BATCH_BYTES_MIN = 256 << 10;
const BATCH_BYTES_MAX = 16 << 20;

function cancelled(): AtelierError {
  return new AtelierError('CANCELLED', 'Reducing the LoRA was cancelled.', { reason: 'aborted' });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw cancelled();
}

/**
 * Reduces every module of a LoRA in `layers` to the rank `rule` picks and writes the result as a kohya
 * LoRA (`lora_unet_…`/`lora_te1_…` keys, `.lora_down.weight`, `.lora_up.weight`, scalar F32 `.alpha`
 * equal to the new rank, so the scale is 1). LoHa/LoKr modules are reduced from their dense ΔW when
 * the smaller side is at most DENSE_REDUCE_LIMIT, and skipped with a reason otherwise; DoRA modules and
 * damaged modules are skipped with a reason too. Embedded hashes are recomputed for the new file
 * (`sshs_model_hash`), or dropped where they cannot be (`sshs_legacy_hash`, `modelspec.hash_sha256`).
 *
 * Refuses, before any work and leaving nothing behind: a destination that exists (OUTPUT_EXISTS,
 * unless `overwrite`), the source itself (OUTPUT_EXISTS even with `overwrite`), a folder that cannot be
 * written (PATH_NOT_WRITABLE / PATH_NOT_FOUND). The file appears atomically when complete.
 */
export async function reduceLoraFile(options: ReduceFileOptions): Promise<ReduceFileResult> {
  const started = performance.now();
  const source = path.resolve(options.source);
  const destination = path.resolve(options.destination);
  checkRule(options.rule);
  if (!LAYER_SETS.includes(options.layers)) {
    throw new AtelierError('INVALID_INPUT', `Unknown layer set “${String(options.layers)}”.`, {
      reason: 'bad_layers',
    });
  }
  if (options.outputDtype !== undefined && !OUTPUT_DTYPES.includes(options.outputDtype)) {
    throw new AtelierError('INVALID_INPUT', `Output dtype must be F16, BF16 or F32.`, {
      reason: 'bad_dtype',
    });
  }
  const signal = options.signal;
  throwIfAborted(signal);
  await checkDestination(source, destination, options.overwrite ?? false);

  // The default pool starts now so its threads load while the header is parsed.
  const ownPool = options.pool === undefined ? createReducePool() : null;
  const pool = options.pool === undefined ? ownPool : options.pool;
  pool?.warm();
  // Stops the source hashing when this call fails for any reason, not only on the caller's abort.
  const hashController = new AbortController();
  const stopHashing = () => hashController.abort();
  signal?.addEventListener('abort', stopHashing, { once: true });
  try {
    const lora = await openLora(source, { strict: false });
    const opened = performance.now();
    let hashSourceMs = 0;
    let hashing: Promise<LoraHashes> | undefined;

    let outcomes: ModuleOutcome[];
    const skipped: { key: string; reason: string }[] = lora.parsed.problems.map((p) => ({
      key: p.module,
      reason: p.message,
    }));
    const selected = lora.parsed.modules.filter((m) => inLayerSet(m.kind, options.layers));
    const base = detectBaseModel(lora.parsed.modules, lora.parsed.metadata);
    const modulesInFile = lora.parsed.modules.length + lora.parsed.problems.length;
    const outputDtype = options.outputDtype ?? sourceDtype(selected);
    try {
      if (selected.length === 0) {
        throw new AtelierError(
          'INVALID_INPUT',
          `No module of this LoRA is in the layer set “${options.layers}”; choose another set.`,
          { reason: 'empty_layer_set' },
        );
      }
      // The source is hashed on this thread while the workers reduce.
      hashing = (async () => {
        if (options.sourceHashes !== undefined) return options.sourceHashes;
        const t0 = performance.now();
        const hashes = await hashLoraFile(source, { signal: hashController.signal });
        hashSourceMs = performance.now() - t0;
        return hashes;
      })();
      // Awaited after the reduction; until then a failure must not count as unhandled.
      hashing.catch(() => undefined);
      const entries: BatchModule[] = [];
      for (const module of selected) {
        if (module.type === 'lora' && module.doraScale !== null) {
          skipped.push({
            key: module.key,
            reason: `${module.key}: DoRA modules rescale the base weight, which a plain LoRA cannot express`,
          });
        } else {
          entries.push(batchEntry(lora.reader, module));
        }
      }
      outcomes = await runBatches(lora.reader, entries, outputDtype, options, pool);
    } finally {
      await lora.close();
    }
    const reducedAt = performance.now();

    const byKey = new Map(selected.map((m) => [m.key, m]));
    const reduced = outcomes.filter((o) => o.status === 'reduced');
    for (const o of outcomes) if (o.status === 'skipped') skipped.push({ key: o.key, reason: o.reason });
    if (reduced.length === 0) {
      throw invalidLoraFile('module_problems', 'none of its selected modules could be reduced', source, {
        skipped: skipped.slice(0, 50),
      });
    }
    const tensors: [string, TensorToWrite][] = [];
    for (const outcome of reduced) {
      const module = byKey.get(outcome.key)!;
      tensors.push(...kohyaTensors(module, outcome, outputDtype));
    }
    const maxRank = Math.max(...reduced.map((o) => o.report.newRank));
    const sourceHashes = await hashing;
    throwIfAborted(signal);

    const metadata = reducedMetadata({
      parent: lora.parsed.metadata,
      parentFile: path.basename(source),
      parentHashes: sourceHashes,
      baseModel: base.baseModel,
      destination,
      maxRank,
      rule: options.rule,
      layers: options.layers,
      outputDtype,
    });
    const writeStart = performance.now();
    const written = await writeSafetensors(destination, tensors, {
      metadata,
      overwrite: options.overwrite ?? false,
      sourcePath: source,
      modelHash: 'stamp',
    });
    const writeEnd = performance.now();
    const hashes = await hashLoraFile(destination);
    const done = performance.now();

    const modules: ModuleReductionEntry[] = reduced.map((o) => {
      const m = byKey.get(o.key)!;
      return {
        key: o.key,
        kind: m.kind,
        target: m.target,
        type: m.type,
        originalRank: o.report.originalRank,
        newRank: o.report.newRank,
        singularValues: Array.from(o.report.singularValues),
        energyKept: o.report.energyKept,
        method: o.report.method,
      };
    });
    return {
      source,
      destination,
      hashes,
      sourceHashes,
      outputDtype,
      modules,
      skipped,
      totals: {
        modulesInFile,
        modulesSelected: selected.length,
        modulesReduced: modules.length,
        modulesSkipped: skipped.length,
        maxRank,
        sourceBytes: lora.reader.fileSize,
        outputBytes: written.bytes,
      },
      timings: {
        open: opened - started,
        reduce: reducedAt - opened,
        hashSource: hashSourceMs,
        write: writeEnd - writeStart,
        hashOutput: done - writeEnd,
        total: done - started,
      },
    };
  } catch (error) {
    stopHashing();
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopHashing);
    ownPool?.dispose();
  }
}

function span(reader: SafetensorsReader, ref: TensorRef): { offset: number; length: number } {
  const info = reader.tensor(ref.name);
  return { offset: reader.header.dataOffset + info.begin, length: info.end - info.begin };
}

function batchEntry(reader: SafetensorsReader, module: LoraModule): BatchModule {
  if (module.type === 'lora') {
    return {
      type: 'lora',
      key: module.key,
      module: {
        upDtype: module.up.dtype,
        downDtype: module.down.dtype,
        alpha: module.alpha,
        rank: module.rank,
        outFeatures: module.outFeatures,
        inFeatures: module.inFeatures,
      },
      up: span(reader, module.up),
      down: span(reader, module.down),
    };
  }
  const spans: Record<string, { offset: number; length: number }> = {};
  for (const ref of Object.values(module.tensors)) spans[ref.name] = span(reader, ref);
  return { type: 'dense', key: module.key, module, spans };
}

function entryBytes(entry: BatchModule): number {
  if (entry.type === 'lora') return entry.up.length + entry.down.length;
  return Object.values(entry.spans).reduce((sum, s) => sum + s.length, 0);
}

/** Splits the modules into batches and runs them on the pool (or here), in file order of the result. */
async function runBatches(
  reader: SafetensorsReader,
  entries: readonly BatchModule[],
  outputDtype: OutputDtype,
  options: ReduceFileOptions,
  pool: ReducePool | null,
): Promise<ModuleOutcome[]> {
  const threads = pool?.capacity ?? 1;
  const totalBytes = entries.reduce((sum, e) => sum + entryBytes(e), 0);
  const target = Math.min(BATCH_BYTES_MAX, Math.max(BATCH_BYTES_MIN, totalBytes / (threads * 6)));
  const batches: ReduceBatch[] = [];
  let current: BatchModule[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    batches.push({
      file: reader.path,
      fileSize: reader.fileSize,
      rule: options.rule,
      outputDtype,
      modules: current,
    });
    current = [];
    bytes = 0;
  };
  for (const entry of entries) {
    current.push(entry);
    bytes += entryBytes(entry);
    if (bytes >= target) flush();
  }
  flush();

  let done = 0;
  const total = entries.length;
  const step = () => {
    done++;
    options.onProgress?.(done, total);
  };
  const signal = options.signal;
  if (pool === null) {
    const reducer = new ModuleReducer();
    const results: ModuleOutcome[] = [];
    for (const batch of batches) {
      results.push(
        ...(await runReduceBatch(batch, reducer, async () => {
          step();
          // Yield so the engine keeps answering while a long reduction runs on its thread.
          await new Promise<void>((resolve) => setImmediate(resolve));
          throwIfAborted(signal);
        })),
      );
    }
    return results;
  }
  // One failed batch stops the others: their work would be thrown away.
  const controller = new AbortController();
  // Every batch listens to it; more than Node's default of 10 listeners is expected, not a leak.
  setMaxListeners(batches.length + 10, controller.signal);
  const forward = () => controller.abort();
  signal?.addEventListener('abort', forward, { once: true });
  try {
    const results = await Promise.all(
      batches.map((batch) =>
        pool.run(batch, { signal: controller.signal, onProgress: step }).catch((error: unknown) => {
          controller.abort();
          throw error;
        }),
      ),
    );
    return results.flat();
  } catch (error) {
    if (signal?.aborted === true) throw cancelled();
    throw error;
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}

/** The most common float dtype of the selected modules' weights; F64 is written as F32. */
function sourceDtype(modules: readonly LoraModule[]): OutputDtype {
  const counts = new Map<string, number>();
  for (const m of modules) {
    const refs = m.type === 'lora' ? [m.up, m.down] : Object.values(m.tensors);
    for (const ref of refs) counts.set(ref.dtype, (counts.get(ref.dtype) ?? 0) + 1);
  }
  const [dtype] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['F16'];
  return dtype === 'F64' ? 'F32' : (dtype as OutputDtype);
}

/**
 * A reduced module as kohya writes it. Convolutions keep their k×k down (k×in_ch×kh×kw) and 1×1 up
 * (out×k×1×1); linear layers whose source stored 4-D 1×1 weights keep that layout too.
 */
function kohyaTensors(
  module: LoraModule,
  outcome: Extract<ModuleOutcome, { status: 'reduced' }>,
  dtype: OutputDtype,
): [string, TensorToWrite][] {
  const k = outcome.report.newRank;
  const out = module.outFeatures;
  const fourD = module.kernel !== null || (module.type === 'lora' && module.down.shape.length === 4);
  const [kh, kw] = module.kernel ?? [1, 1];
  const downShape = fourD ? [k, module.inFeatures / (kh * kw), kh, kw] : [k, module.inFeatures];
  const upShape =
    fourD || (module.type === 'lora' && module.up.shape.length === 4) ? [out, k, 1, 1] : [out, k];
  return [
    [`${module.key}.lora_down.weight`, { dtype, shape: downShape, data: outcome.down }],
    [`${module.key}.lora_up.weight`, { dtype, shape: upShape, data: outcome.up }],
    [`${module.key}.alpha`, { dtype: 'F32', shape: [], data: new Float32Array([k]) }],
  ];
}

const BASE_VERSION: Partial<Record<BaseModel, string>> = {
  sdxl: 'sdxl_base_v1-0',
  sd15: 'sd_v1',
  sd2: 'sd_v2',
};
const ARCHITECTURE: Partial<Record<BaseModel, string>> = {
  sdxl: 'stable-diffusion-xl-v1-base/lora',
  sd15: 'stable-diffusion-v1/lora',
};

/** Hashes that describe the bytes of one particular file and so can never be inherited. */
const FILE_HASH_KEYS = ['sshs_model_hash', 'sshs_legacy_hash', 'modelspec.hash_sha256'];

interface MetadataInput {
  readonly parent: Readonly<Record<string, string>>;
  readonly parentFile: string;
  readonly parentHashes: LoraHashes;
  readonly baseModel: BaseModel;
  readonly destination: string;
  readonly maxRank: number;
  readonly rule: RankRule;
  readonly layers: LayerSet;
  readonly outputDtype: OutputDtype;
}

/**
 * The parent's metadata (training details stay useful: tags, dataset, base model), updated for what
 * the file now is, plus where it came from. `sshs_model_hash` is then stamped by the writer with the
 * SHA-256 of the tensor bytes actually written.
 */
function reducedMetadata(input: MetadataInput): Record<string, string> {
  const metadata: Record<string, string> = { ...input.parent };
  for (const key of FILE_HASH_KEYS) delete metadata[key];
  // LyCORIS arguments (algo, conv_dim…) describe a network this file no longer is.
  if (metadata.ss_network_module !== undefined && metadata.ss_network_module !== 'networks.lora') {
    delete metadata.ss_network_args;
  }
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, '');
  metadata.ss_network_module = 'networks.lora';
  metadata.ss_network_dim = String(input.maxRank);
  metadata.ss_network_alpha = String(input.maxRank);
  const baseVersion = metadata.ss_base_model_version ?? BASE_VERSION[input.baseModel];
  if (baseVersion !== undefined) metadata.ss_base_model_version = baseVersion;
  const parentArchitecture = metadata['modelspec.architecture'];
  const architecture =
    parentArchitecture !== undefined
      ? `${parentArchitecture.split('/')[0]}/lora`
      : ARCHITECTURE[input.baseModel];
  if (architecture !== undefined) {
    metadata['modelspec.architecture'] = architecture;
    metadata['modelspec.sai_model_spec'] ??= '1.0.0';
  }
  metadata['modelspec.title'] = path.basename(input.destination).replace(/\.safetensors$/i, '');
  metadata['modelspec.date'] = date;
  metadata['atelier.parent.sha256'] = input.parentHashes.sha256;
  if (input.parentHashes.tensorSha256 !== null) {
    metadata['atelier.parent.tensor_hash'] = input.parentHashes.tensorSha256;
  }
  metadata['atelier.parent.file_name'] = input.parentFile;
  metadata['atelier.operation'] = JSON.stringify({
    op: 'reduce',
    rule: input.rule,
    layers: input.layers,
    dtype: input.outputDtype,
    date: `${date}Z`,
    app: 'atelier',
    version: packageJson.version,
  });
  return metadata;
}

async function resolveReal(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    try {
      return path.join(await realpath(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([resolveReal(a), resolveReal(b)]);
  if (ra === rb) return true;
  try {
    const [sa, sb] = await Promise.all([stat(ra), stat(rb)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** The refusals, checked before any work; the writer checks again atomically when publishing. */
async function checkDestination(source: string, destination: string, overwrite: boolean): Promise<void> {
  if (await sameFile(source, destination)) throw outputExists('destination_is_source', destination);
  const present = await lstat(destination).then(
    () => true,
    () => false,
  );
  if (present && !overwrite) throw outputExists('output_exists', destination);
  // Creating (and removing) a file proves the folder is writable before minutes of work, where a
  // permission check would be fooled by ACLs, read-only mounts and running as root.
  const probe = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${randomBytes(6).toString('hex')}.probe`,
  );
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (error) {
    throw fileSystemError(error, destination, 'write');
  }
}
