import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AtelierBridge } from '../../core/api';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  listeners: new Map<string, (event: unknown, message: unknown) => void>(),
  invoke: vi.fn((..._args: unknown[]): Promise<unknown> => Promise.resolve({ ok: true, value: 1 })),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
      electron.listeners.set(channel, listener),
  },
}));

await import('./index');
const { EVENT_CHANNEL, INVOKE_CHANNEL } = await import('../common/channels');
const bridge = electron.exposed.get('atelier') as AtelierBridge;
const push = (message: unknown) => electron.listeners.get(EVENT_CHANNEL)!({}, message);

beforeEach(() => electron.invoke.mockClear());

describe('preload bridge', () => {
  it('exposes only invoke and subscribe on window.atelier', () => {
    expect([...electron.exposed.keys()]).toEqual(['atelier']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('invokes over the invoke channel and passes the BridgeResult through', async () => {
    await expect(bridge.invoke('app.status', {})).resolves.toEqual({ ok: true, value: 1 });
    expect(electron.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'app.status', {});
  });

  it('turns an IPC failure into an error result', async () => {
    electron.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'));
    await expect(bridge.invoke('folders.add', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('delivers events to subscribers of that event until they unsubscribe', () => {
    const progress = vi.fn();
    const other = vi.fn();
    const unsubscribe = bridge.subscribe('jobs.onDidProgress', progress);
    bridge.subscribe('something.else', other);
    push({ event: 'jobs.onDidProgress', payload: { id: 1 } });
    expect(progress).toHaveBeenCalledWith({ id: 1 });
    expect(other).not.toHaveBeenCalled();
    unsubscribe();
    push({ event: 'jobs.onDidProgress', payload: { id: 2 } });
    expect(progress).toHaveBeenCalledTimes(1);
  });

  it('keeps delivering when one listener throws, and ignores malformed messages', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    bridge.subscribe('e', () => {
      throw new Error('listener bug');
    });
    bridge.subscribe('e', good);
    push({ event: 'e', payload: 1 });
    push(null);
    push({ payload: 1 });
    expect(good).toHaveBeenCalledTimes(1);
  });

  it('needs one unsubscribe per subscription of the same function', () => {
    const listener = vi.fn();
    const first = bridge.subscribe('twice', listener);
    bridge.subscribe('twice', listener);
    first();
    push({ event: 'twice', payload: null });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('preload imports', () => {
  it('loads nothing at run time but electron and the import-free channel names', async () => {
    const { readFile } = await import('node:fs/promises');
    const runtimeImports = (source: string) =>
      [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]);
    const preload = await readFile(new URL('./index.ts', import.meta.url), 'utf8');
    const channels = await readFile(new URL('../common/channels.ts', import.meta.url), 'utf8');
    expect(runtimeImports(preload).sort()).toEqual(['../common/channels', 'electron']);
    expect(runtimeImports(channels)).toEqual([]);
  });
});
