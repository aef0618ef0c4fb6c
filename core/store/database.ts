import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { backupDatabase } from './backup';
import { finishBulkLoad } from './bulk-load';
import { SqliteFolderRepository } from './folder.repository';
import { SqliteJobRepository } from './job.repository';
import { applyMigrations, readUserVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { readStoredSchemaVersion } from './schema-version';
import { SqliteSettingsRepository } from './settings.repository';
import { databaseTooNew, toOpenError } from './sqlite-errors';
import type { AtelierDatabase } from './store.types';

export interface OpenDatabaseOptions {
  readonly path: string;
  /** A better-sqlite3 `.node` built for this runtime's ABI; Electron needs its own build. */
  readonly nativeBinding?: string;
}

/** How long a statement waits for another connection's lock (a CLI beside the app) before failing. */
export const BUSY_TIMEOUT_MS = 5000;

function configure(connection: Database.Database): void {
  connection.pragma('journal_mode = WAL');
  // NORMAL is durable under WAL except for the last commits before a power cut, and much faster.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

export class SqliteAtelierDatabase implements AtelierDatabase {
  readonly sqliteVersion: string;
  readonly settings: SqliteSettingsRepository;
  readonly folders: SqliteFolderRepository;
  readonly jobs: SqliteJobRepository;

  private constructor(
    readonly path: string,
    /** The raw connection, for repositories of later features and for tests. */
    readonly connection: Database.Database,
    readonly schemaVersion: number,
  ) {
    this.sqliteVersion = (connection.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    this.settings = new SqliteSettingsRepository(connection);
    this.folders = new SqliteFolderRepository(connection);
    this.jobs = new SqliteJobRepository(connection);
  }

  /**
   * Opens or creates the database and migrates it. A file from a newer Atelier is refused before
   * anything is written to it, so the newer app can still open it.
   */
  static open(options: OpenDatabaseOptions): SqliteAtelierDatabase {
    const path = resolve(options.path);
    mkdirSync(dirname(path), { recursive: true });
    const stored = readStoredSchemaVersion(path, options.nativeBinding);
    if (stored > LATEST_SCHEMA_VERSION) throw databaseTooNew(path, stored, LATEST_SCHEMA_VERSION);

    let connection: Database.Database;
    try {
      connection = new Database(path, { nativeBinding: options.nativeBinding, timeout: BUSY_TIMEOUT_MS });
    } catch (error) {
      throw toOpenError(error, path);
    }
    try {
      // Checked again on this connection: another process may have migrated the file meanwhile.
      const current = readUserVersion(connection);
      if (current > LATEST_SCHEMA_VERSION) throw databaseTooNew(path, current, LATEST_SCHEMA_VERSION);
      configure(connection);
      // A bulk load cut short (process killed) left indexes dropped: they come back before anything else,
      // unless the process doing that load is still running (then it is not cut short).
      finishBulkLoad(connection, undefined, { unlessOwnedElsewhere: true });
      const version = applyMigrations(connection, MIGRATIONS);
      return new SqliteAtelierDatabase(path, connection, version);
    } catch (error) {
      connection.close();
      throw toOpenError(error, path);
    }
  }

  backup(destination: string, onProgress: (done: number, total: number) => boolean): Promise<void> {
    return backupDatabase(this.connection, destination, onProgress);
  }

  dispose(): void {
    if (!this.connection.open) return;
    try {
      // SQLite's advice for long-lived connections: refresh planner statistics before closing.
      this.connection.pragma('optimize');
    } finally {
      this.connection.close();
    }
  }
}

export function openDatabase(options: OpenDatabaseOptions): SqliteAtelierDatabase {
  return SqliteAtelierDatabase.open(options);
}
