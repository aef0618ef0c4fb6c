import { open, type FileHandle } from 'node:fs/promises';
import { AtelierError } from '../api';
import {
  decodeFloat32,
  encodeFloat,
  float32ToBfloat16Bits,
  float32ToHalfBits,
  type FloatDtype,
} from './dtype';
import { invalidLoraFile } from './errors';
import { denseDelta } from './formats/delta';
import type { DenseOnlyModule, TensorRef } from './lora.types';
import {
  DENSE_REDUCE_LIMIT,
  type ModuleReducer,
  reduceDense,
  type StoredLowRankModule,
} from './reduce.module';
import type { RankRule, ReducedFactors, ReductionReport } from './reduce.rank';

/** Where a tensor's bytes are: absolute offset in the file and length. */
export interface FileSpan {
  readonly offset: number;
  readonly length: number;
}

export type BatchModule =
  | {
      readonly type: 'lora';
      readonly key: string;
      readonly module: StoredLowRankModule;
      readonly up: FileSpan;
      readonly down: FileSpan;
    }
  | {
      readonly type: 'dense';
      readonly key: string;
      readonly module: DenseOnlyModule;
      /** By tensor name. */
      readonly spans: Readonly<Record<string, FileSpan>>;
    };

/** A unit of work for one thread: some modules of one file. Plain data, so it crosses to a worker. */
export interface ReduceBatch {
  readonly file: string;
  /** The size the file had when its header was read; a different size means it changed meanwhile. */
  readonly fileSize: number;
  readonly rule: RankRule;
  /** The dtype new factors are encoded to, here rather than on the writing thread. */
  readonly outputDtype: OutputDtype;
  readonly modules: readonly BatchModule[];
}

export type OutputDtype = Extract<FloatDtype, 'F16' | 'BF16' | 'F32'>;

export type ModuleOutcome =
  | {
      readonly key: string;
      readonly status: 'reduced';
      /** out×k row-major, little-endian bytes of the batch's output dtype. */
      readonly up: Uint8Array;
      /** k×in row-major, likewise. */
      readonly down: Uint8Array;
      readonly report: ReductionReport;
    }
  | { readonly key: string; readonly status: 'skipped'; readonly reason: string };

/**
 * Reduces one batch: opens the file, reads each module's bytes with positional reads, reduces, closes.
 * The next module's bytes are read while the current one is reduced, so the thread never waits on the
 * disk (or the page cache) between modules. `afterModule` runs after each module (progress; the
 * in-thread caller also yields to the event loop there).
 */
export async function runReduceBatch(
  batch: ReduceBatch,
  reducer: ModuleReducer,
  afterModule: () => Promise<void> | void = () => undefined,
): Promise<ModuleOutcome[]> {
  let handle: FileHandle;
  try {
    handle = await open(batch.file, 'r');
  } catch {
    throw invalidLoraFile(
      'data_truncated',
      'it disappeared or became unreadable while being read',
      batch.file,
    );
  }
  let prefetch: Promise<Factors> | null = null;
  try {
    if ((await handle.stat()).size !== batch.fileSize) {
      throw invalidLoraFile('data_truncated', 'it changed on disk while being read', batch.file);
    }
    const buffers = new AlternatingBuffers();
    const fetch = (entry: LoraEntry): Promise<Factors> => {
      const promise = readFactors(handle, entry, buffers, batch.file);
      // Awaited below; if the batch stops first, its failure must not count as unhandled.
      promise.catch(() => undefined);
      return promise;
    };
    const outcomes: ModuleOutcome[] = [];
    for (let i = 0; i < batch.modules.length; i++) {
      const entry = batch.modules[i]!;
      if (entry.type === 'lora') {
        const factors = await (prefetch ?? fetch(entry));
        const next = batch.modules[i + 1];
        prefetch = next?.type === 'lora' ? fetch(next) : null;
        outcomes.push(reduceStored(entry, factors, batch, reducer));
      } else {
        outcomes.push(await reduceLycoris(handle, batch, entry));
      }
      await afterModule();
    }
    return outcomes;
  } finally {
    // A read still in flight must finish before its handle closes.
    await prefetch?.catch(() => undefined);
    await handle.close();
  }
}

type LoraEntry = Extract<BatchModule, { type: 'lora' }>;

interface Factors {
  readonly up: Uint8Array;
  readonly down: Uint8Array;
}

/** Two buffers used in turn: one is read into while the other's module is reduced. */
class AlternatingBuffers {
  private readonly buffers = [new Uint8Array(0), new Uint8Array(0)];
  private turn = 0;

  next(bytes: number): Uint8Array {
    const i = this.turn;
    this.turn ^= 1;
    if (this.buffers[i]!.byteLength < bytes) this.buffers[i] = new Uint8Array(bytes);
    return this.buffers[i]!.subarray(0, bytes);
  }
}

/** Bytes between up and down still read in one go rather than two reads (alpha sits there in kohya files). */
const READ_GAP = 64 << 10;

