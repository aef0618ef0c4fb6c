// The LoRA reduction's targets (issue: reduce a rank-32 F16 SDXL LoRA with all 986 modules to rank 1):
// wall time ≤ 2× the floor (reading the file and decoding its F16 data to float32), ≥ 50× faster than
// kohya's dense ΔW + full SVD per module, peak RSS ≤ 2× the file size.
// Options: --runs=N (default 5), --kohya=cached|run|skip (default cached: reuse this machine's last
// kohya measurement, kept next to the workload, or run it — about 8 minutes with reference LAPACK).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createReducePool,
  decodeFloat32,
  generateSdxlLora,
  hashLoraFile,
  reduceLoraFile,
  SafetensorsReader,
  type ReduceFileOptions,
  type ReduceFileResult,
} from '../../core/lora';
import { machineLine, median, record, type BenchRow } from './report';

const root = path.resolve(import.meta.dirname, '../..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [key, value] = a.replace(/^--/, '').split('=');
    return [key ?? '', value ?? 'true'] as const;
  }),
);
const RUNS = Number(args.get('runs') ?? 5);
const KOHYA = args.get('kohya') ?? 'cached';
const cacheDir = path.join(os.tmpdir(), 'atelier-bench');
mkdirSync(cacheDir, { recursive: true });
const source = path.join(cacheDir, 'sdxl-986-rank32-f16-seed1.safetensors');
const destination = path.join(cacheDir, 'reduced-rank1.safetensors');

/** Generates the workload once; the generator is deterministic, so a cached file of the right size is it. */
async function workload(): Promise<number> {
  const marker = `${source}.bytes`;
  if (
    existsSync(source) &&
    existsSync(marker) &&
    statSync(source).size === Number(readFileSync(marker, 'utf8'))
  ) {
    return statSync(source).size;
  }
  rmSync(source, { force: true });
  const generated = await generateSdxlLora(source, { rank: 32, dtype: 'F16', seed: 1 });
  writeFileSync(marker, String(generated.bytes));
  return generated.bytes;
}

/** The floor as the codebase reads: every tensor through SafetensorsReader.readFloat32, one thread. */
async function floorReader(): Promise<number> {
  const t0 = performance.now();
  const reader = await SafetensorsReader.open(source);
  let checksum = 0;
  for (const name of reader.tensors.keys()) checksum += (await reader.readFloat32(name))[0]!;
  await reader.close();
  if (Number.isNaN(checksum)) throw new Error('NaN in the workload');
  return performance.now() - t0;
}

/** A tighter floor: 16 MB sequential reads, F16 decoded through a table into one reused float32 buffer. */
async function floorStreaming(): Promise<number> {
  const codes = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
  const table = decodeFloat32(codes, 'F16');
  const t0 = performance.now();
  const handle = await open(source, 'r');
  const size = (await handle.stat()).size;
  const bytes = new Uint8Array(16 << 20);
  const halves = new Uint16Array(bytes.buffer);
  const out = new Float32Array(halves.length);
  let position = 0;
  let checksum = 0;
  while (position < size) {
    const { bytesRead } = await handle.read(bytes, 0, Math.min(bytes.length, size - position), position);
    const count = bytesRead >> 1;
    for (let i = 0; i < count; i++) out[i] = table[halves[i]!]!;
    checksum += out[0]!;
    position += bytesRead;
  }
  await handle.close();
  if (Number.isNaN(checksum)) throw new Error('NaN in the workload');
  return performance.now() - t0;
}

async function reduce(
  options: Partial<ReduceFileOptions>,
): Promise<{ ms: number; result: ReduceFileResult }> {
  rmSync(destination, { force: true });
  const t0 = performance.now();
  const result = await reduceLoraFile({
    source,
    destination,
    rule: { kind: 'fixed', rank: 1 },
    layers: 'all',
    ...options,
  });
  return { ms: performance.now() - t0, result };
}

