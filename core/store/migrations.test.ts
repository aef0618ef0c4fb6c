import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations, readUserVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import type { Migration } from './migrations';
import { useTempFolder, useTestDatabase } from './store.test-support';

const EXPECTED_TABLES = [
  'captions',
  'embeddings',
  'feed_results',
  'folders',
  'image_loras',
  'image_reaction_counts',
  'images',
  'import_runs',
  'interactions',
  'jobs',
  'long_prompts',
  'lora_file_tags',
  'lora_files',
  'model_tags',
  'model_versions',
  'models',
  'profiles',
  'reaction_bins',
  'reactions',
  'settings',
  'tags',
  'users',
  'w2w_directions',
  'w2w_edits',
  'w2w_space_members',
  'w2w_spaces',
];

interface TableListRow {
  schema: string;
  name: string;
  type: string;
  strict: number;
}

describe('migrations', () => {
  const database = useTestDatabase();

  it('are numbered 1..n in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('bring a new file to the latest version with every table', () => {
    const db = database();
    expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(readUserVersion(db.connection)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.connection
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(EXPECTED_TABLES);
    const search = db.connection
      .prepare("SELECT name FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
      .pluck()
      .all();
    expect(search).toEqual(['image_fts', 'lora_fts']);
  });

  it('make every table STRICT', () => {
    const rows = database().connection.pragma('table_list') as TableListRow[];
    const ours = rows.filter(
      (r) => r.schema === 'main' && r.type === 'table' && !r.name.startsWith('sqlite_'),
    );
    expect(ours.map((r) => r.name).sort()).toEqual(EXPECTED_TABLES);
    expect(ours.filter((r) => r.strict !== 1).map((r) => r.name)).toEqual([]);
    expect(() =>
      database()
        .connection.prepare("INSERT INTO jobs (kind, title, progress) VALUES ('k', 't', 'half')")
        .run(),
    ).toThrow(/cannot store TEXT value in REAL column/);
  });

  it('turn on WAL, foreign keys, NORMAL sync and a busy timeout', () => {
    const { connection } = database();
    expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connection.pragma('synchronous', { simple: true })).toBe(1);
    expect(connection.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(connection.pragma('foreign_key_check')).toEqual([]);
  });

  it('seed the local artist, who cannot be deleted', () => {
    const { connection } = database();
    expect(connection.prepare('SELECT id, hash, is_local FROM users').all()).toEqual([
      { id: 1, hash: null, is_local: 1 },
    ]);
    expect(() => connection.prepare('DELETE FROM users WHERE id = 1').run()).toThrow(/local artist/);
  });

  it('enforce foreign keys with their ON DELETE rules', () => {
    const { connection } = database();
    expect(() =>
      connection
        .prepare("INSERT INTO lora_files (folder_id, path, size, mtime_ms) VALUES (99, '/x', 1, 0)")
        .run(),
    ).toThrow(/FOREIGN KEY/);

    const folderId = connection
      .prepare("INSERT INTO folders (path, kind) VALUES ('/l', 'loras')")
      .run().lastInsertRowid;
    const fileId = connection
      .prepare(
        "INSERT INTO lora_files (folder_id, path, size, mtime_ms) VALUES (?, '/l/a.safetensors', 1, 0)",
      )
      .run(folderId).lastInsertRowid;
    const imageId = connection
      .prepare("INSERT INTO images (path, source) VALUES ('/i/1.png', 'local')")
      .run().lastInsertRowid;
    connection
      .prepare("INSERT INTO image_loras (image_id, lora_file_id, match_rule) VALUES (?, ?, 'autov3')")
      .run(imageId, fileId);
    connection
      .prepare(
        "INSERT INTO embeddings (item_kind, item_id, model_id, dim, vector) VALUES ('image', ?, 'clip', 2, ?)",
      )
      .run(imageId, Buffer.from(new Float32Array([1, 2]).buffer));

    connection.prepare('DELETE FROM folders WHERE id = ?').run(folderId);
    expect(
      connection.prepare('SELECT folder_id FROM lora_files WHERE id = ?').pluck().get(fileId),
    ).toBeNull();

    connection.prepare('DELETE FROM lora_files WHERE id = ?').run(fileId);
    expect(connection.prepare('SELECT lora_file_id FROM image_loras').pluck().all()).toEqual([null]);

    connection.prepare('DELETE FROM images WHERE id = ?').run(imageId);
    expect(connection.prepare('SELECT count(*) FROM image_loras').pluck().get()).toBe(0);
    expect(connection.prepare('SELECT count(*) FROM embeddings').pluck().get()).toBe(0);
  });

  it('index every foreign key column, so ON DELETE actions do not scan the child table', () => {
    const { connection } = database();
    const unindexed: string[] = [];
    for (const table of EXPECTED_TABLES) {
      const leading = new Set(
        (connection.pragma(`index_list(${table})`) as { name: string }[]).map(
          (index) => (connection.pragma(`index_info(${index.name})`) as { name: string }[])[0]?.name,
        ),
      );
      const rowidAlias = (
        connection.pragma(`table_info(${table})`) as { name: string; type: string; pk: number }[]
      )
        .filter((column) => column.pk === 1 && column.type === 'INTEGER')
        .map((column) => column.name);
      for (const fk of connection.pragma(`foreign_key_list(${table})`) as { from: string }[]) {
        if (!leading.has(fk.from) && !rowidAlias.includes(fk.from)) unindexed.push(`${table}.${fk.from}`);
      }
    }
    expect(unindexed).toEqual([]);
  });

  it('compare tag names without case', () => {
    const { connection } = database();
    connection.prepare("INSERT INTO tags (name) VALUES ('Anime')").run();
    expect(() => connection.prepare("INSERT INTO tags (name) VALUES ('anime')").run()).toThrow(/UNIQUE/);
  });
});

describe('applyMigrations', () => {
  const folder = useTempFolder();
  const step = (version: number, sql: string): Migration => ({ version, name: `step ${version}`, sql });

  it('keeps the steps before a failing one and rolls the failing one back', () => {
    const connection = new Database(join(folder(), 'steps.db'));
    try {
      const migrations = [
        step(1, 'CREATE TABLE a (x INTEGER) STRICT;'),
        step(2, 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO missing VALUES (1);'),
      ];
      expect(() => applyMigrations(connection, migrations)).toThrow(/no such table: missing/);
      expect(readUserVersion(connection)).toBe(1);
      const tables = connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(['a']);
    } finally {
      connection.close();
    }
  });

  it('runs only the steps a file has not seen yet', () => {
    const connection = new Database(join(folder(), 'steps.db'));
    try {
      applyMigrations(connection, [step(1, 'CREATE TABLE a (x INTEGER) STRICT;')]);
      const version = applyMigrations(connection, [
        step(1, 'CREATE TABLE a (x INTEGER) STRICT;'),
        step(2, 'CREATE TABLE b (x INTEGER) STRICT;'),
      ]);
      expect(version).toBe(2);
    } finally {
      connection.close();
    }
  });

  it('refuses a list with a gap', () => {
    const connection = new Database(join(folder(), 'steps.db'));
    try {
      expect(() => applyMigrations(connection, [step(2, 'SELECT 1;')])).toThrow(/expected 1/);
      expect(readUserVersion(connection)).toBe(0);
    } finally {
      connection.close();
    }
  });
});

describe('image search index', () => {
  const database = useTestDatabase();

  it('follows inserts, prompt edits and deletes of images', () => {
    const { connection } = database();
    const insert = connection.prepare("INSERT INTO images (path, source, prompt) VALUES (?, 'local', ?)");
    const id = Number(insert.run('/a.png', 'a knight in silver armour').lastInsertRowid);
    insert.run('/b.png', 'a quiet forest at dawn');
    const search = connection
      .prepare('SELECT rowid FROM image_fts WHERE image_fts MATCH ? ORDER BY rowid')
      .pluck();
    expect(search.all('armour')).toEqual([id]);
    connection.prepare('UPDATE images SET prompt = ? WHERE id = ?').run('a knight in golden mail', id);
    expect(search.all('armour')).toEqual([]);
    expect(search.all('golden')).toEqual([id]);
    connection.prepare('DELETE FROM images WHERE id = ?').run(id);
    expect(search.all('golden')).toEqual([]);
    expect(search.all('forest')).toHaveLength(1);
  });
});
