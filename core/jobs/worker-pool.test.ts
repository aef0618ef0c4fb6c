import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import type { EchoTask } from './fixtures/echo.worker';
import { WorkerPool } from './worker-pool';

const entry = new URL('./fixtures/echo.worker.ts', import.meta.url);
const pools: WorkerPool<EchoTask, unknown, number>[] = [];

function pool(size = 2): WorkerPool<EchoTask, unknown, number> {
  const p = new WorkerPool<EchoTask, unknown, number>(entry, { size, name: 'echo' });
  pools.push(p);
  return p;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  for (const p of pools.splice(0)) p.dispose();
});

describe('WorkerPool', () => {
  it('runs a .ts entry under plain Node (tsx registered in the thread) and returns results', async () => {
    const p = pool();
    await expect(p.run({ kind: 'echo', value: { a: [1, 2] } })).resolves.toMatchObject({
      value: { a: [1, 2] },
    });
  });

  it('spreads queued tasks over at most `size` workers and reuses them', async () => {
    const p = pool(2);
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => p.run({ kind: 'echo', value: i })));
    expect(results.map((r) => (r as { value: number }).value)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(p.workers).toBe(2);
  });

  it('delivers progress before the result', async () => {
    const seen: number[] = [];
    const result = await pool().run({ kind: 'progress', steps: 3 }, { onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3]);
    expect(result).toBe(3);
  });

  it('moves transferred result buffers instead of copying them', async () => {
    const data = (await pool().run({ kind: 'buffer', length: 1000 })) as Float32Array;
    expect(data).toBeInstanceOf(Float32Array);
    expect(data.length).toBe(1000);
    expect(data[999]).toBe(1.5);
  });

  it('rethrows typed errors with their code and plain errors as errors; the worker survives', async () => {
    const p = pool(1);
    const typed = await rejection(p.run({ kind: 'fail', typed: true }));
    expect(typed).toBeInstanceOf(AtelierError);
    expect((typed as AtelierError).code).toBe('INVALID_INPUT');
    const plain = await rejection(p.run({ kind: 'fail', typed: false }));
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).message).toContain('plain failure');
    await expect(p.run({ kind: 'echo', value: 'still here' })).resolves.toMatchObject({
      value: 'still here',
    });
    expect(p.workers).toBe(1);
  });

  it('terminates the worker of an aborted running task and cancels queued ones', async () => {
    const p = pool(1);
    const controller = new AbortController();
    const running = p.run({ kind: 'spin' }, { signal: controller.signal });
    const queued = p.run({ kind: 'echo', value: 1 }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    for (const error of await Promise.all([rejection(running), rejection(queued)])) {
      expect((error as AtelierError).code).toBe('CANCELLED');
    }
    expect(p.workers).toBe(0);
    await expect(p.run({ kind: 'echo', value: 2 })).resolves.toMatchObject({ value: 2 });
  });

  it('reports a worker that dies as INTERNAL and replaces it', async () => {
    const p = pool(1);
    const error = await rejection(p.run({ kind: 'exit' }));
    expect((error as AtelierError).code).toBe('INTERNAL');
    await expect(p.run({ kind: 'echo', value: 3 })).resolves.toMatchObject({ value: 3 });
  });

  it('dispose terminates every worker and rejects what is pending', async () => {
    const p = pool(2);
    p.warm();
    expect(p.workers).toBe(2);
    const spinning = p.run({ kind: 'spin' });
    p.dispose();
    expect(((await rejection(spinning)) as AtelierError).code).toBe('CANCELLED');
    expect(p.workers).toBe(0);
    expect(((await rejection(p.run({ kind: 'echo', value: 1 }))) as AtelierError).code).toBe('CANCELLED');
  });
});