function child(mode: 'reduce' | 'baseline'): { ms: number; maxRssBytes: number } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'lora-rss.child.ts'), mode, source, destination],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`RSS child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssBytes: number };
}

interface KohyaTiming {
  readonly extrapolated_seconds: number;
  readonly seconds: number;
  readonly modules: number;
  readonly modules_represented: number;
  readonly threads: number;
  readonly torch: string;
  readonly by_shape: Record<string, { count: number; timed: number; mean_seconds: number }>;
}

/**
 * kohya's route timed by build/bench/kohya_reference.py (dense ΔW in float32, torch.linalg.svd with
 * full matrices) on one module of each of SDXL's 14 distinct shapes, extrapolated by module counts:
 * the full 986 would take hours here.
 */
function kohya(): { timing: KohyaTiming; cached: boolean } | null {
  if (KOHYA === 'skip') return null;
  const cache = path.join(cacheDir, 'kohya-per-shape.json');
  if (KOHYA === 'cached' && existsSync(cache)) {
    const saved = JSON.parse(readFileSync(cache, 'utf8')) as { machine: string; timing: KohyaTiming };
    if (saved.machine === machineLine()) return { timing: saved.timing, cached: true };
  }
  const run = spawnSync(
    '/usr/bin/python3',
    [path.join(import.meta.dirname, 'kohya_reference.py'), '--per-shape', '1'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) {
    console.warn(`kohya reference did not run: ${run.stderr || run.stdout}`);
    return null;
  }
  const timing = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as KohyaTiming;
  writeFileSync(cache, JSON.stringify({ machine: machineLine(), timing }));
  return { timing, cached: false };
}

const loadBefore = os.loadavg()[0]!;
const fileBytes = await workload();
const pool = createReducePool();
if (pool === null) throw new Error('the reduce worker entry is missing');
try {
  // Warm-up: JIT tiers, page cache, worker start.
  await floorReader();
  await reduce({ pool });
  const knownHashes = await hashLoraFile(source);

  const floors: number[] = [];
  const streaming: number[] = [];
  const warm: number[] = [];
  const warmKnown: number[] = [];
  const cold: number[] = [];
  const inThread: number[] = [];
  let last: ReduceFileResult | undefined;
  // Interleaved so that load from other processes spreads over every measurement alike.
  for (let i = 0; i < RUNS; i++) {
    floors.push(await floorReader());
    streaming.push(await floorStreaming());
    const w = await reduce({ pool });
    warm.push(w.ms);
    last = w.result;
    warmKnown.push((await reduce({ pool, sourceHashes: knownHashes })).ms);
    cold.push((await reduce({})).ms);
    inThread.push((await reduce({ pool: null })).ms);
  }
  const loadAfter = os.loadavg()[0]!;
  const rss = child('reduce');
  const baselineRss = child('baseline');
  const k = kohya();

  const floor = median(floors);
  const tight = median(streaming);
  const ours = median(warm);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MiB`;
  const ratio = (x: number, of: number) => `${(x / of).toFixed(2)}× floor`;
  const methods = last?.modules.filter((m) => m.method === 'gram').length ?? 0;
  const rows: BenchRow[] = [
    { metric: `workload: SDXL LoRA, 986 modules, rank 32, F16`, value: mb(fileBytes) },
    {
      metric: `floor: read + decode every tensor to float32 (SafetensorsReader.readFloat32, 1 thread)`,
      value: ms(floor),
    },
    { metric: `tight floor: 16 MB reads + table decode into one reused buffer (1 thread)`, value: ms(tight) },
    {
      metric: `reduce → rank 1, engine pool (${pool.capacity} workers, warm), source hashed`,
      value: `${ms(ours)} (${ratio(ours, floor)}; ${(ours / tight).toFixed(2)}× tight floor)`,
      target: `≤ 2× floor = ${ms(2 * floor)}`,
      baseline: ms(floor),
      pass: ours <= 2 * floor,
    },
    {
      metric: 'same, source hashes known (the library passes them)',
      value: `${ms(median(warmKnown))} (${ratio(median(warmKnown), floor)})`,
      target: `≤ 2× floor = ${ms(2 * floor)}`,
      baseline: ms(floor),
      pass: median(warmKnown) <= 2 * floor,
    },
    {
      metric: 'same, cold: a pool started for the call (workers load under tsx)',
      value: `${ms(median(cold))} (${ratio(median(cold), floor)})`,
    },
    {
      metric: 'same, on the calling thread (no workers)',
      value: `${ms(median(inThread))} (${ratio(median(inThread), floor)})`,
    },
    {
      metric: 'peak RSS of a fresh process running the cold reduction',
      value: `${mb(rss.maxRssBytes)} (of which Node + tsx + modules: ${mb(baselineRss.maxRssBytes)})`,
      target: `≤ 2× file = ${mb(2 * fileBytes)}`,
      pass: rss.maxRssBytes <= 2 * fileBytes,
    },
  ];
  if (k !== null) {
    const speedup = (k.timing.extrapolated_seconds * 1000) / ours;
    rows.push({
      metric: `kohya route (dense ΔW + torch.linalg.svd, ${k.timing.threads} thread${k.timing.threads === 1 ? '' : 's'}), extrapolated`,
      value: `${(k.timing.extrapolated_seconds / 3600).toFixed(2)} h → ours is ${speedup.toFixed(0)}× faster`,
      target: '≥ 50× faster',
      baseline: `${k.timing.seconds.toFixed(0)} s for ${k.timing.modules} sampled modules`,
      pass: speedup >= 50,
    });
  }
  record('lora', rows, [
    `Medians of ${RUNS} interleaved runs; wall time of reduceLoraFile (open, reduce on workers, hash the source in parallel, write, hash the output). Floors run on one thread; the reduction uses ${pool.capacity} worker threads (os.availableParallelism()).`,
    `${methods} of 986 modules took the Gram/Cholesky route (the rest: Householder QR).`,
    `1-minute load average ${loadBefore.toFixed(1)} before the timed runs and ${loadAfter.toFixed(1)} after (this bench adds about ${os.availableParallelism()} while it runs): load from other processes on these ${os.availableParallelism()} cores slows every number here, floors included.`,
    k === null
      ? 'kohya baseline skipped (--kohya=skip or /usr/bin/python3 with torch unavailable).'
      : `kohya: build/bench/kohya_reference.py --per-shape 1 (torch ${k.timing.torch}), one module of each of ${Object.keys(k.timing.by_shape).length} distinct shapes timed and weighted by module counts (${k.timing.modules_represented} modules represented)${k.cached ? ', measured earlier on this machine and cached' : ''}. A full run would take hours; this torch uses Debian's reference BLAS/LAPACK, so an MKL/OpenBLAS torch would be several times faster — still orders of magnitude above 50×.`,
    'Peak RSS: VmHWM of a fresh child process that runs one cold reduction (all its threads), beside that of a child that only loads the modules.',
  ]);
} finally {
  pool.dispose();
  rmSync(destination, { force: true });
}
