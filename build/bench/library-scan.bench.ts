// The LoRA library at the size artists have it: 30,000 files in 100 folders. Measures the first scan to
// a browsable library (headers parsed, no hashing), the rescan of an unchanged library, hashing, and
// the list queries the library page makes.
//   npm run bench -- library-scan [full | distinct] [--files 30000] [--inline] [--workers N] [--fixture DIR] [--cold] [--keep]
// Default: 100 distinct small files (a few SDXL modules each) copied under 30,000 names.
// `full` (or --full-headers): every file has its own real-size kohya SDXL header (all 986 modules,
// real shapes, ranks and alphas varying per file, ~400 KB with realistic __metadata__ such as
// ss_tag_frequency), so no two headers are byte-identical. The data region is a hole (sparse file):
// offsets are valid for the file size but only the header takes disk space, which is why this mode
// skips hashing (it would read ~25 MB of zeros per file). Files made alike (rank × dtype × with or
// without text encoders: 36 lists) list the same tensors byte for byte, which the header parser's
// layout memo reuses; 10 % have per-module ranks (a dynamic resize) and a list of their own.
// `distinct`: as `full`, but every module of every file has its own rank (as kohya's resize with a
// dynamic method leaves them), so no two files list the same tensors: the scan's worst case.
// --inline parses headers on the engine thread instead of the worker pool the engine uses.
// --fixture DIR writes the library to DIR once and reuses it on later runs (it is never deleted).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHeaderWorkerParser, inlineHeaderParser, LoraLibraryService } from '../../core/ingest';
import { generateSdxlLora, hashLoraFile, type SdxlModuleSpec, sdxlModuleTable } from '../../core/lora';
import { openDatabase, SqliteLoraFileRepository } from '../../core/store';
import { median, percentile, record } from './report';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const FILES = Number(option('--files') ?? 30_000);
const DISTINCT_LAYOUTS = args.includes('distinct');
const FULL_HEADERS = DISTINCT_LAYOUTS || args.includes('full') || args.includes('--full-headers');
const INLINE = args.includes('--inline');
/** Empties the OS page cache before the first scan (root on Linux), so it reads the disk as a first run does. */
const COLD = args.includes('--cold');
const WORKERS = option('--workers') === undefined ? undefined : Number(option('--workers'));
const FIXTURE = option('--fixture');
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
const mb = (bytes: number) => bytes / 2 ** 20;

/** mulberry32: seeded, so the full-header library regenerates identically. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const RANKS = [4, 8, 16, 32, 64, 128];
const SYLLABLES = ['ka', 'ri', 'mo', 'to', 'sen', 'hai', 'lu', 'na', 'zo', 'bel', 'qui', 'dra', 'ex', 'po'];
const TAG_WORDS = ['hair', 'eyes', 'dress', 'smile', 'outdoors', 'looking at viewer', 'solo', 'sky'];

/** Booru-style tags, a few with kohya's escaped parentheses and some non-ASCII, as real datasets have. */
function tagVocabulary(size: number): string[] {
  const random = rng(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: size }, (_, i) => {
    const word = `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`;
    if (i % 50 === 0) return `${word} \\(artist\\)`;
    if (i % 97 === 0) return `${word} 風景`;
    return i % 3 === 0 ? word : `${word} ${pick(TAG_WORDS)}`;
  });
}

/**
 * The tensor entries of a kohya SDXL LoRA of `rank` with real SDXL shapes (F16, alpha scalars, the
 * writer's order), as the JSON text that follows `__metadata__`, and the data length they span.
 */
function tensorJson(
  rankOf: (module: number) => number,
  dtype: 'F16' | 'BF16' | 'F32' = 'F16',
  textEncoders = true,
): { json: string; dataLength: number } {
  const parts: string[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]) => {
    const bytes = (dtype === 'F32' ? 4 : 2) * shape.reduce((a, b) => a * b, 1);
    parts.push(
      `${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: [offset, offset + bytes] })}`,
    );
    offset += bytes;
  };
  sdxlModuleTable().forEach((m, k) => {
    if (!textEncoders && m.key.startsWith('lora_te')) return;
    const r = Math.min(rankOf(k), m.outFeatures, m.inFeatures);
    add(`${m.key}.alpha`, []);
    add(`${m.key}.lora_down.weight`, [r, m.inFeatures]);
    add(`${m.key}.lora_up.weight`, [m.outFeatures, r]);
  });
  return { json: parts.join(','), dataLength: offset };
}

