import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../core/api';
import { EngineClient } from './engine-client';
import type { EngineChild } from './engine-client';
import type { ToEngineMessage } from './engine-protocol';

/** Stands in for Electron's UtilityProcess: records what main posts and lets the test answer. */
class FakeChild extends EventEmitter implements EngineChild {
  readonly sent: ToEngineMessage[] = [];
  killed = false;
  postMessage(message: ToEngineMessage): void {
    this.sent.push(message);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 9);
    return true;
  }
  reply(message: unknown): void {
    this.emit('message', message);
  }
  invokes() {
    return this.sent.filter((m): m is Extract<ToEngineMessage, { type: 'invoke' }> => m.type === 'invoke');
  }
}

function setup(options: Partial<ConstructorParameters<typeof EngineClient>[0]> = {}) {
  const children: FakeChild[] = [];
  const onCrash = vi.fn();
  const client = new EngineClient({
    fork: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    onCrash,
    ...options,
  });
  return { client, children, onCrash, child: () => children.at(-1)! };
}

afterEach(() => vi.useRealTimers());

describe('EngineClient', () => {
  it('correlates answers to calls by id, whatever order they come back in', async () => {
    const { client, child } = setup();
    const first = client.invoke('folders.list', {});
    const second = client.invoke('app.status', {});
    const [a, b] = child().invokes();
    expect(a).toMatchObject({ method: 'folders.list', input: {} });
    expect(b).toMatchObject({ method: 'app.status' });
    expect(a!.id).not.toBe(b!.id);
    child().reply({ type: 'result', id: b!.id, result: { ok: true, value: 'status' } });
    child().reply({ type: 'result', id: a!.id, result: { ok: true, value: ['folder'] } });
    await expect(first).resolves.toEqual(['folder']);
    await expect(second).resolves.toBe('status');
  });

  it('rebuilds AtelierErrors from wire errors, and unknown codes as INTERNAL', async () => {
    const { client, child } = setup();
    const missing = client.invoke('jobs.get', { id: 1 });
    const odd = client.invoke('jobs.get', { id: 2 });
    const [a, b] = child().invokes();
    child().reply({
      type: 'result',
      id: a!.id,
      result: { ok: false, error: { code: 'NOT_FOUND', message: 'No job 1.', details: { id: 1 } } },
    });
    child().reply({
      type: 'result',
      id: b!.id,
      result: { ok: false, error: { code: 'WEIRD', message: 'odd' } },
    });
    const error = await missing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtelierError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No job 1.', details: { id: 1 } });
    await expect(odd).rejects.toMatchObject({ code: 'INTERNAL', message: 'odd' });
  });

  it('ignores malformed messages and answers for unknown ids', async () => {
    const { client, child } = setup();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const call = client.invoke('app.status', {});
    child().reply('garbage');
    child().reply({ type: 'result', id: 999, result: { ok: true, value: 1 } });
    child().reply({ type: 'result', id: child().invokes()[0]!.id, result: { ok: true, value: 2 } });
    await expect(call).resolves.toBe(2);
  });

  it('forwards engine events', () => {
    const { client, child } = setup();
    const seen: unknown[] = [];
    client.onEvent((e) => seen.push(e));
    child().reply({ type: 'event', event: 'jobs.onDidProgress', payload: { id: 1 } });
    expect(seen).toEqual([{ event: 'jobs.onDidProgress', payload: { id: 1 } }]);
  });

  it('rejects pending calls when the process exits, then restarts it', async () => {
    const { client, children, onCrash } = setup();
    const pending = client.invoke('store.backup', {});
    children[0]!.emit('exit', 134);
    await expect(pending).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/exit code 134/),
    });
    expect(onCrash).toHaveBeenCalledWith({ code: 134, restarted: true });
    expect(children).toHaveLength(2);
    const next = client.invoke('app.status', {});
    children[1]!.reply({
      type: 'result',
      id: children[1]!.invokes()[0]!.id,
      result: { ok: true, value: 'ok' },
    });
    await expect(next).resolves.toBe('ok');
  });

  it('ignores late messages from a process it already replaced', async () => {
    const { client, children } = setup();
    const first = client.invoke('app.status', {});
    const staleId = children[0]!.invokes()[0]!.id;
    children[0]!.emit('exit', 1);
    await expect(first).rejects.toBeInstanceOf(AtelierError);
    const second = client.invoke('app.status', {});
    children[0]!.reply({
      type: 'result',
      id: children[1]!.invokes()[0]!.id,
      result: { ok: true, value: 'stale' },
    });
    children[1]!.reply({
      type: 'result',
      id: children[1]!.invokes()[0]!.id,
      result: { ok: true, value: 'fresh' },
    });
    await expect(second).resolves.toBe('fresh');
    expect(staleId).toBeTypeOf('number');
  });

  it('stops restarting after repeated crashes and says so on every call', async () => {
    let now = 0;
    const { client, children, onCrash } = setup({ maxCrashes: 2, crashWindowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      now += 1000;
      children.at(-1)!.emit('exit', 1);
    }
    expect(children).toHaveLength(3);
    expect(onCrash).toHaveBeenLastCalledWith({ code: 1, restarted: false });
    await expect(client.invoke('app.status', {})).rejects.toMatchObject({
      message: expect.stringMatching(/crashed 3 times/),
    });
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const { children } = setup({ maxCrashes: 1, crashWindowMs: 10_000, now: () => now });
    children.at(-1)!.emit('exit', 1);
    now = 20_000;
    children.at(-1)!.emit('exit', 1);
    expect(children).toHaveLength(3);
  });

  it('rejects input that cannot cross the process boundary without sending it', async () => {
    const { client, child } = setup();
    vi.spyOn(child(), 'postMessage').mockImplementationOnce(() => {
      throw new Error('could not be cloned');
    });
    await expect(client.invoke('folders.add', { path: () => 1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('asks the engine to dispose on shutdown and waits for it to exit', async () => {
    const { client, child } = setup();
    const pending = client.invoke('app.status', {});
    const done = client.shutdown();
    await expect(pending).rejects.toMatchObject({ message: 'Atelier is shutting down.' });
    expect(child().sent.at(-1)).toEqual({ type: 'dispose' });
    child().emit('exit', 0);
    await done;
    expect(child().killed).toBe(false);
    await expect(client.invoke('app.status', {})).rejects.toMatchObject({
      message: 'Atelier is shutting down.',
    });
  });

  it('kills an engine that does not exit in time, and does not restart it', async () => {
    vi.useFakeTimers();
    const { client, children, onCrash } = setup({ shutdownTimeoutMs: 500 });
    const done = client.shutdown();
    await vi.advanceTimersByTimeAsync(500);
    await done;
    expect(children[0]!.killed).toBe(true);
    expect(children).toHaveLength(1);
    expect(onCrash).not.toHaveBeenCalled();
  });

  it('dispose is shutdown without waiting, and is idempotent', () => {
    const { client, child } = setup();
    client.dispose();
    client.dispose();
    expect(child().sent.filter((m) => m.type === 'dispose')).toHaveLength(1);
  });
});
