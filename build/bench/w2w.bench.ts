// The W2W weight-space editor's targets (issue: weights2weights over an SDXL LoRA collection):
//   build a space over 1,000 LoRAs (attn_v layer set) and over 500 (all layers): time by phase, peak RSS,
//   and the same PCA in Python/torch on the same sign-aligned member matrix (build/bench/w2w_reference.py,
//   on a column fraction, extrapolated linearly in D);
//   slider moves (w2w.preview) < 30 ms for attn_v, < 150 ms for all;
//   export (w2w.edit → a kohya file) < 300 ms.
// Usage: npm run bench -- w2w [attnCount=1000] [allCount=500] [--f-attn=0.25] [--f-all=0.125]
//   [--sanity=40] [--ref-dtype=float64|float32] [--moves=100] [--only=attn_v|all] [--keep] [--no-record]
// The planted collections (core/w2w/fixtures) are generated once into os.tmpdir() and reused; a
// larger cached collection serves a smaller run (its first files: labels alternate by index).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { W2wDirectionInput, W2wEditInput, W2wPreviewInput } from '../../core/api';
import type { LayerSet } from '../../core/lora';
import { createRng } from '../../core/math';
import { openDatabase, SqliteW2wRepository } from '../../core/store';
import { buildSpace, readRank1, SpaceFile, W2wService, writePlantedCollection } from '../../core/w2w';
import { median, percentile, record, type BenchRow } from './report';

const root = path.resolve(import.meta.dirname, '../..');
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const options = new Map(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [key, value] = a.replace(/^--/, '').split('=');
      return [key ?? '', value ?? 'true'] as const;
    }),
);
const ATTN_COUNT = Number(positional[0] ?? 1000);
const ALL_COUNT = Number(positional[1] ?? 500);
const F_ATTN = Number(options.get('f-attn') ?? 0.25);
const F_ALL = Number(options.get('f-all') ?? 0.125);
const SANITY = Number(options.get('sanity') ?? 40);
const REF_DTYPE = options.get('ref-dtype') ?? 'float64';
const MOVES = Number(options.get('moves') ?? 100);
const ONLY = options.get('only');
const KEEP = options.has('keep');
const THREADS = 2;

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
const mib = (x: number) => `${(x / 2 ** 20).toFixed(0)} MiB`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

interface Collection {
  readonly files: readonly { readonly path: string; readonly label: 1 | -1 }[];
  readonly dir: string;
  readonly generationMs: number;
  readonly generatedNow: boolean;
}

/** A complete cached planted collection of at least `count` files, or a new one. */
async function collection(layers: LayerSet, count: number): Promise<Collection> {
  const prefix = `atelier-w2w-bench-${layers}-`;
  const cached = readdirSync(os.tmpdir())
    .filter((d) => d.startsWith(prefix) && /^\d+$/.test(d.slice(prefix.length)))
    .map((d) => ({ dir: path.join(os.tmpdir(), d), size: Number(d.slice(prefix.length)) }))
    .filter((c) => c.size >= count && existsSync(path.join(c.dir, 'complete.json')))
    .sort((a, b) => a.size - b.size)[0];
  if (cached) {
    const marker = JSON.parse(readFileSync(path.join(cached.dir, 'complete.json'), 'utf8')) as {
      generationMs: number;
      files: { path: string; label: 1 | -1 }[];
    };
    return {
      files: marker.files
        .slice(0, count)
        .map((f) => ({ path: path.join(cached.dir, f.path), label: f.label })),
      dir: cached.dir,
      generationMs: marker.generationMs,
      generatedNow: false,
    };
  }
  const dir = path.join(os.tmpdir(), `${prefix}${count}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${count} planted ${layers} LoRAs into ${dir} …`);
  const started = performance.now();
  const planted = await writePlantedCollection({
    dir,
    count,
    scale: 1,
    layers,
    textEncoders: layers === 'all',
    dtype: 'F16',
  });
  const generationMs = performance.now() - started;
  console.log(`generated in ${ms(generationMs)}`);
  writeFileSync(
    path.join(dir, 'complete.json'),
    JSON.stringify({
      count,
      layers,
      generationMs,
      files: planted.files.map((f) => ({ path: path.basename(f.path), label: f.label })),
    }),
  );
  return { files: planted.files, dir, generationMs, generatedNow: true };
}

