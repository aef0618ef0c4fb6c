import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGED_NATIVE_DIR } from '../electron/main/native-binding';

// electron-builder itself needs to download Electron to package, so this checks the decisions the
// app's code relies on rather than running it.
const root = path.resolve(import.meta.dirname, '..');
const config = parse(readFileSync(path.join(root, 'build/electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;

describe('electron-builder config', () => {
  it('never rebuilds node_modules, whose binaries stay Node-ABI for tests', () => {
    expect(config['npmRebuild']).toBe(false);
    expect(config['nodeGypRebuild']).toBe(false);
  });

  it('ships the Electron-ABI bindings where main looks for them', () => {
    expect(config['extraResources']).toEqual([
      { from: '.native', to: PACKAGED_NATIVE_DIR, filter: ['electron-*-${platform}-${arch}/**'] },
    ]);
  });

  it('packs the bundles and unpacks native modules', () => {
    expect(config['files']).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config['asarUnpack']).toEqual(expect.arrayContaining(['**/*.node']));
  });

  it('builds AppImage, NSIS and DMG with a 512×512 PNG icon that exists', () => {
    const targets = ['linux', 'win', 'mac'].map(
      (os) => (config[os] as { target: string; icon: string }).target,
    );
    expect(targets).toEqual(['AppImage', 'nsis', 'dmg']);
    for (const os of ['linux', 'win', 'mac']) {
      const icon = readFileSync(path.join(root, (config[os] as { icon: string }).icon));
      expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
    }
  });
});
