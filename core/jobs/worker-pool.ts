import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, type TransferListItem } from 'node:worker_threads';
import { AtelierError, isAtelierError, type WireError } from '../api';
import type { Disposable } from '../common';

/**
 * A small pool of worker threads running one entry module, for CPU-heavy work (SVD over hundreds of MB,
 * decoding) that must not block the engine's event loop. Tasks queue and go to the first idle worker;
 * workers start lazily and stay until `dispose`, so a pool the engine keeps pays start-up once.
 * Cancelling a task that is running terminates its worker: CPU-bound code cannot be interrupted any
 * other way, and a fresh worker replaces it on demand.
 */

export interface WorkerPoolOptions {
  /** Most workers at once; default os.availableParallelism(). */
  readonly size?: number;
  /** Thread name prefix, shown in debuggers and profiles. */
  readonly name?: string;
}

export interface RunOptions<P> {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: P) => void;
  /** Buffers moved to the worker instead of copied; they are unusable here afterwards. */
  readonly transfer?: readonly TransferListItem[];
}

type ToWorker<T> = { readonly id: number; readonly task: T };
type FromWorker<R, P> =
  | { readonly id: number; readonly kind: 'progress'; readonly progress: P }
  | { readonly id: number; readonly kind: 'result'; readonly result: R }
  | { readonly id: number; readonly kind: 'error'; readonly error: WireError | { readonly message: string } };

interface Pending<T, R, P> {
  readonly id: number;
  readonly task: T;
  readonly options: RunOptions<P>;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

interface Slot<T, R, P> {
  readonly worker: Worker;
  current: Pending<T, R, P> | null;
}

function cancelled(): AtelierError {
  return new AtelierError('CANCELLED', 'The operation was cancelled.', { reason: 'aborted' });
}

export class WorkerPool<T, R, P = never> implements Disposable {
  private readonly size: number;
  private readonly name: string;
  private readonly slots = new Set<Slot<T, R, P>>();
  private readonly queue: Pending<T, R, P>[] = [];
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly entry: URL,
    options: WorkerPoolOptions = {},
  ) {
    this.size = Math.max(1, Math.floor(options.size ?? os.availableParallelism()));
    this.name = options.name ?? path.basename(fileURLToPath(entry));
  }

  /** Workers currently alive (started and not terminated). */
  get workers(): number {
    return this.slots.size;
  }

  get capacity(): number {
    return this.size;
  }

  /** Starts every worker now, so the first tasks do not wait for module loading. */
  warm(): void {
    while (!this.disposed && this.slots.size < this.size) this.spawn();
  }

  run(task: T, options: RunOptions<P> = {}): Promise<R> {
    if (this.disposed) return Promise.reject(cancelled());
    if (options.signal?.aborted === true) return Promise.reject(cancelled());
    return new Promise<R>((resolve, reject) => {
      const id = this.nextId++;
      const onAbort = () => this.abort(id);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => options.signal?.removeEventListener('abort', onAbort);
      this.queue.push({ id, task, options, resolve, reject, cleanup });
      this.pump();
    });
  }

  /** Terminates every worker; queued and running tasks reject with CANCELLED. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const pending of this.queue.splice(0)) this.settle(pending, cancelled());
    for (const slot of [...this.slots]) {
      if (slot.current !== null) this.settle(slot.current, cancelled());
      this.kill(slot);
    }
  }

  private pump(): void {
    while (!this.disposed && this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.current === null);
      if (slot === undefined) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.worker.ref();
      const message: ToWorker<T> = { id: pending.id, task: pending.task };
      slot.worker.postMessage(message, pending.options.transfer ?? []);
    }
  }

  private spawn(): Slot<T, R, P> {
    const worker = startWorker(this.entry, `${this.name} #${this.slots.size + 1}`);
    const slot: Slot<T, R, P> = { worker, current: null };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker<R, P>) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onCrash(slot, error));
    worker.on('exit', (code) => {
      if (this.slots.has(slot)) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    worker.unref();
    return slot;
  }

  private onMessage(slot: Slot<T, R, P>, message: FromWorker<R, P>): void {
    const pending = slot.current;
    if (pending === null || pending.id !== message.id) return;
    switch (message.kind) {
      case 'progress':
        pending.options.onProgress?.(message.progress);
        return;
      case 'result':
        this.release(slot);
        this.settle(pending, null, message.result);
        break;
      case 'error': {
        this.release(slot);
        const error = message.error;
        this.settle(
          pending,
          'code' in error ? AtelierError.fromWire(error) : new Error(`worker failed: ${error.message}`),
        );
        break;
      }
    }
    this.pump();
  }

  /** An idle worker must not keep the process alive; a busy one must, or the process could exit mid-task. */
  private release(slot: Slot<T, R, P>): void {
    slot.current = null;
    slot.worker.unref();
  }