interface ChildBuild {
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly timings: Record<string, number>;
  readonly file: string;
  readonly bytes: number;
  readonly baseModel: string;
  readonly dimension: number;
  readonly moduleCount: number;
  readonly m: number;
  readonly explained: number;
  readonly cumulative: number[];
  readonly reconstruction: { mean: number; max: number };
  readonly skipped: { path: string; reason: string }[];
  readonly members: { path: string; name: string; tensorHash: string; loraFileId: number | null }[];
}

/** The build in a fresh process (w2w-build.child.ts), for its peak RSS. */
function childBuild(layers: LayerSet, files: readonly string[], work: string): ChildBuild {
  const list = path.join(work, 'members.json');
  writeFileSync(list, JSON.stringify(files));
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'w2w-build.child.ts'),
      layers,
      list,
      path.join(work, 'bench.space.safetensors'),
      path.join(work, 'scratch'),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 },
  );
  if (run.status !== 0) throw new Error(`build child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildBuild;
}

/**
 * The member matrix the build used, re-read member by member (readRank1 + SpaceFile.vectorOf, which
 * flattens and applies the space's sign reference), its first `cols` columns written row-major float32.
 */
async function dumpMatrix(spaceFile: string, files: readonly string[], cols: number, to: string) {
  const space = await SpaceFile.open(spaceFile);
  const handle = await open(to, 'w');
  try {
    for (const file of files) {
      const theta = space.vectorOf((await readRank1(file)).pairs).subarray(0, cols);
      await handle.write(new Uint8Array(theta.buffer, theta.byteOffset, cols * 4));
    }
  } finally {
    await handle.close();
    await space.close();
  }
}

interface Reference {
  readonly rows: number;
  readonly cols: number;
  readonly m: number;
  readonly dtype: string;
  readonly threads: number;
  readonly torch: string;
  readonly load_seconds: number;
  readonly standardize_seconds: number;
  readonly gram_seconds: number;
  readonly eigh_seconds: number;
  readonly components_seconds: number;
  readonly linear_seconds: number;
  readonly singular_values: number[];
}

function reference(matrix: string, rows: number, cols: number, extra: string[] = []): Reference {
  const run = spawnSync(
    '/usr/bin/python3',
    [
      path.join(import.meta.dirname, 'w2w_reference.py'),
      matrix,
      `--rows=${rows}`,
      `--cols=${cols}`,
      `--threads=${THREADS}`,
      `--dtype=${REF_DTYPE}`,
      ...extra,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (run.status !== 0) throw new Error(`reference failed: ${run.stderr || run.stdout}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Reference;
}