const DTYPES = ['F16', 'BF16', 'F32'] as const;
/** Files of the `full` library whose modules have ranks of their own (a dynamic resize), in percent. */
const DYNAMIC_PERCENT = 10;

/** kohya's metadata for file `i`, different in every file (names, dates, seed, alpha, tags, hashes). */
function fullMetadata(i: number, rank: number, vocabulary: readonly string[]): Record<string, string> {
  const random = rng(1000 + i);
  const name = i % 11 === 0 ? `キャラ_${i}_style` : `lora_${i}_style`;
  const images = 20 + Math.floor(random() * 200);
  const folders: Record<string, Record<string, number>> = {};
  const folderCount = 1 + Math.floor(random() * 2);
  for (let f = 0; f < folderCount; f++) {
    const tags: Record<string, number> = {};
    // 20 to ~800 tags per folder: a short caption set to a big auto-tagged dataset.
    const count = Math.floor(20 * Math.exp(random() * 3.7));
    for (let t = 0; t < count; t++) {
      tags[vocabulary[Math.floor(random() * vocabulary.length)]!] = 1 + Math.floor(random() * images);
    }
    folders[`${5 + f * 5}_${name}`] = tags;
  }
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const alpha = [1, rank / 2, rank][Math.floor(random() * 3)]!;
  const started = 1_700_000_000 + Math.floor(random() * 60_000_000);
  return {
    ss_network_module: 'networks.lora',
    ss_network_dim: String(rank),
    ss_network_alpha: String(alpha),
    ss_base_model_version: 'sdxl_base_v1-0',
    ss_sd_model_name: i % 5 === 0 ? 'ponyDiffusionV6XL.safetensors' : 'sd_xl_base_1.0.safetensors',
    ss_output_name: name,
    ss_training_started_at: String(started),
    ss_training_finished_at: String(started + 3600 + Math.floor(random() * 20_000)),
    ss_num_epochs: String(1 + Math.floor(random() * 20)),
    ss_num_train_images: String(images),
    ss_learning_rate: String(random() / 1000),
    ss_unet_lr: '0.0001',
    ss_text_encoder_lr: '5e-05',
    ss_resolution: '(1024, 1024)',
    ss_mixed_precision: 'fp16',
    ss_optimizer: 'bitsandbytes.optim.adamw.AdamW8bit',
    ss_seed: String(Math.floor(random() * 2 ** 31)),
    ss_tag_frequency: JSON.stringify(folders),
    ss_dataset_dirs: JSON.stringify(
      Object.fromEntries(Object.keys(folders).map((f) => [f, { n_repeats: 5, img_count: images }])),
    ),
    ss_datasets: JSON.stringify([
      {
        is_dreambooth: true,
        batch_size_per_device: 2,
        num_train_images: images,
        resolution: [1024, 1024],
        enable_bucket: true,
        min_bucket_reso: 256,
        max_bucket_reso: 2048,
        subsets: Object.keys(folders).map((f) => ({
          img_count: images,
          num_repeats: 5,
          color_aug: false,
          flip_aug: false,
          random_crop: false,
          shuffle_caption: true,
          keep_tokens: 1,
          image_dir: f,
          class_tokens: null,
        })),
      },
    ]),
    sshs_model_hash: hex(64),
    sshs_legacy_hash: hex(8),
    ss_new_sd_model_hash: hex(64),
    'modelspec.sai_model_spec': '1.0.0',
    'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora',
    'modelspec.implementation': 'https://github.com/Stability-AI/generative-models',
    'modelspec.title': name,
    'modelspec.resolution': '1024x1024',
    'modelspec.date': new Date(started * 1000).toISOString().slice(0, 19),
  };
}

