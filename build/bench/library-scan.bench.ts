// The LoRA library at the size artists have it: 30,000 files in 100 folders. Measures the first scan to
// a browsable library (headers parsed, no hashing), the rescan of an unchanged library, hashing, and
// the list queries the library page makes.
//   npm run bench -- library-scan [--files 30000] [--full-headers] [--inline] [--keep]
// --full-headers writes every SDXL module (986, a ~390 KB header, like real kohya files) instead of a few.
// --inline parses headers on the engine thread instead of the worker pool the engine uses.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHeaderWorkerParser, inlineHeaderParser, LoraLibraryService } from '../../core/ingest';
import { generateSdxlLora, hashLoraFile, type SdxlModuleSpec } from '../../core/lora';
import { openDatabase, SqliteLoraFileRepository } from '../../core/store';
import { median, percentile, record } from './report';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const FILES = Number(option('--files') ?? 30_000);
const FULL_HEADERS = args.includes('--full-headers');
const INLINE = args.includes('--inline');
const FOLDERS = 100;
const DISTINCT = 100;
const RESCANS = 3;
const QUERY_RUNS = 20;
const BIG_FILE_MB = 256;

const FEW = (m: SdxlModuleSpec) =>
  /^lora_unet_(input_blocks_7_1|output_blocks_0_1)_transformer_blocks_[01]_attn[12]_to_[kqv]$/.test(m.key) ||
  /^lora_te[12]_text_model_encoder_layers_[01]_self_attn_q_proj$/.test(m.key);

