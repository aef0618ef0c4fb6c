import { AtelierError, isFinalJobState } from '../api';
import type { Job } from '../api';
import { Emitter } from '../common';
import type { Disposable, Event } from '../common';
import type { JobPatch, JobRepository } from '../store';

export interface JobContext {
  /** Aborted when the user cancels or the engine shuts down; handlers stop at their next check. */
  readonly signal: AbortSignal;
  /** progress 0..1, or null while the size is unknown. Cheap to call often: writes are throttled. */
  report(progress: number | null, message?: string): void;
}

export type JobHandler = (input: unknown, context: JobContext) => Promise<unknown>;

export interface JobRunnerOptions {
  /** Jobs run at once; heavy jobs do their work on worker threads, so this bounds I/O and memory. */
  readonly concurrency?: number;
  /** Minimum time between persisted progress updates. */
  readonly progressIntervalMs?: number;
  readonly now?: () => string;
}

interface Running {
  readonly controller: AbortController;
  lastWrite: number;
  pending: JobPatch | null;
}

/**
 * Persisted job queue: every job is a row first, so a crash leaves a record that the next start marks
 * `interrupted`. Progress is written at most every `progressIntervalMs`; the final state always is.
 */
export class JobRunner implements Disposable {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<number, Running>();
  private readonly queue: number[] = [];
  private readonly emitter = new Emitter<Job>();
  private readonly concurrency: number;
  private readonly progressIntervalMs: number;
  private readonly now: () => string;
  private disposed = false;
  private readonly settled = new Set<Promise<void>>();

  readonly onDidChange: Event<Job> = this.emitter.event;

  constructor(
    private readonly jobs: JobRepository,
    options: JobRunnerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.progressIntervalMs = options.progressIntervalMs ?? 200;
    this.now = options.now ?? (() => new Date().toISOString());
  }

  /** Marks jobs a previous process left running as interrupted. Call once at start-up. */
  recoverInterrupted(): number {
    return this.jobs.markUnfinishedAsInterrupted(this.now());
  }

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.handlers.set(kind, handler);
  }

  start(kind: string, title: string, input: unknown): Job {
    if (this.disposed)
      throw new AtelierError('INTERNAL', 'The engine is shutting down; try again after restart.');
    if (!this.handlers.has(kind)) throw new Error(`no handler for job kind ${kind}`);
    const job = this.jobs.create({ kind, title, input });
    this.emitter.fire(job);
    this.queue.push(job.id);
    this.pump();
    return job;
  }

  get(id: number): Job {
    const job = this.jobs.get(id);
    if (!job) throw new AtelierError('NOT_FOUND', `There is no job ${id}.`);
    return job;
  }

  list(filter: { states?: readonly Job['state'][]; limit?: number }): Job[] {
    return this.jobs.list(filter);
  }

  cancel(id: number): Job {
    const job = this.get(id);
    if (isFinalJobState(job.state)) {
      throw new AtelierError(
        'JOB_NOT_CANCELLABLE',
        `Job ${id} has already ${job.state === 'done' ? 'finished' : job.state}.`,
      );
    }
    const queuedAt = this.queue.indexOf(id);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      return (
        this.write(id, {
          state: 'cancelled',
          finishedAt: this.now(),
          message: 'Cancelled before it started.',
        }) ?? job
      );
    }
    this.running.get(id)?.controller.abort();
    return job;
  }

  /** Resolves when no job is running or queued. */
  async idle(): Promise<void> {
    while (this.settled.size > 0) await Promise.all([...this.settled]);
  }

  private pump(): void {
    while (!this.disposed && this.running.size < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const done = this.execute(id).finally(() => {
        this.settled.delete(done);
        this.pump();
      });
      this.settled.add(done);
    }
  }

  private async execute(id: number): Promise<void> {
    const job = this.jobs.get(id);
    const handler = job && this.handlers.get(job.kind);
    if (!job || !handler) return;
    const slot: Running = { controller: new AbortController(), lastWrite: 0, pending: null };
    this.running.set(id, slot);
    this.write(id, { state: 'running', startedAt: this.now(), progress: 0 });
    const context: JobContext = {
      signal: slot.controller.signal,
      report: (progress, message) => this.report(id, slot, progress, message),
    };
    try {
      const result = await handler(this.jobs.getInput(id), context);
      slot.controller.signal.throwIfAborted();
      this.write(id, {
        state: 'done',
        progress: 1,
        result: result ?? null,
        finishedAt: this.now(),
        message: null,
      });
    } catch (error) {
      if (slot.controller.signal.aborted) {
        this.write(id, { state: 'cancelled', finishedAt: this.now(), message: 'Cancelled.' });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.write(id, { state: 'failed', error: message, finishedAt: this.now() });
      }
    } finally {
      this.running.delete(id);
    }
  }

  private report(id: number, slot: Running, progress: number | null, message?: string): void {
    if (slot.controller.signal.aborted) return;
    const clamped = progress === null ? null : Math.min(1, Math.max(0, progress));
    slot.pending = message === undefined ? { progress: clamped } : { progress: clamped, message };
    const now = Date.now();
    if (now - slot.lastWrite < this.progressIntervalMs) return;
    slot.lastWrite = now;
    const patch = slot.pending;
    slot.pending = null;
    this.write(id, patch);
  }

  private write(id: number, patch: JobPatch): Job | null {
    // After dispose the store may be closed; dispose already wrote each job's final state.
    if (this.disposed) return null;
    const job = this.jobs.update(id, patch);
    this.emitter.fire(job);
    return job;
  }

  /**
   * Aborts running jobs and records them, and queued ones, as `interrupted` right away — the store is
   * closed next, so handlers that unwind later must not write.
   */
  dispose(): void {
    if (this.disposed) return;
    const stopped = [...this.queue.splice(0), ...this.running.keys()];
    for (const id of stopped) {
      this.write(id, { state: 'interrupted', finishedAt: this.now(), message: 'Stopped at shutdown.' });
    }
    this.disposed = true;
    for (const slot of this.running.values()) slot.controller.abort();
    this.emitter.dispose();
  }
}
