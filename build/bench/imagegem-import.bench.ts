// ImageGem import at scale (issue "Library", part 5): synthetic Parquet tables with the real column names,
// 1,000,000 image rows and 20,000 LoRA versions by default, imported by a fresh process so its peak RSS is
// the import's own; then the dataset statistics over the result, and a second import of the same files.
// Usage: npm run bench -- imagegem-import [imageRows]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
    ],
    [
      `Load average when the run started: ${load} (the machine is shared; CPU-second rates are steadier than wall rates).`,
      `Sample generated in ${generateS.toFixed(0)} s by a separate process (not timed above); row groups of ${ROW_GROUP.toLocaleString('en')} rows.`,
      'Writes: rows go through a temporary staging table, then one INSERT … SELECT per table and 10,000 staged rows; a transaction holds 5,000–50,000 rows, sized to take about 2 s (at 1M rows, 100,000-row transactions took 53 s of CPU, 50,000 57 s, 20,000 68 s, 10,000 71 s: each commit writes every index page it touched to the WAL).',
      'Tried and measured (1M rows unless said): row-at-a-time inserts, 2–3× slower (the FTS5 trigger pays a savepoint per statement); a per-row trigger for the reaction bins, 13 µs an image, replaced by tallying INSERT … RETURNING; without the FTS5 trigger the import took ~5 s less CPU, but rebuilding image_fts afterwards took 7 s, so the trigger stays; the page cache is 128 MiB during the import (default 16 MiB: far more page reads as the indexes outgrow it).',
      'What remains is SQLite maintaining what the schema asks per image row: six indexes and FTS5 on images, four indexes on image_loras, five on interactions. Reading and checking the Parquet rows is about a tenth of the CPU.',
    ],
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