  private onCrash(slot: Slot<T, R, P>, error: Error): void {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    if (slot.current !== null) {
      this.settle(
        slot.current,
        new AtelierError('INTERNAL', `A background worker (${this.name}) failed: ${error.message}`),
      );
    }
    void slot.worker.terminate();
    this.pump();
  }

  private abort(id: number): void {
    const queued = this.queue.findIndex((p) => p.id === id);
    if (queued >= 0) {
      this.settle(this.queue.splice(queued, 1)[0]!, cancelled());
      return;
    }
    const slot = [...this.slots].find((s) => s.current?.id === id);
    if (slot === undefined) return;
    this.settle(slot.current!, cancelled());
    this.kill(slot);
    this.pump();
  }

  private kill(slot: Slot<T, R, P>): void {
    this.slots.delete(slot);
    slot.current = null;
    void slot.worker.terminate();
  }

  private settle(pending: Pending<T, R, P>, error: unknown, result?: R): void {
    pending.cleanup();
    if (error === null) pending.resolve(result as R);
    else pending.reject(error);
  }
}

/**
 * A `.ts` entry (tests, `node --import tsx`) runs through tsx's ESM hooks, registered inside the new
 * thread: Node 20 ignores `--import` in a worker's execArgv. A `.js` entry (the bundled app) loads as is.
 */
function startWorker(entry: URL, name: string): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { name });
  const register = JSON.stringify(tsxRegisterUrl());
  const target = JSON.stringify(entry.href);
  const code = `import(${register}).then(({ register }) => { register(); return import(${target}); });`;
  return new Worker(code, { eval: true, name });
}

let tsxRegister: string | undefined;

/** File URL of tsx's `tsx/esm/api` ESM build, read from its exports map (require.resolve picks the CJS one). */
function tsxRegisterUrl(): string {
  if (tsxRegister !== undefined) return tsxRegister;
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsMap = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown }).exports;
  const entry = (exportsMap as Record<string, { import?: { default?: unknown } }> | undefined)?.['./esm/api']
    ?.import?.default;
  if (typeof entry !== 'string') throw new Error('tsx is installed but has no ./esm/api export');
  tsxRegister = pathToFileURL(path.join(path.dirname(manifest), entry)).href;
  return tsxRegister;
}

export interface WorkerTaskContext<P> {
  progress(value: P): void;
  /** Buffers to move, not copy, back with the result. */
  transfer(...buffers: TransferListItem[]): void;
}

/**
 * The worker side: answers the pool's tasks with `handler`, one at a time. Errors cross back as wire
 * errors, so an AtelierError thrown here rejects the caller's promise with the same code.
 */
export function serveWorkerTasks<T, R, P = never>(
  handler: (task: T, context: WorkerTaskContext<P>) => Promise<R> | R,
): void {
  if (isMainThread || parentPort === null) throw new Error('serveWorkerTasks runs only in a worker thread');
  const port = parentPort;
  port.on('message', (message: ToWorker<T>) => {
    const transfer: TransferListItem[] = [];
    const context: WorkerTaskContext<P> = {
      progress: (progress) => port.postMessage({ id: message.id, kind: 'progress', progress }),
      transfer: (...buffers) => transfer.push(...buffers),
    };
    Promise.resolve()
      .then(() => handler(message.task, context))
      .then(
        (result) => port.postMessage({ id: message.id, kind: 'result', result }, transfer),
        (error: unknown) => {
          const wire = isAtelierError(error)
            ? error.toWire()
            : { message: error instanceof Error ? error.message : String(error) };
          port.postMessage({ id: message.id, kind: 'error', error: wire });
        },
      );
  });
}
