import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../core/api';
import { fakeEngine, invokeEvent } from './ipc.test-support';

const electron = vi.hoisted(() => ({
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  showOpenDialog: vi.fn((..._args: unknown[]) =>
    Promise.resolve({ canceled: false, filePaths: ['/art/loras'] }),
  ),
  windows: [] as {
    isDestroyed: () => boolean;
    webContents: { isDestroyed: () => boolean; send: ReturnType<typeof vi.fn> };
  }[],
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) =>
      electron.handlers.set(channel, handler),
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
  BrowserWindow: {
    getAllWindows: () => electron.windows,
    fromWebContents: () => null,
  },
  dialog: { showOpenDialog: electron.showOpenDialog },
}));

const { handleInvoke, registerIpc } = await import('./ipc');
const { appUrlMatcher, APP_ENTRY_URL } = await import('./app-url');
const { EVENT_CHANNEL, INVOKE_CHANNEL } = await import('../common/channels');

const isAppUrl = appUrlMatcher(undefined);
const fromApp = invokeEvent(APP_ENTRY_URL);

beforeEach(() => {
  electron.handlers.clear();
  electron.windows.length = 0;
  electron.showOpenDialog.mockClear();
});

describe('handleInvoke', () => {
  it('refuses a method that is in neither table', async () => {
    const engine = fakeEngine();
    const result = await handleInvoke({ engine, isAppUrl })(fromApp, 'fs.readFile', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(engine.invoke).not.toHaveBeenCalled();
  });

  it('refuses a name that is not a string, or that is inherited from Object', async () => {
    const handler = handleInvoke({ engine: fakeEngine(), isAppUrl });
    expect(await handler(fromApp, 42, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await handler(fromApp, 'toString', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it('forwards a method from the table to the engine', async () => {
    const engine = fakeEngine(() => [{ id: 1 }]);
    const result = await handleInvoke({ engine, isAppUrl })(fromApp, 'folders.list', {});
    expect(engine.invoke).toHaveBeenCalledWith('folders.list', {});
    expect(result).toEqual({ ok: true, value: [{ id: 1 }] });
  });

  it('answers a host method in main without the engine', async () => {
    const engine = fakeEngine();
    const result = await handleInvoke({ engine, isAppUrl })(fromApp, 'dialog.pickFolder', {
      title: 'Pick LoRAs',
    });
    expect(result).toEqual({ ok: true, value: { path: '/art/loras' } });
    expect(electron.showOpenDialog).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Pick LoRAs', properties: expect.arrayContaining(['openDirectory']) }),
    );
    expect(engine.invoke).not.toHaveBeenCalled();
  });

  it('reports a cancelled folder picker as a null path', async () => {
    electron.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    const result = await handleInvoke({ engine: fakeEngine(), isAppUrl })(
      fromApp,
      'dialog.pickFolder',
      undefined,
    );
    expect(result).toEqual({ ok: true, value: { path: null } });
  });

  it('validates host method input against the contract', async () => {
    const result = await handleInvoke({ engine: fakeEngine(), isAppUrl })(fromApp, 'dialog.pickFolder', {
      title: 3,
      extra: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(electron.showOpenDialog).not.toHaveBeenCalled();
  });

  it('turns an AtelierError into a wire error value', async () => {
    const engine = fakeEngine(() => {
      throw new AtelierError('PATH_NOT_FOUND', 'No folder at /nope. Check the path and try again.');
    });
    const result = await handleInvoke({ engine, isAppUrl })(fromApp, 'folders.add', { path: '/nope' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'PATH_NOT_FOUND', message: 'No folder at /nope. Check the path and try again.' },
    });
  });

  it('hides the stack of an unexpected failure', async () => {
    const engine = fakeEngine(() => {
      throw new Error('boom');
    });
    const result = await handleInvoke({ engine, isAppUrl })(fromApp, 'app.status', {});
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Unexpected failure: boom' } });
  });

  it('refuses frames that are not Atelier pages', async () => {
    const engine = fakeEngine();
    const handler = handleInvoke({ engine, isAppUrl });
    expect(await handler(invokeEvent('https://evil.example/'), 'app.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await handler(invokeEvent('file:///tmp/x.html'), 'app.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await handler(invokeEvent(null), 'app.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(engine.invoke).not.toHaveBeenCalled();
  });
});

describe('registerIpc', () => {
  it('handles the invoke channel until disposed', async () => {
    const registration = registerIpc({ engine: fakeEngine(), isAppUrl });
    const handler = electron.handlers.get(INVOKE_CHANNEL);
    expect(handler).toBeTypeOf('function');
    expect(await handler!(fromApp, 'app.status', {})).toMatchObject({ ok: true });
    registration.dispose();
    expect(electron.handlers.has(INVOKE_CHANNEL)).toBe(false);
  });

  it('forwards engine events to every live window', () => {
    const engine = fakeEngine();
    const live = { isDestroyed: () => false, webContents: { isDestroyed: () => false, send: vi.fn() } };
    const closed = { isDestroyed: () => true, webContents: { isDestroyed: () => true, send: vi.fn() } };
    electron.windows.push(live, closed);
    const registration = registerIpc({ engine, isAppUrl });
    const payload = { id: 7, state: 'running' };
    engine.events.fire({ event: 'jobs.onDidProgress', payload } as never);
    expect(live.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, {
      event: 'jobs.onDidProgress',
      payload,
    });
    expect(closed.webContents.send).not.toHaveBeenCalled();
    registration.dispose();
    engine.events.fire({ event: 'jobs.onDidProgress', payload } as never);
    expect(live.webContents.send).toHaveBeenCalledTimes(1);
  });
});
