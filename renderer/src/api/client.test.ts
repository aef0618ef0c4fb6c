import { describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../../core/api';
import { createClient } from './client';
import type { Transport } from './transport';

function fakeTransport(value: unknown) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: Transport = {
    invoke: vi.fn(() => Promise.resolve(value)),
    subscribe: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    onConnectionChange: () => () => {},
    mediaUrl: (kind, id) => `x://${kind}/${id}`,
    dispose: () => {},
  };
  return { transport, emit: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

const job = {
  id: 1,
  kind: 'store.backup',
  title: 'Back up database',
  state: 'running',
  progress: 0.5,
  message: null,
  error: null,
  result: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
};

describe('createClient', () => {
  it('applies contract defaults when validating', async () => {
    const { transport } = fakeTransport({});
    const client = createClient(transport, { mode: 'serve', validate: true });
    await expect(client.invoke('settings.get', {})).resolves.toEqual({
      comfyUiUrl: 'http://127.0.0.1:8188',
      executionProvider: 'auto',
      followSymlinks: true,
    });
  });

  it('rejects an output that breaks the contract when validating', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { transport } = fakeTransport([{ id: 'nope' }]);
    const client = createClient(transport, { mode: 'serve', validate: true });
    await expect(client.invoke('folders.list', {})).rejects.toBeInstanceOf(AtelierError);
    error.mockRestore();
  });

  it('passes outputs through untouched without validation', async () => {
    const { transport } = fakeTransport([{ id: 'nope' }]);
    const client = createClient(transport, { mode: 'serve', validate: false });
    await expect(client.invoke('folders.list', {})).resolves.toEqual([{ id: 'nope' }]);
  });

  it('drops events that break the contract when validating', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { transport, emit } = fakeTransport(null);
    const client = createClient(transport, { mode: 'serve', validate: true });
    const seen: unknown[] = [];
    const subscription = client.subscribe('jobs.onDidProgress', (payload) => seen.push(payload.id));

    emit('jobs.onDidProgress', job);
    emit('jobs.onDidProgress', { ...job, state: 'exploded' });
    subscription.dispose();
    emit('jobs.onDidProgress', job);

    expect(seen).toEqual([1]);
    error.mockRestore();
  });

  it('offers host methods only in Electron', async () => {
    const { transport } = fakeTransport({ path: '/picked' });
    expect(createClient(transport, { mode: 'serve', validate: true }).hostInvoke).toBeUndefined();
    const electron = createClient(transport, { mode: 'electron', validate: true });
    await expect(electron.hostInvoke?.('dialog.pickFolder', {})).resolves.toEqual({ path: '/picked' });
  });
});
