import path from 'node:path';

/** Must match `nativeDirName` in build/scripts/electron-native.mjs, which builds these files (a test checks). */
export function nativeDirName(electronVersion: string, platform: string, arch: string): string {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

export const SQLITE_BINDING_FILE = 'better_sqlite3.node';
/** Where electron-builder's extraResources puts `.native/` inside the packaged app's resources. */
export const PACKAGED_NATIVE_DIR = 'native';

export interface BindingLocation {
  readonly isPackaged: boolean;
  /** `process.resourcesPath` in a packaged app. */
  readonly resourcesPath: string;
  /** `app.getAppPath()`: the repository root in development. */
  readonly appPath: string;
  readonly electronVersion: string;
  readonly platform: string;
  readonly arch: string;
}

/**
 * The better-sqlite3 binding built for Electron's ABI. node_modules keeps the Node-ABI build that
 * tests and the CLI use, so Electron must be pointed at its own copy.
 */
export function sqliteBindingPath(location: BindingLocation): string {
  const dir = nativeDirName(location.electronVersion, location.platform, location.arch);
  return location.isPackaged
    ? path.join(location.resourcesPath, PACKAGED_NATIVE_DIR, dir, SQLITE_BINDING_FILE)
    : path.join(location.appPath, '.native', dir, SQLITE_BINDING_FILE);
}
