import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { SqliteAtelierDatabase } from './database';

/** A fresh folder under the OS temp folder for each test, removed afterwards. */
export function useTempFolder(): () => string {
  let folder: string | undefined;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'atelier-store-'));
  });
  afterEach(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });
  return () => {
    if (folder === undefined) throw new Error('useTempFolder() is only usable inside a test');
    return folder;
  };
}

/**
 * A migrated database in a temp folder for each test. After the test it is disposed, and the test
 * fails if disposing did not close the connection.
 */
export function useTestDatabase(): () => SqliteAtelierDatabase {
  const folder = useTempFolder();
  let db: SqliteAtelierDatabase | undefined;
  beforeEach(() => {
    db = SqliteAtelierDatabase.open({ path: join(folder(), 'atelier.db') });
  });
  afterEach(() => {
    db?.dispose();
    expect(db?.connection.open).toBe(false);
    db = undefined;
  });
  return () => {
    if (db === undefined) throw new Error('useTestDatabase() is only usable inside a test');
    return db;
  };
}
