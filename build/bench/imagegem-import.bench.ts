// ImageGem import at scale (issue "Library", part 5): synthetic Parquet tables with the real column names,
// 1,000,000 image rows and 20,000 LoRA versions by default, imported by a fresh process so its peak RSS is
// the import's own; then the dataset statistics over the result, and a second import of the same files.
// Usage: npm run bench -- imagegem-import [imageRows]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { record } from './report';

const IMAGE_ROWS = Number(process.argv[2] ?? 1_000_000);
const MODEL_ROWS = 20_000;
const USERS = 57_245;
const ROW_GROUP = 100_000;
const fixtures = path.resolve(import.meta.dirname, '../../core/ingest/imagegem/fixtures');

interface ChildResult {
  summary: { imageRows: number; modelRows: number; usersAdded: number; skippedRows: number };
  importMs: number;
  importCpuMs: number;
  statsMs: number | null;
  maxRssMb: number;
}

function runScript(script: string, args: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(fixtures, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1)!;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-imagegem-bench-'));
try {
  const load = os.loadavg()[0]!.toFixed(1);
  const generatedAt = performance.now();
  const sample = JSON.parse(
    runScript('generate.cli.ts', [
      dir,
      String(IMAGE_ROWS),
      String(MODEL_ROWS),
      String(USERS),
      'parquet',
      String(ROW_GROUP),
    ]),
  ) as { modelsPath: string; imagesPath: string; expected: { images: number; links: number } };
  const generateS = (performance.now() - generatedAt) / 1000;
  const database = path.join(dir, 'atelier.db');
  const tables = ['--models', sample.modelsPath, '--images', sample.imagesPath];

  const first = JSON.parse(runScript('import.child.ts', [database, ...tables, '--stats'])) as ChildResult;
  const again = JSON.parse(runScript('import.child.ts', [database, ...tables, '--stats'])) as ChildResult;
  if (first.summary.imageRows !== IMAGE_ROWS)
    throw new Error(`imported ${first.summary.imageRows} rows, expected ${IMAGE_ROWS}`);

  const rate = (IMAGE_ROWS / first.importMs) * 1000;
  const cpuRate = (IMAGE_ROWS / first.importCpuMs) * 1000;
  const wal = statSync(`${database}-wal`, { throwIfNoEntry: false });
  const sizeMb = (statSync(database).size + (wal?.size ?? 0)) / 2 ** 20;
  // After the database is measured: the floor writes copies of its tables into it.
  const floor = sqliteFloor(database);
  const parquetMb = (statSync(sample.imagesPath).size + statSync(sample.modelsPath).size) / 2 ** 20;
  record(
    'imagegem-import',
    [
      {
        metric: `import ${IMAGE_ROWS.toLocaleString('en')} image rows + ${MODEL_ROWS.toLocaleString('en')} versions (Parquet, ${parquetMb.toFixed(0)} MB), wall`,
        value: `${(first.importMs / 1000).toFixed(1)} s`,
      },
      {
        metric: 'throughput, image rows/s (wall / per CPU-second)',
        value: `${Math.round(rate).toLocaleString('en')} / ${Math.round(cpuRate).toLocaleString('en')}`,
        target: '≥ 100,000',
        pass: rate >= 100_000,
      },
      {
        metric: 'peak RSS of the importing process (fresh child)',
        value: `${first.maxRssMb.toFixed(0)} MB`,
        target: '< 1024 MB',
        pass: first.maxRssMb < 1024,
      },
      {
        metric: `stats.dataset over the result (${sample.expected.images.toLocaleString('en')} images, ${sample.expected.links.toLocaleString('en')} interactions)`,
        value: `${first.statsMs!.toFixed(0)} ms (again after re-import: ${again.statsMs!.toFixed(0)} ms)`,
      },
      {
        metric: 'importing the same files again (adds nothing), wall',
        value: `${(again.importMs / 1000).toFixed(1)} s, ${again.summary.usersAdded} users added`,
      },
      { metric: 'database size after import', value: `${sizeMb.toFixed(0)} MB` },
      {
        metric: `floor, SQLite alone: the imported rows (${floor.rows.toLocaleString('en')} in images, image_reaction_counts, image_loras, interactions) copied by INSERT … SELECT into tables without any index`,
        value: `${(floor.rowsMs / 1000).toFixed(1)} s`,
      },
      {
        metric: 'floor, SQLite alone: the prompt index (FTS5 as image_fts: prompt and negative prompt, prefixes 1–3, 64 MiB hash) rebuilt over them',
        value: `${(floor.ftsMs / 1000).toFixed(1)} s`,
      },
      {
        metric: 'floor, SQLite alone, both: the most image rows/s this machine allows with this schema, before any file is read',
        value: `${Math.round((IMAGE_ROWS / (floor.rowsMs + floor.ftsMs)) * 1000).toLocaleString('en')}`,
        target: '≥ 100,000',
        pass: (IMAGE_ROWS / (floor.rowsMs + floor.ftsMs)) * 1000 >= 100_000,
      },
    ],
    [
      `Load average when the run started: ${load} (the machine is shared; CPU-second rates are steadier than wall rates).`,
      `Sample generated in ${generateS.toFixed(0)} s by a separate process (not timed above); row groups of ${ROW_GROUP.toLocaleString('en')} rows.`,
      'Bulk load (new): when the rows to import outnumber the rows stored, the import first drops the twelve non-unique indexes of images, image_loras and interactions and the FTS5 insert trigger, in one transaction with a marker row holding their CREATE statements as sqlite_master had them; rows go in through the staging table (one INSERT … SELECT per table and 10,000 rows, 5,000–50,000 rows a transaction); then each index is built by CREATE INDEX (one transaction each) and image_fts is rebuilt with a 64 MiB FTS5 hash. A killed import leaves the marker and the next open builds what it lists. The second import (rows ≤ rows stored) takes the incremental path with every index in place.',
      'Where the CPU goes at 1M rows (CPU-seconds; the load average was 5–12 during these runs): before, 63 s; now writing rows ~29 s (reading and checking the Parquet rows ~12 s, the INSERT … SELECT statements ~13 s), CREATE INDEX ×12 ~7 s, FTS5 rebuild ~13 s (with the default 1 MiB hash 23 s; keeping the FTS trigger during a bulk load instead added ~22 s to the images insert).',
      'Tried and dropped: decoding and checking Parquet on a worker thread, reading one slice ahead (62 s of CPU instead of 50, peak RSS 967–1,407 MB: cloning the rows back to the writing thread costs about what decoding there saved, and the worker heap adds to the process); PRAGMA threads = 2 for CREATE INDEX (no measurable change); Parquet slices of 16,384 rows to save memory (twice the decoding CPU, 70 MB less RSS).',
      'Why 100,000 rows/s is out of reach here: it allows 10 s for 1M rows, and the FTS5 index alone (prefix indexes 1–3 over 719k prompts) takes ~13 s of CPU, reading the Parquet in JavaScript ~12 s; SQLite has one writer per file, so the index builds cannot overlap the row writes.',
      'Floor rows: measured on the imported database after both imports, by SQLite alone (no JavaScript, no file reading, no unique or secondary index, no staging): what any importer of these rows into this schema must at least spend, on one writer. The prompt index is required by the issue (search over prompts) and its prefixes by the 5M-image search target (a two-word search took 715 ms without them).',
    ],
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** What SQLite alone spends writing the imported rows (no index) and indexing their prompts. */
function sqliteFloor(file: string): { rows: number; rowsMs: number; ftsMs: number } {
  const db = new Database(file);
  try {
    db.pragma('cache_size = -262144');
    const tables = ['images', 'image_reaction_counts', 'image_loras', 'interactions'];
    let rows = 0;
    let t = performance.now();
    db.transaction(() => {
      for (const table of tables) {
        db.exec(`CREATE TABLE floor_${table} AS SELECT * FROM ${table} WHERE 0`);
        rows += db.prepare(`INSERT INTO floor_${table} SELECT * FROM ${table}`).run().changes;
      }
    })();
    const rowsMs = performance.now() - t;
    db.exec(`CREATE VIRTUAL TABLE floor_fts USING fts5(prompt, negative_prompt, content = 'images',
      content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')`);
    t = performance.now();
    db.transaction(() => {
      db.exec(`INSERT INTO floor_fts (floor_fts, rank) VALUES ('hashsize', ${64 * 1024 * 1024})`);
      db.exec(`INSERT INTO floor_fts (floor_fts) VALUES ('rebuild')`);
    })();
    const ftsMs = performance.now() - t;
    return { rows, rowsMs, ftsMs };
  } finally {
    db.close();
  }
}
