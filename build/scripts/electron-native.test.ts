import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nativeDirName as mainNativeDirName, sqliteBindingPath } from '../../electron/main/native-binding';
import {
  BUILD_INFO_FILE,
  copyPackageForBuild,
  electronTarget,
  isBindingBuilt,
  isElectronBinaryInstalled,
  nativeBindingPath,
  nativeDirName,
  nodeGypArgs,
  prebuildInstallArgs,
} from './electron-native.mjs';

// The network steps (electron/install.js, prebuild-install's download, node-gyp's header download)
// cannot run without internet; these tests cover the decisions around them.

let repo: string;
const target = {
  electronVersion: '39.8.10',
  betterSqlite3Version: '12.11.1',
  platform: 'linux',
  arch: 'x64',
};

function write(relative: string, content: string): void {
  const file = path.join(repo, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

beforeEach(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'atelier-native-test-'));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('electron-native paths', () => {
  it('names the folder by Electron version, platform and arch', () => {
    expect(nativeDirName(target)).toBe('electron-39.8.10-linux-x64');
    expect(nativeBindingPath(repo, target)).toBe(
      path.join(repo, '.native/electron-39.8.10-linux-x64/better_sqlite3.node'),
    );
  });

  it('agrees with where Electron main looks for the binding in development', () => {
    expect(mainNativeDirName('39.8.10', 'linux', 'x64')).toBe(nativeDirName(target));
    expect(
      sqliteBindingPath({
        isPackaged: false,
        resourcesPath: '/unused',
        appPath: repo,
        electronVersion: '39.8.10',
        platform: 'linux',
        arch: 'x64',
      }),
    ).toBe(nativeBindingPath(repo, target));
  });

  it('reads the target from the installed packages', () => {
    write('node_modules/electron/package.json', JSON.stringify({ version: '39.8.10' }));
    write('node_modules/better-sqlite3/package.json', JSON.stringify({ version: '12.11.1' }));
    expect(electronTarget(repo, 'linux', 'x64')).toEqual(target);
  });
});

describe('electron-native "already done?" checks', () => {
  it('sees the Electron binary only once install.js wrote path.txt', () => {
    write('node_modules/electron/package.json', '{}');
    expect(isElectronBinaryInstalled(repo)).toBe(false);
    write('node_modules/electron/path.txt', 'electron');
    expect(isElectronBinaryInstalled(repo)).toBe(true);
  });

  it('counts a binding as built only with matching build info', () => {
    const dir = path.relative(repo, path.dirname(nativeBindingPath(repo, target)));
    expect(isBindingBuilt(repo, target)).toBe(false);
    write(path.join(dir, 'better_sqlite3.node'), 'binary');
    expect(isBindingBuilt(repo, target)).toBe(false);
    write(
      path.join(dir, BUILD_INFO_FILE),
      JSON.stringify({ electronVersion: '39.8.10', betterSqlite3Version: '12.11.1' }),
    );
    expect(isBindingBuilt(repo, target)).toBe(true);
    expect(isBindingBuilt(repo, { ...target, betterSqlite3Version: '12.12.0' })).toBe(false);
  });

  it('treats an empty or unreadable build as not built', () => {
    const dir = path.relative(repo, path.dirname(nativeBindingPath(repo, target)));
    write(path.join(dir, 'better_sqlite3.node'), '');
    write(
      path.join(dir, BUILD_INFO_FILE),
      JSON.stringify({ electronVersion: '39.8.10', betterSqlite3Version: '12.11.1' }),
    );
    expect(isBindingBuilt(repo, target)).toBe(false);
    write(path.join(dir, 'better_sqlite3.node'), 'binary');
    write(path.join(dir, BUILD_INFO_FILE), '{not json');
    expect(isBindingBuilt(repo, target)).toBe(false);
  });
});

describe('electron-native commands', () => {
  it('asks prebuild-install for the Electron runtime, version and arch', () => {
    expect(prebuildInstallArgs(target)).toEqual(
      expect.arrayContaining([
        '--runtime',
        'electron',
        '--target',
        '39.8.10',
        '--arch',
        'x64',
        '--platform',
        'linux',
      ]),
    );
    const args = prebuildInstallArgs(target);
    expect(args[args.indexOf('--target') + 1]).toBe('39.8.10');
  });

  it('falls back to node-gyp against Electron headers', () => {
    expect(nodeGypArgs(target)).toEqual([
      'rebuild',
      '--release',
      '--runtime=electron',
      '--target=39.8.10',
      '--arch=x64',
      '--dist-url=https://electronjs.org/headers',
    ]);
  });

  it('copies the package without its Node-ABI build folder', () => {
    write('pkg/package.json', '{}');
    write('pkg/lib/index.js', '');
    write('pkg/build/Release/better_sqlite3.node', 'node abi');
    write('pkg/buildscripts/keep.txt', '');
    copyPackageForBuild(path.join(repo, 'pkg'), path.join(repo, 'work'));
    expect(readdirSync(path.join(repo, 'work')).sort()).toEqual(['buildscripts', 'lib', 'package.json']);
  });
});