function readFactors(
  handle: FileHandle,
  entry: LoraEntry,
  buffers: AlternatingBuffers,
  file: string,
): Promise<Factors> {
  const { up, down } = entry;
  const first = Math.min(up.offset, down.offset);
  const last = Math.max(up.offset + up.length, down.offset + down.length);
  if (last - first <= up.length + down.length + READ_GAP) {
    const buffer = buffers.next(last - first);
    return readSpan(handle, { offset: first, length: last - first }, buffer, file).then(() => ({
      up: buffer.subarray(up.offset - first, up.offset - first + up.length),
      down: buffer.subarray(down.offset - first, down.offset - first + down.length),
    }));
  }
  const buffer = buffers.next(up.length + down.length);
  const upBytes = buffer.subarray(0, up.length);
  const downBytes = buffer.subarray(up.length);
  return Promise.all([readSpan(handle, up, upBytes, file), readSpan(handle, down, downBytes, file)]).then(
    () => ({ up: upBytes, down: downBytes }),
  );
}

async function readSpan(handle: FileHandle, span: FileSpan, into: Uint8Array, file: string): Promise<void> {
  if (into.byteLength !== span.length)
    throw new RangeError(`read of ${span.length} bytes into ${into.byteLength}`);
  let done = 0;
  while (done < span.length) {
    const { bytesRead } = await handle.read(into, done, span.length - done, span.offset + done);
    if (bytesRead === 0) throw invalidLoraFile('data_truncated', 'the file ended while reading it', file);
    done += bytesRead;
  }
}

function reduceStored(
  entry: LoraEntry,
  factors: Factors,
  batch: ReduceBatch,
  reducer: ModuleReducer,
): ModuleOutcome {
  const result = reducer.reduce(entry.module, factors.up, factors.down, batch.rule);
  if (!result.ok) return { key: entry.key, status: 'skipped', reason: result.problem.message };
  return reducedOutcome(entry.key, result.factors, result.report, batch.outputDtype);
}

async function reduceLycoris(
  handle: FileHandle,
  batch: ReduceBatch,
  entry: Extract<BatchModule, { type: 'dense' }>,
): Promise<ModuleOutcome> {
  const { module } = entry;
  const p = Math.min(module.outFeatures, module.inFeatures);
  if (p > DENSE_REDUCE_LIMIT) {
    return {
      key: entry.key,
      status: 'skipped',
      reason: `${module.type} module of ${module.outFeatures}×${module.inFeatures}: its dense ΔW is too large for an exact SVD here (limit ${DENSE_REDUCE_LIMIT} on the smaller side)`,
    };
  }
  const load = async (ref: TensorRef): Promise<Float32Array> => {
    const span = entry.spans[ref.name];
    if (span === undefined) throw new RangeError(`no span for ${ref.name}`);
    const bytes = new Uint8Array(span.length);
    await readSpan(handle, span, bytes, batch.file);
    return decodeFloat32(bytes, ref.dtype satisfies FloatDtype);
  };
  const delta = await denseDelta(module, load);
  for (let i = 0; i < delta.length; i++) {
    if (!Number.isFinite(delta[i]!)) {
      return {
        key: entry.key,
        status: 'skipped',
        reason: `${module.key}: ΔW holds ${delta[i]} at index ${i}`,
      };
    }
  }
  const result = reduceDense(delta, module.outFeatures, module.inFeatures, batch.rule);
  if (!result.ok) return { key: entry.key, status: 'skipped', reason: result.problem.message };
  return reducedOutcome(entry.key, result.factors, result.report, batch.outputDtype);
}

const HALF_MAX = 65504;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function reducedOutcome(
  key: string,
  factors: ReducedFactors,
  report: ReductionReport,
  dtype: OutputDtype,
): ModuleOutcome {
  return {
    key,
    status: 'reduced',
    up: encode(factors.up, dtype, key),
    down: encode(factors.down, dtype, key),
    report,
  };
}

/**
 * Float32 → stored bytes, on the worker so the writing thread only copies. Writes 16-bit codes into a
 * Uint16Array directly, several times faster than a DataView per value. Half precision refuses values
 * it would turn into Inf rather than write a LoRA that poisons every image.
 */
function encode(values: Float32Array, dtype: OutputDtype, key: string): Uint8Array {
  if (!LITTLE_ENDIAN || dtype === 'F32') return encodeFloat(values, dtype);
  const codes = new Uint16Array(values.length);
  if (dtype === 'BF16') {
    for (let i = 0; i < values.length; i++) codes[i] = float32ToBfloat16Bits(values[i]!);
  } else {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(Math.abs(v) <= HALF_MAX)) {
        throw new AtelierError(
          'INVALID_INPUT',
          `${key} has a weight of ${v}, beyond half precision; export as BF16 or F32 instead.`,
          { reason: 'f16_overflow', module: key },
        );
      }
      codes[i] = float32ToHalfBits(v);
    }
  }
  return new Uint8Array(codes.buffer);
}