/** Writes `FILES` full-size kohya headers, each file sparse beyond its header; returns a typical file size. */
function writeFullLibrary(
  root: string,
  stemOf: (i: number) => string,
): { fileBytes: number; headerBytes: number } {
  // rank × dtype × with or without the text encoders: 36 tensor lists shared by the files made alike.
  const variants = RANKS.flatMap((rank) =>
    DTYPES.flatMap((dtype) => [true, false].map((te) => tensorJson(() => rank, dtype, te))),
  );
  const vocabulary = tagVocabulary(6000);
  let fileBytes = 0;
  let headerBytes = 0;
  for (let i = 0; i < FILES; i++) {
    const pick = rng(i);
    const variant = Math.floor(pick() * variants.length);
    const rankIndex = Math.floor(variant / (2 * DTYPES.length));
    let layout = variants[variant]!;
    if (DISTINCT_LAYOUTS || pick() * 100 < DYNAMIC_PERCENT) {
      // Ranks up to the file's: what a dynamic resize of a rank-r LoRA leaves per module.
      const random = rng(500_000 + i);
      layout = tensorJson(() => RANKS[Math.floor(random() * (rankIndex + 1))]!);
    }
    const { json: tensors, dataLength } = layout;
    const metadata = fullMetadata(i, RANKS[rankIndex]!, vocabulary);
    const json = Buffer.from(`{"__metadata__":${JSON.stringify(metadata)},${tensors}}`, 'utf8');
    const padded = Math.ceil(json.length / 8) * 8;
    const header = Buffer.alloc(8 + padded, 0x20);
    header.writeBigUInt64LE(BigInt(padded), 0);
    json.copy(header, 8);
    const fd = openSync(`${stemOf(i)}.safetensors`, 'w');
    try {
      writeSync(fd, header);
      ftruncateSync(fd, header.length + dataLength);
    } finally {
      closeSync(fd);
    }
    headerBytes += header.length;
    fileBytes += header.length + dataLength;
  }
  return { fileBytes: fileBytes / FILES, headerBytes: headerBytes / FILES };
}

function writeSidecars(stemOf: (i: number) => string): void {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 0; i < FILES; i++) {
    const stem = stemOf(i);
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
}

