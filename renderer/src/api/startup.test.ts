import { describe, expect, it } from 'vitest';
import type { AtelierBridge } from '../../../core/api';
import { connect } from './startup';

function fakeWindow(hash: string, atelier?: AtelierBridge): Window {
  const storage = new Map<string, string>();
  return {
    atelier,
    location: { hash, pathname: '/', search: '', origin: 'http://127.0.0.1:5123' },
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    },
    history: { state: null, replaceState: () => {} },
  } as unknown as Window;
}

const bridge: AtelierBridge = {
  invoke: () => Promise.resolve({ ok: true, value: null }),
  subscribe: () => () => {},
};

describe('connect', () => {
  it('uses the preload bridge in Electron and offers host methods', () => {
    const startup = connect(fakeWindow('', bridge), false);
    expect(startup.kind).toBe('ready');
    if (startup.kind !== 'ready') return;
    expect(startup.client.mode).toBe('electron');
    expect(startup.client.hostInvoke).toBeTypeOf('function');
    expect(startup.client.mediaUrl('image', 3)).toBe('atelier-media://image/3');
  });

  it('uses HTTP with the token from the address in serve mode', () => {
    const startup = connect(fakeWindow('#token=abc'), false);
    expect(startup.kind).toBe('ready');
    if (startup.kind !== 'ready') return;
    expect(startup.client.mode).toBe('serve');
    expect(startup.client.hostInvoke).toBeUndefined();
    expect(startup.client.mediaUrl('image', 3)).toBe('http://127.0.0.1:5123/media/image/3?token=abc');
  });

  it('asks for the link when serve mode has no token', () => {
    expect(connect(fakeWindow(''), false).kind).toBe('missing-token');
  });
});
