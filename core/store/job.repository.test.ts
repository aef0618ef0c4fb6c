import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './store.test-support';

describe('JobRepository', () => {
  const database = useTestDatabase();

  it('creates queued jobs and keeps their input', () => {
    const { jobs } = database();
    const input = { folderId: 3, paths: ['/a', '/b'], deep: { ok: true } };
    const job = jobs.create({ kind: 'scan', title: 'Scan /art/loras', input });

    expect(job).toMatchObject({
      kind: 'scan',
      title: 'Scan /art/loras',
      state: 'queued',
      progress: null,
      message: null,
      error: null,
      result: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(job.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(jobs.get(job.id)).toEqual(job);
    expect(jobs.getInput(job.id)).toEqual(input);
    expect(jobs.get(job.id + 1)).toBeUndefined();
    expect(() => jobs.getInput(job.id + 1)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('updates only the fields a patch names, and can set them back to null', () => {
    const { jobs } = database();
    const job = jobs.create({ kind: 'hash', title: 'Hash', input: null });
    const running = jobs.update(job.id, {
      state: 'running',
      progress: 0.25,
      message: 'hashing a.safetensors',
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(running).toMatchObject({ state: 'running', progress: 0.25, message: 'hashing a.safetensors' });

    const done = jobs.update(job.id, {
      state: 'done',
      progress: null,
      result: { hashed: 12 },
      finishedAt: '2025-01-01T00:01:00.000Z',
    });
    expect(done).toEqual({
      ...running,
      state: 'done',
      progress: null,
      result: { hashed: 12 },
      finishedAt: '2025-01-01T00:01:00.000Z',
    });
    expect(jobs.update(job.id, {})).toEqual(done);
    expect(jobs.get(job.id)).toEqual(done);
  });

  it('refuses to update a missing job or store an out-of-range progress', () => {
    const { jobs } = database();
    expect(() => jobs.update(404, { state: 'failed' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    const job = jobs.create({ kind: 'k', title: 't', input: {} });
    expect(() => jobs.update(job.id, { progress: 1.5 })).toThrow(/CHECK constraint/);
    expect(jobs.get(job.id)?.progress).toBeNull();
  });

  it('lists newest first, filtered by state and limited', () => {
    const { jobs } = database();
    const ids = ['a', 'b', 'c', 'd'].map((title) => jobs.create({ kind: 'k', title, input: null }).id);
    const [a, b, c, d] = ids as [number, number, number, number];
    jobs.update(b, { state: 'running' });
    jobs.update(c, { state: 'failed', error: 'disk full' });
    jobs.update(d, { state: 'running' });

    expect(jobs.list({}).map((j) => j.id)).toEqual([d, c, b, a]);
    expect(jobs.list({ limit: 2 }).map((j) => j.id)).toEqual([d, c]);
    expect(jobs.list({ states: ['running'] }).map((j) => j.id)).toEqual([d, b]);
    expect(jobs.list({ states: ['queued', 'failed'] }).map((j) => j.id)).toEqual([c, a]);
    expect(jobs.list({ states: ['running'], limit: 1 }).map((j) => j.id)).toEqual([d]);
    expect(jobs.list({ states: [] })).toEqual([]);
  });

  it('marks jobs a previous process left queued or running as interrupted', () => {
    const { jobs } = database();
    const queued = jobs.create({ kind: 'k', title: 'queued', input: null });
    const running = jobs.create({ kind: 'k', title: 'running', input: null });
    const done = jobs.create({ kind: 'k', title: 'done', input: null });
    jobs.update(running.id, { state: 'running', progress: 0.5 });
    jobs.update(done.id, { state: 'done', finishedAt: '2025-01-01T00:00:00.000Z' });

    const now = '2025-02-02T10:00:00.000Z';
    expect(jobs.markUnfinishedAsInterrupted(now)).toBe(2);
    expect(jobs.get(queued.id)).toMatchObject({ state: 'interrupted', finishedAt: now });
    expect(jobs.get(running.id)).toMatchObject({ state: 'interrupted', finishedAt: now, progress: 0.5 });
    expect(jobs.get(done.id)).toMatchObject({ state: 'done', finishedAt: '2025-01-01T00:00:00.000Z' });
    expect(jobs.markUnfinishedAsInterrupted(now)).toBe(0);
  });
});
