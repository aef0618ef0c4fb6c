import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from './data-dir';

describe('data folder', () => {
  it("matches Electron's userData folder for an app named Atelier", () => {
    expect(defaultDataDir('linux', {}, '/home/ada')).toBe('/home/ada/.config/Atelier');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/Atelier');
    expect(defaultDataDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Atelier');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe(
      path.join('C:\\Users\\ada\\AppData\\Roaming', 'Atelier'),
    );
  });

  it('prefers --data-dir, then ATELIER_DATA_DIR', () => {
    expect(resolveDataDir('/flag', { ATELIER_DATA_DIR: '/env' })).toBe('/flag');
    expect(resolveDataDir(undefined, { ATELIER_DATA_DIR: '/env' })).toBe('/env');
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/cfg' })).toBe(
      defaultDataDir(process.platform, { XDG_CONFIG_HOME: '/cfg' }),
    );
  });
});
