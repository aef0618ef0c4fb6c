import type Database from 'better-sqlite3';
import type { Migration } from './migrations';
import { databaseTooNew } from './sqlite-errors';

export function readUserVersion(connection: Database.Database): number {
  return connection.pragma('user_version', { simple: true }) as number;
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration ${migration.name} has version ${migration.version}; expected ${index + 1}.`);
    }
  });
}

/**
 * Brings the file up to the newest migration, one transaction per step so a failure keeps every
 * step before it. Returns the resulting schema version.
 */
export function applyMigrations(connection: Database.Database, migrations: readonly Migration[]): number {
  assertConsecutive(migrations);
  const latest = migrations.length;
  const current = readUserVersion(connection);
  if (current > latest) throw databaseTooNew(connection.name, current, latest);

  for (const migration of migrations.slice(current)) {
    connection.transaction(() => {
      connection.exec(migration.sql);
      connection.pragma(`user_version = ${migration.version}`);
    })();
  }
  return readUserVersion(connection);
}
