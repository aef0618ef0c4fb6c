import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  openExternal: vi.fn(() => Promise.resolve()),
  windows: [] as unknown[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeWebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
  }
  class BrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly show = vi.fn();
    constructor(readonly options: unknown) {
      super();
      electron.windows.push(this);
    }
  }
  return { BrowserWindow, shell: { openExternal: electron.openExternal } };
});

const { createMainWindow, guardNavigation, mainWindowOptions, BACKGROUND_COLOR } = await import('./window');
const { appUrlMatcher, APP_ENTRY_URL } = await import('./app-url');

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

function navigate(contents: FakeContents, channel: string, url: string): boolean {
  const event = { preventDefault: vi.fn() };
  contents.emit(channel, event, url);
  return event.preventDefault.mock.calls.length > 0;
}

const isAppUrl = appUrlMatcher('http://localhost:5173');

beforeEach(() => {
  electron.openExternal.mockClear();
  electron.windows.length = 0;
});

describe('mainWindowOptions', () => {
  it('hardens the renderer', () => {
    const options = mainWindowOptions({ preloadPath: '/out/preload/index.cjs' });
    expect(options.webPreferences).toMatchObject({
      preload: '/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('paints dark and shows only when ready, so there is no white flash', () => {
    const options = mainWindowOptions({ preloadPath: '/p' });
    expect(options.backgroundColor).toBe(BACKGROUND_COLOR);
    expect(options.show).toBe(false);
  });
});

describe('guardNavigation', () => {
  it('lets the app navigate within itself', () => {
    const contents = new FakeContents();
    guardNavigation(contents as never, isAppUrl);
    expect(navigate(contents, 'will-navigate', `${APP_ENTRY_URL}#/library`)).toBe(false);
    expect(navigate(contents, 'will-navigate', 'http://localhost:5173/feed')).toBe(false);
  });

  it('blocks navigation away and opens web links in the browser', () => {
    const contents = new FakeContents();
    guardNavigation(contents as never, isAppUrl);
    expect(navigate(contents, 'will-navigate', 'https://civitai.com/models/1')).toBe(true);
    expect(electron.openExternal).toHaveBeenCalledWith('https://civitai.com/models/1');
  });

  it('never hands non-web URLs to the OS', () => {
    const contents = new FakeContents();
    guardNavigation(contents as never, isAppUrl);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'smb://host/share')).toBe(true);
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.openExternal).not.toHaveBeenCalled();
  });

  it('blocks redirects off the app and webview attachment', () => {
    const contents = new FakeContents();
    guardNavigation(contents as never, isAppUrl);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open, opening http(s) links outside', () => {
    const contents = new FakeContents();
    guardNavigation(contents as never, isAppUrl);
    expect(contents.openHandler?.({ url: 'https://github.com/x' })).toEqual({ action: 'deny' });
    expect(electron.openExternal).toHaveBeenCalledWith('https://github.com/x');
    expect(contents.openHandler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
  });
});

describe('createMainWindow', () => {
  it('loads the URL, guards it and shows it once painted', () => {
    const window = createMainWindow({
      preloadPath: '/p',
      url: APP_ENTRY_URL,
      isAppUrl,
    }) as unknown as EventEmitter & {
      webContents: { windowOpenHandler: unknown };
      loadURL: ReturnType<typeof vi.fn>;
      show: ReturnType<typeof vi.fn>;
    };
    expect(window.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(window.webContents.windowOpenHandler).toBeTypeOf('function');
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalled();
  });
});
