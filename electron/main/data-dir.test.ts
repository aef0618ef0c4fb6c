import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir';

const fallback = () => '/home/a/.config/Atelier';
const cwd = '/work/here';

describe('resolveDataDir', () => {
  it('prefers --data-dir over the environment', () => {
    expect(
      resolveDataDir(['electron', '.', '--data-dir', '/data/x'], { ATELIER_DATA_DIR: '/env' }, fallback, cwd),
    ).toEqual({
      dataDir: path.resolve('/data/x'),
      explicit: true,
    });
  });

  it('accepts the --data-dir=<path> form and resolves relative paths against cwd', () => {
    expect(resolveDataDir(['--data-dir=rel/dir'], {}, fallback, cwd).dataDir).toBe(
      path.resolve(cwd, 'rel/dir'),
    );
  });

  it('uses ATELIER_DATA_DIR when no flag is given', () => {
    expect(resolveDataDir([], { ATELIER_DATA_DIR: '/env/dir' }, fallback, cwd)).toEqual({
      dataDir: path.resolve('/env/dir'),
      explicit: true,
    });
  });

  it('falls back to userData when neither is set, or the variable is blank', () => {
    expect(resolveDataDir([], {}, fallback, cwd)).toEqual({ dataDir: fallback(), explicit: false });
    expect(resolveDataDir([], { ATELIER_DATA_DIR: '  ' }, fallback, cwd).explicit).toBe(false);
  });

  it('refuses a flag without a value instead of guessing', () => {
    expect(() => resolveDataDir(['--data-dir'], {}, fallback, cwd)).toThrow(/needs a folder path/);
    expect(() => resolveDataDir(['--data-dir', '--inspect'], {}, fallback, cwd)).toThrow(
      /needs a folder path/,
    );
    expect(() => resolveDataDir(['--data-dir='], {}, fallback, cwd)).toThrow(/needs a folder path/);
  });
});
