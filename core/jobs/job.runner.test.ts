import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../api';
import { openDatabase } from '../store';
import type { AtelierDatabase } from '../store';
import { JobRunner } from './job.runner';

let dir: string;
let database: AtelierDatabase;
let runner: JobRunner;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-jobs-'));
  database = openDatabase({ path: path.join(dir, 'test.db') });
  runner = new JobRunner(database.jobs, { progressIntervalMs: 0, concurrency: 1 });
});
afterEach(() => {
  runner.dispose();
  database.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('JobRunner', () => {
  it('persists a job, reports progress as events, and stores the result', async () => {
    const seen: Job[] = [];
    runner.onDidChange((job) => seen.push(job));
    runner.register('count', (input, context) => {
      const { to } = input as { to: number };
      for (let i = 1; i <= to; i++) context.report(i / to, `${i} of ${to}`);
      return Promise.resolve({ counted: to });
    });
    const job = runner.start('count', 'Count', { to: 4 });
    expect(job.state).toBe('queued');
    await runner.idle();
    const done = runner.get(job.id);
    expect(done).toMatchObject({ state: 'done', progress: 1, result: { counted: 4 } });
    expect(seen.map((j) => j.state)).toEqual([
      'queued',
      'running',
      'running',
      'running',
      'running',
      'running',
      'done',
    ]);
    expect(seen.filter((j) => j.message === '2 of 4')).toHaveLength(1);
  });

  it('records a failing job with its message', async () => {
    runner.register('boom', () => Promise.reject(new Error('disk full')));
    const job = runner.start('boom', 'Boom', {});
    await runner.idle();
    expect(runner.get(job.id)).toMatchObject({ state: 'failed', error: 'disk full' });
  });

  it('cancels a running job through its abort signal', async () => {
    const started = gate();
    runner.register('wait', (_input, context) => {
      started.open();
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    });
    const job = runner.start('wait', 'Wait', {});
    await started.opened;
    runner.cancel(job.id);
    await runner.idle();
    expect(runner.get(job.id).state).toBe('cancelled');
  });

  it('cancels a queued job before it starts and never runs it', async () => {
    const release = gate();
    let ran = 0;
    runner.register('hold', async () => {
      ran++;
      await release.opened;
    });
    runner.start('hold', 'First', {});
    const second = runner.start('hold', 'Second', {});
    expect(runner.cancel(second.id).state).toBe('cancelled');
    release.open();
    await runner.idle();
    expect(ran).toBe(1);
  });

  it('refuses to cancel a finished job', async () => {
    runner.register('quick', () => Promise.resolve());
    const job = runner.start('quick', 'Quick', {});
    await runner.idle();
    expect(() => runner.cancel(job.id)).toThrowError(
      expect.objectContaining({ code: 'JOB_NOT_CANCELLABLE' }),
    );
  });

  it('marks running and queued jobs interrupted on dispose, and a new runner finds nothing left running', async () => {
    const started = gate();
    runner.register('forever', (_input, context) => {
      started.open();
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => reject(new Error('stop'))),
      );
    });
    const a = runner.start('forever', 'A', {});
    const b = runner.start('forever', 'B', {});
    await started.opened;
    runner.dispose();
    expect(database.jobs.get(a.id)?.state).toBe('interrupted');
    expect(database.jobs.get(b.id)?.state).toBe('interrupted');
    expect(new JobRunner(database.jobs).recoverInterrupted()).toBe(0);
  });
});
