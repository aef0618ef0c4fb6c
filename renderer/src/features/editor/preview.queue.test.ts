import { describe, expect, it } from 'vitest';
import { LatestOnlyQueue } from './preview.queue';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function harness() {
  const sent: number[] = [];
  const calls: ReturnType<typeof deferred<string>>[] = [];
  const results: [string, number][] = [];
  const errors: number[] = [];
  const queue = new LatestOnlyQueue<number, string>(
    (input) => {
      sent.push(input);
      const call = deferred<string>();
      calls.push(call);
      return call.promise;
    },
    (output, input) => results.push([output, input]),
    (_error, input) => errors.push(input),
  );
  return { queue, sent, calls, results, errors };
}

describe('LatestOnlyQueue', () => {
  it('keeps one request in flight and sends only the latest of what came meanwhile', async () => {
    const { queue, sent, calls, results } = harness();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    queue.push(4);
    expect(sent).toEqual([1]);
    calls[0]!.resolve('a');
    await flush();
    expect(results).toEqual([['a', 1]]);
    expect(sent).toEqual([1, 4]);
    calls[1]!.resolve('b');
    await flush();
    expect(results).toEqual([
      ['a', 1],
      ['b', 4],
    ]);
    expect(queue.busy).toBe(false);
  });

  it('reports errors and goes on with the next input', async () => {
    const { queue, sent, calls, errors, results } = harness();
    queue.push(1);
    queue.push(2);
    calls[0]!.reject(new Error('no'));
    await flush();
    expect(errors).toEqual([1]);
    expect(sent).toEqual([1, 2]);
    calls[1]!.resolve('ok');
    await flush();
    expect(results).toEqual([['ok', 2]]);
  });

  it('ignores answers to requests made before clear()', async () => {
    const { queue, sent, calls, results } = harness();
    queue.push(1);
    queue.clear();
    queue.push(2);
    expect(sent).toEqual([1, 2]);
    calls[0]!.resolve('stale');
    calls[1]!.resolve('fresh');
    await flush();
    expect(results).toEqual([['fresh', 2]]);
  });

  it('sends nothing after dispose()', () => {
    const { queue, sent } = harness();
    queue.dispose();
    queue.push(1);
    expect(sent).toEqual([]);
  });
});
