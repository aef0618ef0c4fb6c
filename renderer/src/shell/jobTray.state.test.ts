import { describe, expect, it } from 'vitest';
import type { Job } from '../api';
import {
  emptyTray,
  FADE_AFTER_MS,
  nextFadeAt,
  trayReducer,
  visibleJobs,
  type TrayAction,
  type TrayState,
} from './jobTray.state';

function job(id: number, state: Job['state'], extra: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'store.backup',
    title: `Job ${id}`,
    state,
    progress: null,
    message: null,
    error: null,
    result: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...extra,
  };
}

const run = (...actions: TrayAction[]): TrayState => actions.reduce(trayReducer, emptyTray);
const ids = (entries: { job: Job }[]) => entries.map((entry) => `${entry.job.id}:${entry.job.state}`);

describe('job tray state', () => {
  it('shows listed jobs newest first', () => {
    expect(ids(visibleJobs([job(1, 'running'), job(3, 'queued')], emptyTray))).toEqual([
      '3:queued',
      '1:running',
    ]);
  });

  it('lets a pushed update replace the listed job', () => {
    const state = run({ type: 'progress', job: job(1, 'running', { progress: 0.4 }), now: 0 });
    const [entry] = visibleJobs([job(1, 'queued')], state);
    expect(entry?.job.progress).toBe(0.4);
  });

  it('keeps a final listed job over an older pushed running one', () => {
    const state = run({ type: 'progress', job: job(1, 'running'), now: 0 });
    expect(ids(visibleJobs([job(1, 'failed')], state))).toEqual(['1:failed']);
  });

  it('fades a finished job after a few seconds and does not let a stale list bring it back', () => {
    const state = run(
      { type: 'progress', job: job(1, 'running'), now: 0 },
      { type: 'progress', job: job(1, 'done'), now: 1000 },
    );
    expect(nextFadeAt(state)).toBe(1000 + FADE_AFTER_MS);

    const early = trayReducer(state, { type: 'expire', now: 1000 + FADE_AFTER_MS - 1 });
    expect(ids(visibleJobs([], early))).toEqual(['1:done']);

    const later = trayReducer(state, { type: 'expire', now: 1000 + FADE_AFTER_MS });
    expect(visibleJobs([job(1, 'running')], later)).toEqual([]);
    expect(nextFadeAt(later)).toBeNull();
  });

  it('keeps the fade time of a job that reports done twice', () => {
    const state = run(
      { type: 'progress', job: job(1, 'done'), now: 0 },
      { type: 'progress', job: job(1, 'done'), now: 3000 },
    );
    expect(nextFadeAt(state)).toBe(FADE_AFTER_MS);
  });

  it('keeps failed jobs until dismissed', () => {
    const failed = run({ type: 'progress', job: job(2, 'failed', { error: 'Disk full.' }), now: 0 });
    const afterWait = trayReducer(failed, { type: 'expire', now: 60_000 });
    expect(ids(visibleJobs([], afterWait))).toEqual(['2:failed']);

    const dismissed = trayReducer(afterWait, { type: 'dismiss', id: 2 });
    expect(visibleJobs([], dismissed)).toEqual([]);
  });

  it('ignores late events for jobs that already left', () => {
    const state = run({ type: 'dismiss', id: 5 }, { type: 'progress', job: job(5, 'failed'), now: 0 });
    expect(visibleJobs([], state)).toEqual([]);
  });
});