const loadAtStart = os.loadavg()[0]!;
const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-library-'));
const libraryDir = FIXTURE === undefined ? work : path.resolve(FIXTURE);
try {
  // ── Fixture: FILES files in FOLDERS folders, a third with a .civitai.info, a quarter with a preview ─
  let t = performance.now();
  const root = path.join(libraryDir, 'loras');
  const stemOf = (i: number) =>
    path.join(root, `folder_${String(i % FOLDERS).padStart(3, '0')}`, `lora_${i}_style`);
  const mode = DISTINCT_LAYOUTS ? 'distinct' : FULL_HEADERS ? 'full' : 'small';
  const marker = path.join(libraryDir, `complete-${mode}-${FILES}`);
  const reused = existsSync(marker);
  const sources: string[] = [];
  let fileBytes = 0;
  let headerBytes = 0;
  if (!FULL_HEADERS) {
    for (let i = 0; i < DISTINCT; i++) {
      const file = path.join(work, 'src', `source_${i}.safetensors`);
      mkdirSync(path.dirname(file), { recursive: true });
      await generateSdxlLora(file, { scale: 64, seed: i + 1, filter: FEW });
      sources.push(file);
    }
    fileBytes = statSync(sources[0]!).size;
  }
  if (!reused) {
    if (FIXTURE !== undefined) rmSync(root, { recursive: true, force: true });
    for (let f = 0; f < FOLDERS; f++) mkdirSync(path.dirname(stemOf(f)), { recursive: true });
    if (FULL_HEADERS) {
      ({ fileBytes, headerBytes } = writeFullLibrary(root, stemOf));
    } else {
      for (let i = 0; i < FILES; i++) copyFileSync(sources[i % DISTINCT]!, `${stemOf(i)}.safetensors`);
    }
    writeSidecars(stemOf);
    writeFileSync(marker, JSON.stringify({ fileBytes, headerBytes }));
  } else {
    ({ fileBytes, headerBytes } = JSON.parse(readFileSync(marker, 'utf8')) as {
      fileBytes: number;
      headerBytes: number;
    });
  }
  const fixtureMs = performance.now() - t;

  const db = openDatabase({ path: path.join(work, 'atelier.db') });
  const folder = db.folders.add({ path: root, kind: 'loras', comfyUi: null });
  const files = new SqliteLoraFileRepository(db.connection);
  const workers = INLINE ? null : createHeaderWorkerParser(WORKERS === undefined ? {} : { size: WORKERS });
  const service = new LoraLibraryService({
    files,
    cacheDir: path.join(work, 'cache'),
    headerParser: workers ?? inlineHeaderParser,
  });
  const roots = [{ folderId: folder.id, path: root }];

  let cold = false;
  if (COLD) {
    try {
      spawnSync('sync');
      writeFileSync('/proc/sys/vm/drop_caches', '1');
      cold = true;
    } catch (error) {
      console.warn(`--cold: the page cache could not be emptied (${String(error)}); the scan reads from it.`);
    }
  }

  // ── First scan to browsable ──────────────────────────────────────────────────────────────────────
  // CPU of the whole process: the engine thread and the parser workers together.
  let cpu = process.cpuUsage();
  t = performance.now();
  const first = await service.scan(roots, { ...noop, followSymlinks: false });
  const firstScanMs = performance.now() - t;
  const firstCpu = process.cpuUsage(cpu);
  const firstCpuMs = (firstCpu.user + firstCpu.system) / 1000;
  if (first.added !== FILES || first.errors !== 0) throw new Error(`first scan: ${JSON.stringify(first)}`);
  t = performance.now();
  const page = service.list({});
  const firstPageMs = performance.now() - t;
  if (page.total !== FILES) throw new Error(`list total ${page.total}`);
  const rssMb = process.memoryUsage().rss / 2 ** 20;

  // ── Unchanged rescans ────────────────────────────────────────────────────────────────────────────
  const rescans: number[] = [];
  cpu = process.cpuUsage();
  for (let i = 0; i < RESCANS; i++) {
    t = performance.now();
    const again = await service.scan(roots, { ...noop, followSymlinks: false });
    rescans.push(performance.now() - t);
    if (again.unchanged !== FILES) throw new Error(`rescan: ${JSON.stringify(again)}`);
  }
  const rescanCpu = process.cpuUsage(cpu);
  const rescanCpuMs = (rescanCpu.user + rescanCpu.system) / 1000 / RESCANS;

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

  // ── Hashing (small mode only: full-mode files are ~25 MB of holes each) ───────────────────────────
  const hashRows: { metric: string; value: string }[] = [];
  if (!FULL_HEADERS) {
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
    hashRows.push(
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
    );
  }
  workers?.dispose();
  db.dispose();

  record(
    (DISTINCT_LAYOUTS
      ? 'library-scan (full headers, every tensor list distinct)'
      : FULL_HEADERS
        ? 'library-scan (full headers)'
        : 'library-scan') + (cold ? ', cold' : ''),
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
      {
        metric: 'first scan: CPU per file (engine thread + parser workers)',
        value: `${(firstCpuMs / FILES).toFixed(2)} ms (${seconds(firstCpuMs)} in all)`,
      },
      { metric: 'rescan: CPU per file', value: `${((rescanCpuMs / FILES) * 1000).toFixed(0)} µs` },
      { metric: 'first list page after the first scan', value: `${firstPageMs.toFixed(1)} ms` },
      ...queryRows,
      ...hashRows,
      { metric: 'RSS after the first scan', value: `${rssMb.toFixed(0)} MB` },
    ],
    [
      FULL_HEADERS
        ? `Headers: every file its own real-size kohya SDXL header (986 modules, 2,958 tensors, real shapes, ranks ${RANKS.join('/')}, varying alphas and ss_tag_frequency), ${(headerBytes / 1024).toFixed(0)} KB on average; files ${mb(fileBytes).toFixed(0)} MB on average, sparse beyond the header; no hashing in this mode. ${DISTINCT_LAYOUTS ? 'Every module has its own rank (up to the file’s), so no two files list the same tensors and the layout memo never helps.' : `Files made alike list the same tensors byte for byte (rank × F16/BF16/F32 × with or without text encoders: ${RANKS.length * 6} lists), except ${DYNAMIC_PERCENT} % of files whose modules have ranks of their own (a dynamic resize), each a list of its own; the metadata of every file differs.`}`
        : `Headers: a few SDXL modules each (a few KB); file ${(fileBytes / 1024).toFixed(0)} KB; ${DISTINCT} distinct files copied under ${FILES} names.`,
      'A third of the files have a .civitai.info, a quarter a preview image.',
      `Header parsing: ${workers === null ? 'on the engine thread' : `worker threads (${WORKERS ?? Math.max(2, os.availableParallelism() - 1)}) for headers of 64 KB and more, read by the engine thread`}; tensor lists seen twice are kept per thread (the layout memo, 32 MB per thread).`,
      `Fixture ${reused ? 'reused' : `written in ${seconds(fixtureMs)}`}; ${cold ? 'the page cache was emptied before the first scan (--cold): it read every header from the disk, as a first run after a restart does; the rescans read the cache again.' : 'files are in the page cache (a cold disk adds its seek and read time).'}`,
      `Load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${os.loadavg()[0]!.toFixed(1)}, on ${os.availableParallelism()} cores: other work on the machine shows in these times.`,
      `Rescans: ${rescans.map((ms) => seconds(ms)).join(', ')}.`,
    ],
  );
} finally {
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
  // A --fixture library is kept for the next run; only its database and cache lived in `work`.
}