/** Our build vs the reference on a small space, at full size: singular values and top components. */
async function sanity(): Promise<BenchRow[]> {
  const { files } = await collection('attn_v', SANITY);
  const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-w2w-bench-work-'));
  try {
    const built = await buildSpace({
      name: 'sanity',
      layers: 'attn_v',
      standardize: 'zscore',
      members: files.map((f) => ({ path: f.path })),
      destination: path.join(work, 'sanity.space.safetensors'),
      overwrite: true,
      scratchDir: path.join(work, 'scratch'),
    });
    const d = built.header.layout.dimension;
    const dump = path.join(work, 'matrix.f32');
    await dumpMatrix(
      built.file,
      files.map((f) => f.path),
      d,
      dump,
    );
    const saved = path.join(work, 'components.f64');
    const k = Math.min(5, built.pca.m);
    const ref = reference(dump, files.length, d, [`--save-components=${saved}`, `--save-count=${k}`]);
    let svError = 0;
    const compared = Math.min(built.pca.m, ref.singular_values.length);
    for (let t = 0; t < compared; t++) {
      const ours = built.pca.singularValues[t]!;
      svError = Math.max(svError, Math.abs(ours - ref.singular_values[t]!) / ours);
    }
    const bytes = readFileSync(saved);
    const theirs = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(theirs.buffer).set(bytes);
    const space = await SpaceFile.open(built.file);
    const cosines: number[] = [];
    await space.forEachComponents((first, rows, values) => {
      for (let r = 0; r < rows && first + r < k; r++) {
        const t = first + r;
        let dot = 0;
        let a = 0;
        let b = 0;
        for (let p = 0; p < d; p++) {
          const x = values[r * d + p]!;
          const y = theirs[t * d + p]!;
          dot += x * y;
          a += x * x;
          b += y * y;
        }
        cosines.push(Math.abs(dot) / Math.sqrt(a * b));
      }
    });
    await space.close();
    const minCos = Math.min(...cosines);
    return [
      {
        metric: `sanity (attn_v, ${files.length} members, D = ${d}, full matrix): max relative error of all ${compared} singular values, ours vs torch`,
        value: svError.toExponential(2),
        target: '≤ 1e-4',
        pass: svError <= 1e-4,
      },
      {
        metric: `sanity: min |cos| of components 1–${k}, ours vs torch`,
        value: minCos.toFixed(6),
        target: '≥ 0.9999',
        pass: minCos >= 0.9999,
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function runCase(layers: LayerSet, count: number, fraction: number): Promise<BenchRow[]> {
  const coll = await collection(layers, count);
  const files = coll.files.map((f) => f.path);
  const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-w2w-bench-work-'));
  const rows: BenchRow[] = [];
  const tag = `${layers}/${count}`;
  try {
    // ── Build, in a fresh process ──
    console.log(`[${tag}] building in a child process …`);
    const built = childBuild(layers, files, work);
    const t = built.timings;
    const pcaMs = (t.gram ?? 0) + (t.eigen ?? 0) + (t.components ?? 0);
    rows.push(
      {
        metric: `[${tag}] workload: ${count} planted SDXL LoRAs, ${layers} (${built.moduleCount} modules), rank 1, F16`,
        value: `D = ${built.dimension.toLocaleString('en')}, m = ${built.m}`,
      },
      {
        metric: `[${tag}] collection generation (cached: ${coll.generatedNow ? 'no, made now' : 'yes'})`,
        value: ms(coll.generationMs),
      },
      {
        metric: `[${tag}] build total (child process, buildSpace)`,
        value: ms(built.ms),
      },
      {
        metric: `[${tag}] build phases: headers / read / align / gram / eigen / components / write`,
        value: ['headers', 'read', 'align', 'gram', 'eigen', 'components', 'write']
          .map((k) => ms(t[k] ?? 0))
          .join(' / '),
      },
      { metric: `[${tag}] build peak RSS (VmHWM of the child)`, value: mib(built.maxRssBytes) },
      { metric: `[${tag}] space file`, value: mib(built.bytes) },
    );

    // ── Reference on a column fraction of the same matrix ──
    const cols = Math.max(1, Math.round(built.dimension * fraction));
    const f = cols / built.dimension;
    const dump = path.join(work, 'matrix.f32');
    console.log(`[${tag}] dumping ${count} × ${cols} columns …`);
    let started = performance.now();
    await dumpMatrix(built.file, files, cols, dump);
    const dumpMs = performance.now() - started;
    console.log(`[${tag}] reference (torch, ${REF_DTYPE}, ${THREADS} threads) on ${cols} columns …`);
    const ref = reference(dump, count, cols);
    rmSync(dump, { force: true });
    const extrapolated = ref.linear_seconds / f + ref.eigh_seconds;
    const refMs = (s: number) => ms(s * 1000);
    rows.push(
      {
        metric: `[${tag}] reference measured on f = ${f.toFixed(4)} (${cols.toLocaleString('en')} columns): standardize / gram / eigh / V (load)`,
        value: `${refMs(ref.standardize_seconds)} / ${refMs(ref.gram_seconds)} / ${refMs(ref.eigh_seconds)} / ${refMs(ref.components_seconds)} (${refMs(ref.load_seconds)})`,
      },
      {
        metric: `[${tag}] reference PCA at full D, **extrapolated** ((standardize + gram + V)/f + eigh; load excluded)`,
        value: refMs(extrapolated),
      },
      {
        metric: `[${tag}] (bench overhead, not timed against anything: re-reading the members into the dump for the reference)`,
        value: ms(dumpMs),
      },
      {
        metric: `[${tag}] ours PCA (gram + eigen + components) at full D, measured`,
        value: ms(pcaMs),
        baseline: `reference ${refMs(extrapolated)} (extrapolated)`,
      },
      {
        metric: `[${tag}] ratio: reference PCA / ours PCA; reference PCA / ours whole build`,
        value: `${((extrapolated * 1000) / pcaMs).toFixed(2)}× ; ${((extrapolated * 1000) / built.ms).toFixed(2)}×`,
      },
    );

    // ── Slider and export, through W2wService over a temporary store ──
    const database = openDatabase({ path: path.join(work, 'atelier.db') });
    try {
      const repository = new SqliteW2wRepository(database.connection);
      const service = new W2wService({
        repository,
        listLoras: () => ({ total: 0, items: [] }),
        folders: () => [],
        likedLoraFileIds: () => [],
        dataDir: work,
      });
      repository.saveSpace(
        {
          name: 'bench',
          baseModel: built.baseModel,
          layers,
          standardize: 'zscore',
          memberCount: built.members.length,
          components: built.m,
          dimension: built.dimension,
          moduleCount: built.moduleCount,
          explainedVariance: built.explained,
          filePath: built.file,
          fileBytes: built.bytes,
          details: {
            cumulativeVariance: built.cumulative,
            reconstruction: built.reconstruction,
            timings: built.timings,
            skipped: built.skipped,
          },
          members: built.members,
        },
        false,
      );
      started = performance.now();
      const direction = await service.direction(
        W2wDirectionInput.parse({
          space: 'bench',
          name: 'planted',
          positive: coll.files.filter((x) => x.label === 1).map((x) => x.path),
          negative: coll.files.filter((x) => x.label === -1).map((x) => x.path),
          method: 'logistic',
        }),
      );
      const directionMs = performance.now() - started;
      const lora = files[1]!; // a negative member
      started = performance.now();
      await service.preview(W2wPreviewInput.parse({ space: 'bench', lora, directions: ['planted=0'] }));
      const firstMs = performance.now() - started;
      const rng = createRng(11);
      const compute: number[] = [];
      const wall: number[] = [];
      for (let i = 0; i < MOVES; i++) {
        const strength = -3 + 6 * rng.next();
        started = performance.now();
        const preview = await service.preview(
          W2wPreviewInput.parse({
            space: 'bench',
            lora,
            directions: [{ direction: 'planted', strength }],
            plot: ['planted', 'planted'],
          }),
        );
        wall.push(performance.now() - started);
        compute.push(preview.computeMs);
      }
      const sliderTarget = layers === 'attn_v' ? 30 : 150;
      const outDir = path.join(work, 'exports');
      const writes: number[] = [];
      const edits: number[] = [];
      for (let i = 0; i < 5; i++) {
        started = performance.now();
        const exported = await service.edit(
          W2wEditInput.parse({ space: 'bench', lora, directions: ['planted=2'], outDir }),
        );
        edits.push(performance.now() - started);
        writes.push(exported.writeMs);
      }
      rows.push(
        {
          metric: `[${tag}] direction (logistic, ${direction.positiveCount}+/${direction.negativeCount}−, CV accuracy ${direction.accuracy?.toFixed(3) ?? 'n/a'}), incl. the parameter-space step`,
          value: ms(directionMs),
        },
        { metric: `[${tag}] first preview (opens the edit session: reads the LoRA)`, value: ms(firstMs) },
        {
          metric: `[${tag}] slider move, ${MOVES} × w2w.preview (strength ~ U[−3, 3]): computeMs p50 / p95`,
          value: `${ms(percentile(compute, 50))} / ${ms(percentile(compute, 95))}`,
          target: `< ${sliderTarget} ms`,
          pass: percentile(compute, 95) < sliderTarget,
        },
        {
          metric: `[${tag}] slider move: wall time of the call p50 / p95`,
          value: `${ms(percentile(wall, 50))} / ${ms(percentile(wall, 95))}`,
          target: `< ${sliderTarget} ms`,
          pass: percentile(wall, 95) < sliderTarget,
        },
        {
          metric: `[${tag}] export (w2w.edit, outDir): writeMs, median of 5 (whole call: ${ms(median(edits))})`,
          value: ms(median(writes)),
          target: '< 300 ms',
          pass: median(writes) < 300,
        },
      );
      console.log(`[${tag}] done`);
    } finally {
      database.dispose();
    }
    return rows;
  } finally {
    if (KEEP) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

const loadStart = load();
const rows: BenchRow[] = [];
const runs: string[] = [];
rows.push(...(await sanity()));
if (ONLY !== 'all') {
  rows.push(...(await runCase('attn_v', ATTN_COUNT, F_ATTN)));
  runs.push(`attn_v/${ATTN_COUNT}`);
}
if (ONLY !== 'attn_v') {
  rows.push(...(await runCase('all', ALL_COUNT, F_ALL)));
  runs.push(`all/${ALL_COUNT}`);
}
const loadEnd = load();

const report = options.has('no-record')
  ? (name: string, r: readonly BenchRow[]) => console.log(name, r)
  : record;
report(`W2W weight space (${runs.join(', ')})`, rows, [
  `Load average (1/5/15 min) at start ${loadStart}, at end ${loadEnd}; the machine is shared with other benchmarks and agents, so times include their contention.`,
  'Collections: core/w2w/fixtures/planted-collection.ts at real SDXL shapes (scale 1, F16, rank 1; the all set with both text encoders), cached in os.tmpdir(); a run over fewer LoRAs uses the first files of a larger cached collection. The build reads them from the page cache when they were used recently.',
  `Build: buildSpace in a fresh child process (w2w-build.child.ts), as the w2w.build job runs it; peak RSS is the child's VmHWM. Tensor hashes are computed (files outside a library), inside "headers".`,
  `Reference: build/bench/w2w_reference.py, torch ${REF_DTYPE} with torch.set_num_threads(${THREADS}) on this ${os.cpus().length}-core machine (our build uses one thread for the arithmetic plus the event loop's I/O), on the sign-aligned member matrix re-read with readRank1 + SpaceFile.vectorOf from the built space, the first f·D columns. Standardization, Gram and V = S⁻¹Uᵀ·Z are exactly linear in D and are scaled by 1/f; eigh (N×N) is not scaled; the load (np.fromfile + conversion) is excluded. The extrapolated numbers are estimates, not measurements.`,
  `Sanity: on ${SANITY} attn_v members the reference ran on the full matrix and was compared with our space file (singular values, top components up to sign).`,
  `Slider: W2wService over a temporary SQLite store (the child's space registered with saveSpace, as W2wService.build does), direction learned from the planted labels (even index positive); ${MOVES} previews on member 1 with one direction and the plot point, after one warm-up preview that opens the session. computeMs is EditSession.preview's own clock; wall includes input parsing, the store look-ups and the session/direction caches. A move costs O(D) for θ' = θ + α·Δ and its distance plus O(m·k + N·k) for the read-outs (k directions).`,
  `The issue states the slider target "with m = 1000"; the all space here has m = N − 1 = ${ALL_COUNT - 1} (N = ${ALL_COUNT}), which only changes the O(m) read-outs; the O(D) part is the same.`,
  "Export: median of 5 w2w.edit calls into an outDir (writeMs is exportLora's own clock: building the modules' tensors and writing the file); the whole call is given next to it.",
]);
