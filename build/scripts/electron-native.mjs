#!/usr/bin/env node
// Prepares what `electron-vite` and `electron-builder` need but `npm install` here does not provide:
// the Electron binary (its postinstall is disabled in package.json allowScripts) and a better-sqlite3
// binding built for Electron's ABI. node_modules/better-sqlite3 keeps its Node-ABI build, which tests
// and the CLI load; the Electron build goes to .native/electron-<version>-<platform>-<arch>/.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SQLITE_BINDING_FILE = 'better_sqlite3.node';
export const BUILD_INFO_FILE = 'build-info.json';
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** Must match `nativeDirName` in electron/main/native-binding.ts, which loads these files. */
export function nativeDirName({ electronVersion, platform, arch }) {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

/** Where the Electron-ABI binding for `target` lives under the repository. */
export function nativeBindingPath(repoRoot, target) {
  return path.join(repoRoot, '.native', nativeDirName(target), SQLITE_BINDING_FILE);
}

/** The Electron version, platform and arch to build for, read from the installed packages. */
export function electronTarget(repoRoot, platform = process.platform, arch = process.arch) {
  return {
    electronVersion: readJson(path.join(repoRoot, 'node_modules/electron/package.json')).version,
    betterSqlite3Version: readJson(path.join(repoRoot, 'node_modules/better-sqlite3/package.json')).version,
    platform,
    arch,
  };
}

/** electron's install.js writes path.txt once it has downloaded and unpacked the binary. */
export function isElectronBinaryInstalled(repoRoot) {
  return existsSync(path.join(repoRoot, 'node_modules/electron/path.txt'));
}

/**
 * Built when the binding is there and was built from the installed better-sqlite3: a binding from
 * an older better-sqlite3 may not match its JavaScript.
 */
export function isBindingBuilt(repoRoot, target) {
  const binding = nativeBindingPath(repoRoot, target);
  if (!existsSync(binding) || statSync(binding).size === 0) return false;
  const infoFile = path.join(path.dirname(binding), BUILD_INFO_FILE);
  if (!existsSync(infoFile)) return false;
  try {
    const info = readJson(infoFile);
    return (
      info.betterSqlite3Version === target.betterSqlite3Version &&
      info.electronVersion === target.electronVersion
    );
  } catch {
    return false;
  }
}

export function prebuildInstallArgs(target) {
  return [
    '--runtime',
    'electron',
    '--target',
    target.electronVersion,
    '--arch',
    target.arch,
    '--platform',
    target.platform,
    '--verbose',
  ];
}

export function nodeGypArgs(target) {
  return [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${target.electronVersion}`,
    `--arch=${target.arch}`,
    `--dist-url=${ELECTRON_HEADERS_URL}`,
  ];
}

/** Copies the package without its Node-ABI build, so whatever lands in build/Release is Electron's. */
export function copyPackageForBuild(packageDir, workDir) {
  const skip = path.join(packageDir, 'build');
  cpSync(packageDir, workDir, {
    recursive: true,
    filter: (source) => source !== skip && !source.startsWith(skip + path.sep),
  });
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function run(label, args, cwd) {
  console.log(`[electron-native] ${label}: node ${args.join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  return result.status === 0;
}

export function ensureElectronBinary(repoRoot) {
  if (isElectronBinaryInstalled(repoRoot)) return;
  console.log(
    '[electron-native] the Electron binary is missing; downloading it (node_modules/electron/install.js)',
  );
  const ok = run('electron install', [path.join(repoRoot, 'node_modules/electron/install.js')], repoRoot);
  if (!ok || !isElectronBinaryInstalled(repoRoot)) {
    throw new Error(
      'Could not download the Electron binary. This needs access to github.com (or ELECTRON_MIRROR). ' +
        'If you are offline, connect and run `node node_modules/electron/install.js`, or set ELECTRON_OVERRIDE_DIST_PATH ' +
        'to a folder holding an unpacked Electron of the same version.',
    );
  }
}

export function ensureSqliteBinding(repoRoot, target) {
  if (isBindingBuilt(repoRoot, target)) {
    console.log(
      `[electron-native] ${path.relative(repoRoot, nativeBindingPath(repoRoot, target))} is up to date`,
    );
    return;
  }
  const packageDir = path.join(repoRoot, 'node_modules/better-sqlite3');
  const requireFromPackage = createRequire(path.join(packageDir, 'package.json'));
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-better-sqlite3-'));
  try {
    copyPackageForBuild(packageDir, workDir);
    // Through `node <bin>` because some installs leave package bins without the executable bit.
    let method = 'prebuild-install';
    let ok = run(
      'prebuilt download',
      [requireFromPackage.resolve('prebuild-install/bin.js'), ...prebuildInstallArgs(target)],
      workDir,
    );
    if (!ok) {
      method = 'node-gyp';
      console.log(
        '[electron-native] no prebuilt binary could be downloaded; compiling with node-gyp (needs a C++ toolchain)',
      );
      ok = run('compile', [resolveNodeGyp(repoRoot), ...nodeGypArgs(target)], workDir);
    }
    const built = path.join(workDir, 'build/Release', SQLITE_BINDING_FILE);
    if (!ok || !existsSync(built)) {
      throw new Error(
        'Could not get better-sqlite3 for Electron: the prebuilt download (github.com) failed and so did compiling it ' +
          `(needs Python, a C++ toolchain and Electron headers from ${ELECTRON_HEADERS_URL}). If you are offline, connect and run ` +
          '`node build/scripts/electron-native.mjs` again.',
      );
    }
    const destination = nativeBindingPath(repoRoot, target);
    mkdirSync(path.dirname(destination), { recursive: true });
    // Copy then rename, so an interrupted run never leaves a half-written binding that looks built.
    const partial = `${destination}.partial`;
    cpSync(built, partial);
    renameSync(partial, destination);
    writeFileSync(
      path.join(path.dirname(destination), BUILD_INFO_FILE),
      `${JSON.stringify({ electronVersion: target.electronVersion, betterSqlite3Version: target.betterSqlite3Version, method }, null, 2)}\n`,
    );
    console.log(`[electron-native] wrote ${path.relative(repoRoot, destination)} (${method})`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function resolveNodeGyp(repoRoot) {
  try {
    return createRequire(path.join(repoRoot, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm ships its own node-gyp and tells scripts where it is.
    const fromNpm = process.env.npm_config_node_gyp;
    if (fromNpm) return fromNpm;
    throw new Error('node-gyp is not installed; run `npm install` first.');
  }
}

export function main(repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')) {
  ensureElectronBinary(repoRoot);
  ensureSqliteBinding(repoRoot, electronTarget(repoRoot));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    console.error(`[electron-native] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
