import { contextBridge, ipcRenderer } from 'electron';
import type { AtelierBridge, BridgeResult } from '../../core/api';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../common/channels';

/**
 * `window.atelier`: two functions and nothing else, so the page never holds ipcRenderer or any
 * Node object. Sandboxed preloads may only require 'electron'; everything else here is inlined.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  for (const listener of [...(listeners.get(event) ?? [])]) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`atelier: a listener for ${event} failed`, error);
    }
  }
});

const bridge: AtelierBridge = {
  async invoke(method, input) {
    try {
      return (await ipcRenderer.invoke(INVOKE_CHANNEL, method, input)) as BridgeResult;
    } catch (error) {
      // IPC itself failed (e.g. input that cannot be cloned); the contract still promises a result.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `Could not reach Atelier's engine: ${message}` },
      };
    }
  },
  subscribe(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function');
    let set = listeners.get(event);
    if (set === undefined) {
      set = new Set();
      listeners.set(event, set);
    }
    // One entry per subscription, so subscribing the same function twice needs two unsubscribes.
    const entry = (payload: unknown): void => listener(payload);
    set.add(entry);
    return () => {
      const current = listeners.get(event);
      current?.delete(entry);
      if (current?.size === 0) listeners.delete(event);
    };
  },
};

contextBridge.exposeInMainWorld('atelier', bridge);
