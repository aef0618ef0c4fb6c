import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../store';
import type { SqliteAtelierDatabase } from '../../store';
import { generateImageGemSample } from './fixtures/imagegem.generator';
import { expectedSnapshot, snapshot, useImportFixture } from './imagegem.test-support';

const fixture = useImportFixture();

function schemaOf(db: SqliteAtelierDatabase): string[] {
  return db.connection
    .prepare<[], string>(
      `SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
       WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`,
    )
    .pluck()
    .all();
}

/** Every index and trigger of a fresh database is there, and full-text search matches the images table. */
function expectWhole(db: SqliteAtelierDatabase, fresh: readonly string[]): void {
  const c = db.connection;
  expect(schemaOf(db)).toEqual(fresh);
  expect(c.prepare(`SELECT count(*) FROM settings WHERE key = 'store.bulkLoad'`).pluck().get()).toBe(0);
  // With rank 1, FTS5 also checks its index against the content table.
  c.exec(`INSERT INTO image_fts (image_fts, rank) VALUES ('integrity-check', 1)`);
  const word = (
    c.prepare('SELECT prompt FROM images WHERE prompt IS NOT NULL LIMIT 1').pluck().get() as string
  )
    .split(/[^a-z]+/)
    .find((w) => w.length > 3)!;
  const found = c
    .prepare('SELECT count(*) FROM image_fts WHERE image_fts MATCH ?')
    .pluck()
    .get(word) as number;
  expect(found).toBeGreaterThan(0);
  const plan = c
    .prepare('EXPLAIN QUERY PLAN SELECT id FROM images WHERE user_id = 2 ORDER BY created_at')
    .all() as { detail: string }[];
  expect(plan.map((row) => row.detail).join(' ')).toContain('images_user_id_created_at');
}

it('an import killed with SIGKILL mid-write resumes after its last committed batch and ends complete', async () => {
  const f = fixture();
  const sample = generateImageGemSample(f.dir, {
    images: 8000,
    models: 150,
    users: 90,
    seed: 11,
    format: 'parquet',
    rowGroupSize: 1500,
  });
  const databasePath = `${f.dir}/atelier.db`;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'fixtures/import.child.ts'),
      databasePath,
      '--models',
      sample.modelsPath,
      '--images',
      sample.imagesPath,
      '--batch',
      '500',
      '--announce',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let announced = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      announced += chunk.toString();
      const imageBatches = announced.split('BULK true')[1]?.split('BATCH').length ?? 0;
      if (imageBatches > 4) resolve();
    });
    void exited.then(() => reject(new Error('the import finished before it could be killed')));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const freshDb = openDatabase({ path: `${f.dir}/fresh.db` });
  const fresh = schemaOf(freshDb);
  freshDb.dispose();
  // The images went in as a bulk load (8,000 rows into an empty library), and it died before its last
  // batch (below), so before the indexes were built again.
  expect(announced).toContain('BULK true');

  const db = f.reopen();
  expectWhole(db, fresh);
  const left = db.connection.prepare('SELECT state, progress_json FROM import_runs').get() as {
    state: string;
    progress_json: string;
  };
  expect(left.state).toBe('running');
  const committed = JSON.parse(left.progress_json) as { images: number };
  expect(committed.images).toBeGreaterThanOrEqual(1500);
  expect(committed.images).toBeLessThan(8000);
  expect(snapshot(db).links).toBe(committed.images);

  const summary = await f.run({ models: sample.modelsPath, images: sample.imagesPath });
  expect(summary.resumedFromRow).toBe(150 + committed.images);
  expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
  expectWhole(f.db, fresh);
});
