import { describe, expect, it, vi } from 'vitest';
import { hostMethods, methodNames } from '../../core/api';
import { fakeEngine, invokeEvent } from './ipc.test-support';

const electron = vi.hoisted(() => ({ dialogCalls: 0 }));

vi.mock('electron', () => ({
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  BrowserWindow: { getAllWindows: () => [], fromWebContents: () => null },
  dialog: {
    showOpenDialog: () => {
      electron.dialogCalls++;
      return Promise.resolve({ canceled: true, filePaths: [] });
    },
  },
}));

const { handleInvoke } = await import('./ipc');
const { hostHandlers } = await import('./host-methods');
const { appUrlMatcher, APP_ENTRY_URL } = await import('./app-url');

// Derived from the contract, so a method added there without an IPC route fails here.
const hostMethodNames = Object.keys(hostMethods);

describe('IPC parity with core/api', () => {
  it('has methods to check', () => {
    expect(methodNames.length).toBeGreaterThan(0);
    expect(hostMethodNames.length).toBeGreaterThan(0);
  });

  it.each(methodNames)('forwards %s to the engine', async (method) => {
    const engine = fakeEngine((name) => ({ echoed: name }));
    const result = await handleInvoke({ engine, isAppUrl: appUrlMatcher(undefined) })(
      invokeEvent(APP_ENTRY_URL),
      method,
      {},
    );
    expect(result).toEqual({ ok: true, value: { echoed: method } });
    expect(engine.invoke).toHaveBeenCalledWith(method, {});
  });

  it('has a main-process handler for exactly the host methods', () => {
    expect(Object.keys(hostHandlers).sort()).toEqual([...hostMethodNames].sort());
  });

  it.each(hostMethodNames)('answers host method %s in main', async (method) => {
    const engine = fakeEngine();
    const result = await handleInvoke({ engine, isAppUrl: appUrlMatcher(undefined) })(
      invokeEvent(APP_ENTRY_URL),
      method,
      {},
    );
    // Routed means answered or refused for its input; never unknown, never a crash.
    if (!result.ok) expect(result.error.code, result.error.message).toBe('INVALID_INPUT');
    expect(engine.invoke).not.toHaveBeenCalled();
  });
});
