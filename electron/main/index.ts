import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, net, protocol, session, shell } from 'electron';
import { APP_ENTRY_URL, appUrlMatcher } from './app-url';
import { installDevContentSecurityPolicy, restrictPermissions } from './content-security';
import { resolveDataDir } from './data-dir';
import { EngineClient } from './engine-client';
import { forkEngine } from './engine-launch';
import { registerIpc } from './ipc';
import { MEDIA_SCHEME_PRIVILEGES, registerMediaProtocol } from './media-protocol';
import { installMenu } from './menu';
import { sqliteBindingPath } from './native-binding';
import { APP_SCHEME_PRIVILEGES, registerRendererProtocol } from './renderer-protocol';
import { createMainWindow } from './window';

// Schemes can only be made privileged before `ready`, and all in one call.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES, MEDIA_SCHEME_PRIVILEGES]);
app.enableSandbox();

const { dataDir, explicit } = chooseDataDir();
if (explicit) {
  // Chromium's profile (and the single-instance lock) follow the data folder, so two data folders
  // can be open at once while a second launch on the same folder still focuses the first window.
  app.setPath('userData', path.join(dataDir, 'electron'));
}

const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const isAppUrl = appUrlMatcher(devServerUrl);
const here = import.meta.dirname;

let mainWindow: BrowserWindow | undefined;
let engine: EngineClient | undefined;
let engineStopped = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!app.isReady()) return;
    if (mainWindow === undefined || mainWindow.isDestroyed()) {
      openMainWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

function start(): void {
  const sqliteBinding = sqliteBindingPath({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    electronVersion: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
  });
  const haveBinding = existsSync(sqliteBinding);
  if (!haveBinding) {
    console.warn(
      `[main] ${sqliteBinding} is missing; run "node build/scripts/electron-native.mjs" to build SQLite for Electron. ` +
        'Trying the binding in node_modules, which only works if it was built for Electron.',
    );
  }

  engine = new EngineClient({
    fork: () =>
      forkEngine({
        entry: path.join(here, 'engine-process.js'),
        dataDir,
        sqliteBinding: haveBinding ? sqliteBinding : undefined,
      }),
    onCrash: ({ code, restarted }) => {
      console.error(
        `[main] engine process exited with code ${code}; ${restarted ? 'restarted it' : 'gave up restarting'}`,
      );
      if (!restarted) {
        dialog.showErrorBox(
          'Atelier’s engine keeps stopping',
          'Restart Atelier. If it happens again, start it from a terminal to see why.',
        );
      }
    },
  });

  restrictPermissions(session.defaultSession);
  if (devServerUrl !== undefined) installDevContentSecurityPolicy(session.defaultSession, devServerUrl);
  registerRendererProtocol(protocol, path.join(here, '../renderer'), (input, init) => net.fetch(input, init));
  registerMediaProtocol(protocol, { engine, fetchFile: (input, init) => net.fetch(input, init) });
  registerIpc({ engine, isAppUrl });
  installMenu(
    { platform: process.platform, appName: app.getName(), isDev: !app.isPackaged },
    { showDataFolder: () => void shell.openPath(dataDir) },
  );

  openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
}

function openMainWindow(): void {
  mainWindow = createMainWindow({
    preloadPath: path.join(here, '../preload/index.cjs'),
    url: devServerUrl ?? APP_ENTRY_URL,
    isAppUrl,
    // Packaged builds get their icon from the installer; in development Linux would show none.
    ...(app.isPackaged ? {} : { iconPath: path.join(app.getAppPath(), 'resources/icons/icon.png') }),
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// The engine closes its database before the app exits; quitting waits for it (bounded by its timeout).
app.on('will-quit', (event) => {
  if (engine === undefined || engineStopped) return;
  event.preventDefault();
  void engine.shutdown().finally(() => {
    engineStopped = true;
    app.quit();
  });
});

function chooseDataDir(): ReturnType<typeof resolveDataDir> {
  try {
    return resolveDataDir(process.argv, process.env, () => app.getPath('userData'));
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): never {
  console.error('[main] startup failed:', error);
  dialog.showErrorBox('Atelier could not start', error instanceof Error ? error.message : String(error));
  return process.exit(1);
}
