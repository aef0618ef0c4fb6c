import { BrowserWindow, shell } from 'electron';
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';
import { isHttpUrl } from './app-url';

/** Matches the renderer's dark theme so the window never flashes white before the first paint. */
export const BACKGROUND_COLOR = '#121316';

export interface MainWindowOptions {
  readonly preloadPath: string;
  /** The page to load: the app scheme's index, or the dev server. */
  readonly url: string;
  readonly isAppUrl: (url: string) => boolean;
  readonly iconPath?: string;
}

export function mainWindowOptions(
  options: Pick<MainWindowOptions, 'preloadPath' | 'iconPath'>,
): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Atelier',
    backgroundColor: BACKGROUND_COLOR,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * Keeps a page on Atelier's own URLs: in-page navigation elsewhere is cancelled, new windows are
 * refused, and web links open in the user's browser instead.
 */
export function guardNavigation(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  const openOutside = (url: string): void => {
    if (isHttpUrl(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(options));
  guardNavigation(window.webContents, options.isAppUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url).catch((error: unknown) => {
    console.error(`[window] could not load ${options.url}:`, error);
  });
  return window;
}
