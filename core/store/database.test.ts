import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtelierError } from '../api';
import { openDatabase, SqliteAtelierDatabase } from './database';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { useTempFolder } from './store.test-support';

function openError(open: () => unknown): AtelierError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(AtelierError);
    return error as AtelierError;
  }
  throw new Error('expected opening to fail');
}

/** Writes a database that claims a schema this build does not know, as a newer Atelier would. */
function writeNewerDatabase(path: string): void {
  const connection = new Database(path);
  connection.pragma('journal_mode = WAL');
  connection.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
  connection.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  connection.close();
}

describe('openDatabase', () => {
  const folder = useTempFolder();

  it('creates the parent folder and a migrated file, and dispose closes it once', () => {
    const path = join(folder(), 'nested', 'deeper', 'atelier.db');
    const db = SqliteAtelierDatabase.open({ path });
    expect(existsSync(path)).toBe(true);
    expect(db.path).toBe(path);
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(db.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(db.connection.open).toBe(true);
    db.dispose();
    expect(db.connection.open).toBe(false);
    expect(() => db.dispose()).not.toThrow();
  });

  it('keeps data across reopening', () => {
    const path = join(folder(), 'atelier.db');
    const first = openDatabase({ path });
    first.settings.setMany({ theme: 'dark' });
    first.dispose();
    const second = openDatabase({ path });
    expect(second.settings.getAll()).toEqual({ theme: 'dark' });
    second.dispose();
  });

  it('loads the native binding it is given', () => {
    const require = createRequire(import.meta.url);
    const packageRoot = join(require.resolve('better-sqlite3/package.json'), '..');
    const binding = join(packageRoot, 'build', 'Release', 'better_sqlite3.node');
    const db = openDatabase({ path: join(folder(), 'a.db'), nativeBinding: binding });
    db.dispose();
    expect(() =>
      openDatabase({ path: join(folder(), 'b.db'), nativeBinding: join(folder(), 'nope.node') }),
    ).toThrow(/nope\.node/);
  });

  it('refuses a newer database without touching it', () => {
    const path = join(folder(), 'atelier.db');
    writeNewerDatabase(path);
    const before = readFileSync(path);

    const error = openError(() => openDatabase({ path }));
    expect(error.code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toMatch(/newer version of Atelier/);
    expect(error.message).toMatch(/Update Atelier/);

    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(folder())).toEqual(['atelier.db']);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    check.close();
  });

  it('sees a newer version that a crash left in the WAL only', () => {
    const live = join(folder(), 'live.db');
    const writer = new Database(live);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (x INTEGER) STRICT');
    writer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    // Copying while the writer still holds the WAL is what a crash leaves on disk.
    const path = join(folder(), 'crashed.db');
    copyFileSync(live, path);
    copyFileSync(`${live}-wal`, `${path}-wal`);
    writer.close();
    expect(readFileSync(path).readInt32BE(60)).toBe(0);
    const before = readFileSync(path);

    expect(openError(() => openDatabase({ path })).code).toBe('DATABASE_TOO_NEW');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reports a file that is not SQLite as corrupt and leaves it alone', () => {
    const path = join(folder(), 'atelier.db');
    const text = 'These are my notes, not a database.\n'.repeat(50);
    writeFileSync(path, text);

    const error = openError(() => openDatabase({ path }));
    expect(error.code).toBe('DATABASE_CORRUPT');
    expect(error.message).toMatch(/not a readable Atelier database/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('reports a SQLite file with a damaged schema page as corrupt', () => {
    const path = join(folder(), 'atelier.db');
    openDatabase({ path }).dispose();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100, 4096);
    writeFileSync(path, bytes);

    expect(openError(() => openDatabase({ path })).code).toBe('DATABASE_CORRUPT');
  });

  it('reports a folder in place of the file as unreadable', () => {
    expect(openError(() => openDatabase({ path: folder() })).code).toBe('PATH_UNREADABLE');
  });
});
