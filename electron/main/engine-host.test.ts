import { describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../core/api';
import { Emitter } from '../../core/common';
import type { Engine, EngineEvent } from '../../core/engine.types';
import { serveEngine } from './engine-host';
import type { ParentPortLike } from './engine-host';

class FakePort implements ParentPortLike {
  readonly posted: unknown[] = [];
  private listener: ((message: { data: unknown }) => void) | undefined;
  on(_event: 'message', listener: (message: { data: unknown }) => void) {
    this.listener = listener;
    return this;
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  send(data: unknown): void {
    this.listener?.({ data });
  }
}

function fakeEngine(invoke: Engine['invoke']) {
  const events = new Emitter<EngineEvent>();
  const engine: Engine = { invoke, onEvent: events.event, dispose: vi.fn() };
  return { engine, events };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('serveEngine', () => {
  it('answers invokes with BridgeResults carrying the request id', async () => {
    const port = new FakePort();
    const { engine } = fakeEngine((method) =>
      method === 'jobs.get'
        ? Promise.reject(new AtelierError('NOT_FOUND', 'No job 3.'))
        : Promise.resolve({ method }),
    );
    serveEngine(port, () => engine, vi.fn());
    port.send({ type: 'invoke', id: 1, method: 'app.status', input: {} });
    port.send({ type: 'invoke', id: 2, method: 'jobs.get', input: { id: 3 } });
    await settle();
    expect(port.posted).toEqual([
      { type: 'result', id: 1, result: { ok: true, value: { method: 'app.status' } } },
      { type: 'result', id: 2, result: { ok: false, error: { code: 'NOT_FOUND', message: 'No job 3.' } } },
    ]);
  });

  it('pushes engine events', () => {
    const port = new FakePort();
    const { engine, events } = fakeEngine(() => Promise.resolve(null));
    serveEngine(port, () => engine, vi.fn());
    events.fire({ event: 'jobs.onDidProgress', payload: { id: 1 } } as never);
    expect(port.posted).toEqual([{ type: 'event', event: 'jobs.onDidProgress', payload: { id: 1 } }]);
  });

  it('answers every call with the startup error when the engine cannot start', async () => {
    const port = new FakePort();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    serveEngine(
      port,
      () => {
        throw new AtelierError(
          'DATABASE_TOO_NEW',
          'This database was written by a newer Atelier; update Atelier.',
        );
      },
      vi.fn(),
    );
    port.send({ type: 'invoke', id: 5, method: 'app.status', input: {} });
    await settle();
    expect(port.posted).toEqual([
      {
        type: 'result',
        id: 5,
        result: {
          ok: false,
          error: {
            code: 'DATABASE_TOO_NEW',
            message: 'This database was written by a newer Atelier; update Atelier.',
          },
        },
      },
    ]);
  });

  it('still settles a call whose result cannot be cloned', async () => {
    const port = new FakePort();
    const original = port.postMessage.bind(port);
    let first = true;
    port.postMessage = (message) => {
      if (first) {
        first = false;
        throw new Error('could not be cloned');
      }
      original(message);
    };
    const { engine } = fakeEngine(() => Promise.resolve({ fn: () => 1 }));
    serveEngine(port, () => engine, vi.fn());
    port.send({ type: 'invoke', id: 8, method: 'app.status', input: {} });
    await settle();
    expect(port.posted).toEqual([
      {
        type: 'result',
        id: 8,
        result: {
          ok: false,
          error: { code: 'INTERNAL', message: 'Unexpected failure: could not be cloned' },
        },
      },
    ]);
  });

  it('disposes the engine and exits on request', () => {
    const port = new FakePort();
    const { engine } = fakeEngine(() => Promise.resolve(null));
    const exit = vi.fn();
    serveEngine(port, () => engine, exit);
    port.send({ type: 'dispose' });
    expect(engine.dispose).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('ignores malformed messages', async () => {
    const port = new FakePort();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const invoke = vi.fn(() => Promise.resolve(null));
    serveEngine(port, () => fakeEngine(invoke).engine, vi.fn());
    port.send({ type: 'invoke', id: 'x', method: 'app.status' });
    port.send(null);
    await settle();
    expect(invoke).not.toHaveBeenCalled();
    expect(port.posted).toEqual([]);
  });
});
