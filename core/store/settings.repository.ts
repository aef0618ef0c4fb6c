import type Database from 'better-sqlite3';
import type { SettingsRepository } from './store.types';

interface SettingRow {
  key: string;
  value: string;
}

export class SqliteSettingsRepository implements SettingsRepository {
  private readonly selectAll: Database.Statement<[], SettingRow>;
  private readonly upsert: Database.Statement<[string, string]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly writeMany: (values: Record<string, unknown>) => void;

  constructor(connection: Database.Database) {
    this.selectAll = connection.prepare('SELECT key, value FROM settings');
    this.upsert = connection.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.remove = connection.prepare('DELETE FROM settings WHERE key = ?');
    this.writeMany = connection.transaction((values: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(values)) {
        // JSON has no undefined; a key set to undefined falls back to its default by disappearing.
        if (value === undefined) this.remove.run(key);
        else this.upsert.run(key, JSON.stringify(value));
      }
    });
  }

  getAll(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const row of this.selectAll.all()) values[row.key] = JSON.parse(row.value);
    return values;
  }

  setMany(values: Record<string, unknown>): void {
    this.writeMany(values);
  }
}
