import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { beginBulkLoad, bulkLoadPending, finishBulkLoad } from './bulk-load';
import type { BulkLoadPlan } from './bulk-load';
import { SqliteAtelierDatabase } from './database';
import { useTempFolder } from './store.test-support';

const PLAN: BulkLoadPlan = {
  tables: ['images', 'image_loras', 'interactions'],
  triggers: ['images_fts_insert'],
  fts: ['image_fts'],
};

function schemaOf(connection: Database.Database): { type: string; name: string; sql: string }[] {
  return connection
    .prepare<[], { type: string; name: string; sql: string }>(
      `SELECT type, name, sql FROM sqlite_master
       WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`,
    )
    .all();
}

function addImages(connection: Database.Database, from: number, count: number): void {
  const insert = connection.prepare<[number, string]>(
    `INSERT INTO images (source, civitai_image_id, url, prompt) VALUES ('imagegem', ?, 'u', ?)`,
  );
  for (let id = from; id < from + count; id++) insert.run(id, `a castle number${id} at dusk`);
}

function searchCount(connection: Database.Database, term: string): number {
  return connection
    .prepare<[string], number>('SELECT count(*) FROM image_fts WHERE image_fts MATCH ?')
    .pluck()
    .get(term)!;
}

function ftsIntact(connection: Database.Database): void {
  // With rank 1, FTS5 also checks the index against its content table.
  connection.exec(`INSERT INTO image_fts (image_fts, rank) VALUES ('integrity-check', 1)`);
}

describe('bulk loads', () => {
  const folder = useTempFolder();
  const open = (): SqliteAtelierDatabase =>
    SqliteAtelierDatabase.open({ path: join(folder(), 'atelier.db') });

  it('drops the non-unique indexes and the FTS trigger, then builds the same schema and a full index', () => {
    const db = open();
    const c = db.connection;
    const before = schemaOf(c);
    addImages(c, 1, 10);

    expect(beginBulkLoad(c, PLAN)).toBe(true);
    expect(beginBulkLoad(c, PLAN)).toBe(false);
    expect(bulkLoadPending(c)).toBe(true);
    const during = schemaOf(c).map((row) => row.name);
    expect(during).not.toContain('images_created_at');
    expect(during).not.toContain('interactions_user_id_created_at');
    expect(during).not.toContain('images_fts_insert');
    expect(during).toContain('image_loras_unique');
    expect(during).toContain('images_fts_delete');
    expect(during).toContain('lora_files_sha256');

    addImages(c, 11, 20);
    c.prepare('UPDATE images SET prompt = ? WHERE civitai_image_id = 12').run('a lighthouse');
    c.prepare('DELETE FROM images WHERE civitai_image_id = 3').run();
    const steps: number[] = [];
    finishBulkLoad(c, (step) => steps.push(step.done));

    expect(bulkLoadPending(c)).toBe(false);
    expect(schemaOf(c)).toEqual(before);
    expect(steps).toEqual(steps.map((_, i) => i));
    expect(steps.length).toBeGreaterThan(10);
    ftsIntact(c);
    expect(searchCount(c, 'castle')).toBe(28);
    expect(searchCount(c, 'lighthouse')).toBe(1);
    expect(searchCount(c, 'number2*')).toBe(11);
    addImages(c, 31, 1);
    expect(searchCount(c, 'number31')).toBe(1);
    db.dispose();
  });

  it('a load cut short, before or while its indexes are built, is completed by the next open', () => {
    let db = open();
    const before = schemaOf(db.connection);
    addImages(db.connection, 1, 5);
    beginBulkLoad(db.connection, PLAN);
    addImages(db.connection, 6, 5);
    db.dispose();

    db = open();
    expect(bulkLoadPending(db.connection)).toBe(false);
    expect(schemaOf(db.connection)).toEqual(before);
    ftsIntact(db.connection);
    expect(searchCount(db.connection, 'castle')).toBe(10);

    beginBulkLoad(db.connection, PLAN);
    addImages(db.connection, 11, 5);
    // Dies after building three of the indexes.
    expect(() =>
      finishBulkLoad(db.connection, (step) => {
        if (step.done === 3) throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(bulkLoadPending(db.connection)).toBe(true);
    db.dispose();

    db = open();
    expect(bulkLoadPending(db.connection)).toBe(false);
    expect(schemaOf(db.connection)).toEqual(before);
    ftsIntact(db.connection);
    expect(searchCount(db.connection, 'castle')).toBe(15);
    db.dispose();
  });
});

describe('a bulk load owned by another running process', () => {
  const folder = useTempFolder();

  it('is left to that process by an open elsewhere, and completed once that process is gone', () => {
    const openDatabase = (options: { path: string }) => SqliteAtelierDatabase.open(options);
    const file = join(folder(), 'atelier.db');
    let db = openDatabase({ path: file });
    expect(beginBulkLoad(db.connection, PLAN)).toBe(true);
    // Pretend the load belongs to a live process that is not this one: the parent of this test runner.
    const marker = JSON.parse(
      db.connection
        .prepare<[], string>(`SELECT value FROM settings WHERE key = 'store.bulkLoad'`)
        .pluck()
        .get()!,
    ) as Record<string, unknown>;
    const setOwner = (pid: number) =>
      db.connection
        .prepare(`UPDATE settings SET value = ? WHERE key = 'store.bulkLoad'`)
        .run(JSON.stringify({ ...marker, owner: pid }));
    setOwner(process.ppid);
    db.dispose();
    db = openDatabase({ path: file });
    expect(bulkLoadPending(db.connection)).toBe(true);
    // A process id that cannot be running.
    setOwner(2 ** 22 + 12345);
    db.dispose();
    db = openDatabase({ path: file });
    expect(bulkLoadPending(db.connection)).toBe(false);
    db.dispose();
  });
});