const noop = { signal: new AbortController().signal, report: () => undefined };
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const loadAtStart = os.loadavg()[0]!;
const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-library-'));
try {
  // ── Fixture: DISTINCT real kohya files, copied under FILES names, a third with sidecars ──────────
  let t = performance.now();
  const sources: string[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const file = path.join(work, 'src', `source_${i}.safetensors`);
    mkdirSync(path.dirname(file), { recursive: true });
    await generateSdxlLora(file, { scale: 64, seed: i + 1, ...(FULL_HEADERS ? {} : { filter: FEW }) });
    sources.push(file);
  }
  const root = path.join(work, 'loras');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 0; i < FILES; i++) {
    const folder = path.join(root, `folder_${String(i % FOLDERS).padStart(3, '0')}`);
    if (i < FOLDERS) mkdirSync(folder, { recursive: true });
    const stem = path.join(folder, `lora_${i}_style`);
    copyFileSync(sources[i % DISTINCT]!, `${stem}.safetensors`);
    if (i % 3 === 0) {
      writeFileSync(
        `${stem}.civitai.info`,
        JSON.stringify({
          id: 100_000 + i,
          modelId: 1 + Math.floor(i / 3),
          name: 'v1.0',
          baseModel: 'SDXL 1.0',
          trainedWords: [`word${i}`],
          model: { name: `Model ${i}`, tags: ['style', `tag${i % 50}`] },
        }),
      );
    }
    if (i % 4 === 0) writeFileSync(`${stem}.preview.png`, png);
  }
  const fixtureMs = performance.now() - t;
  const fileBytes = statSync(sources[0]!).size;

  const db = openDatabase({ path: path.join(work, 'atelier.db') });
  const folder = db.folders.add({ path: root, kind: 'loras', comfyUi: null });
  const files = new SqliteLoraFileRepository(db.connection);
  const workers = INLINE ? null : createHeaderWorkerParser();
  const service = new LoraLibraryService({
    files,
    cacheDir: path.join(work, 'cache'),
    headerParser: workers ?? inlineHeaderParser,
  });
  const roots = [{ folderId: folder.id, path: root }];

  // ── First scan to browsable ──────────────────────────────────────────────────────────────────────
  t = performance.now();
  const first = await service.scan(roots, { ...noop, followSymlinks: false });
  const firstScanMs = performance.now() - t;
  if (first.added !== FILES || first.errors !== 0) throw new Error(`first scan: ${JSON.stringify(first)}`);
  t = performance.now();
  const page = service.list({});
  const firstPageMs = performance.now() - t;
  if (page.total !== FILES) throw new Error(`list total ${page.total}`);
  const rssMb = process.memoryUsage().rss / 2 ** 20;

  // ── Unchanged rescans ────────────────────────────────────────────────────────────────────────────
  const rescans: number[] = [];
  for (let i = 0; i < RESCANS; i++) {
    t = performance.now();
    const again = await service.scan(roots, { ...noop, followSymlinks: false });
    rescans.push(performance.now() - t);
    if (again.unchanged !== FILES) throw new Error(`rescan: ${JSON.stringify(again)}`);
  }

  // ── Queries on the full library (after the planner statistics a real session has) ────────────────
  db.connection.exec('ANALYZE');
  const queries: [string, Parameters<typeof service.list>[0]][] = [
    ['first page, by name', {}],
    ['page 100, by name', { offset: 9_900 }],
    ['search "style"', { query: 'style' }],
    ['search "word12"', { query: 'word12' }],
    ['base model sdxl', { base: 'sdxl' }],
    ['tag "tag7"', { tag: 'tag7' }],
    ['by recent', { sort: 'recent' }],
  ];
  const queryRows = queries.map(([name, query]) => {
    const times: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) {
      const q = performance.now();
      service.list(query);
      times.push(performance.now() - q);
    }
    return {
      metric: `list: ${name} (p50 / p95 of ${QUERY_RUNS})`,
      value: `${median(times).toFixed(1)} / ${percentile(times, 95).toFixed(1)} ms`,
    };
  });

  // ── Hashing ──────────────────────────────────────────────────────────────────────────────────────
  t = performance.now();
  const hashed = await service.hashPending(noop);
  const hashMs = performance.now() - t;
  if (hashed.hashed !== FILES) throw new Error(`hashing: ${JSON.stringify(hashed)}`);
  const dupTimes: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const q = performance.now();
    service.list({ duplicates: true });
    dupTimes.push(performance.now() - q);
  }

  const big = path.join(work, 'big.safetensors');
  copyFileSync(sources[0]!, big);
  const fd = openSync(big, 'a');
  const chunk = Buffer.alloc(2 ** 20, 7);
  for (let i = 0; i < BIG_FILE_MB; i++) writeSync(fd, chunk);
  closeSync(fd);
  const bigBytes = statSync(big).size;
  t = performance.now();
  await hashLoraFile(big);
  const bigHashMs = performance.now() - t;
  workers?.dispose();
  db.dispose();

  const mb = (bytes: number) => bytes / 2 ** 20;
  record(
    'library-scan',
    [
      {
        metric: `first scan to browsable, ${FILES} files in ${FOLDERS} folders`,
        value: seconds(firstScanMs),
        target: '< 30 s',
        pass: firstScanMs < 30_000,
      },
      {
        metric: `rescan of the unchanged library (median of ${RESCANS})`,
        value: seconds(median(rescans)),
        target: '< 3 s',
        pass: median(rescans) < 3_000,
      },
      { metric: 'first list page after the first scan', value: `${firstPageMs.toFixed(1)} ms` },
      ...queryRows,
      {
        metric: `list: duplicates (p50 / p95 of ${QUERY_RUNS})`,
        value: `${median(dupTimes).toFixed(1)} / ${percentile(dupTimes, 95).toFixed(1)} ms`,
      },
      {
        metric: `hashing ${FILES} files of ${(fileBytes / 1024).toFixed(0)} KB`,
        value: `${seconds(hashMs)} (${(FILES / (hashMs / 1000)).toFixed(0)} files/s, ${(mb(fileBytes * FILES) / (hashMs / 1000)).toFixed(0)} MB/s)`,
      },
      {
        metric: `hashing one ${mb(bigBytes).toFixed(0)} MB file (page cache warm)`,
        value: `${(mb(bigBytes) / (bigHashMs / 1000)).toFixed(0)} MB/s`,
      },
      { metric: 'RSS after the first scan', value: `${rssMb.toFixed(0)} MB` },
    ],
    [
      `Headers: ${FULL_HEADERS ? 'all 986 SDXL modules (~390 KB each, like real kohya files)' : 'a few SDXL modules each (a few KB)'}; file ${(fileBytes / 1024).toFixed(0)} KB; ${DISTINCT} distinct files copied under ${FILES} names; a third with a .civitai.info, a quarter with a preview.`,
      `Header parsing: ${workers === null ? 'on the engine thread' : `worker threads (${Math.max(2, os.availableParallelism() - 1)}) for headers of 64 KB and more`}.`,
      `Fixture written in ${seconds(fixtureMs)}; files are in the page cache (a cold disk adds its seek and read time).`,
      `Load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${os.loadavg()[0]!.toFixed(1)}, on ${os.availableParallelism()} cores: other work on the machine shows in these times.`,
      `Rescans: ${rescans.map((ms) => seconds(ms)).join(', ')}.`,
    ],
  );
} finally {
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
}
