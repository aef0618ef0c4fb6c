import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AtelierError, type Standardize } from '../api';
import {
  detectBaseModel,
  hashLoraFile,
  openLora,
  type BaseModel,
  type LayerSet,
  type LowRankModule,
} from '../lora';
import { layoutOf, moduleBlocks } from './layout';
import { BLOCK_COLUMNS, MemberMatrix } from './member-matrix';
import { addBlock, createColumnStats, principalComponents, standardization, type PcaResult } from './pca';
import { alignSigns, applyFlips } from './sign-align';
import { createSpaceFile, type SpaceHeader } from './space.file';
import { flatten, readRank1 } from './vectorize';

export interface MemberSource {
  readonly path: string;
  readonly loraFileId?: number | null;
  /** Known from the library; computed otherwise. */
  readonly tensorHash?: string | null;
}

export interface BuildSpaceOptions {
  readonly name: string;
  readonly layers: LayerSet;
  readonly standardize: Standardize;
  readonly components?: number;
  readonly members: readonly MemberSource[];
  readonly destination: string;
  readonly overwrite: boolean;
  /** Where the member matrix is kept while building (deleted after). */
  readonly scratchDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Off only to demonstrate why canonical factors matter (tests); see readRank1. */
  readonly canonical?: boolean;
}

export interface BuiltMember {
  readonly path: string;
  readonly name: string;
  readonly tensorHash: string;
  readonly loraFileId: number | null;
}

export interface BuiltSpace {
  readonly header: SpaceHeader;
  readonly file: string;
  readonly bytes: number;
  readonly members: readonly BuiltMember[];
  readonly pca: PcaResult;
  /** Files left out, and why (duplicates, other base models are refused instead). */
  readonly skipped: readonly { path: string; reason: string }[];
  readonly timings: Record<string, number>;
}

/** Share of the progress bar per phase, by their measured cost on SDXL spaces. */
const SHARE = { read: 0.35, gram: 0.3, eigen: 0.05, components: 0.3 } as const;

/**
 * Builds a weight space: reads each member once (rank-1 canonical factors of the layer set, into a
 * scratch member matrix and running column sums), then runs the streaming PCA (pca.ts) and writes the
 * space file atomically. Members must share a base model; weights that appear twice (same tensor
 * hash under two names) count once.
 */
export async function buildSpace(options: BuildSpaceOptions): Promise<BuiltSpace> {
  const { signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  const timings: Record<string, number> = {};
  let started = performance.now();

  const seen = new Map<string, string>();
  const skipped: { path: string; reason: string }[] = [];
  const members: (BuiltMember & { modules: readonly LowRankModule[]; baseModel: BaseModel })[] = [];
  for (const [index, source] of options.members.entries()) {
    signal?.throwIfAborted();
    const file = path.resolve(source.path);
    const lora = await openLora(file, { strict: false });
    let modules: LowRankModule[];
    let baseModel: BaseModel;
    try {
      modules = lora.parsed.modules.filter((m): m is LowRankModule => m.type === 'lora');
      baseModel = detectBaseModel(lora.parsed.modules, lora.parsed.metadata).baseModel;
    } finally {
      await lora.close();
    }
    const tensorHash =
      source.tensorHash ?? (await hashLoraFile(file, signal ? { signal } : {})).tensorSha256 ?? file;
    const twin = seen.get(tensorHash);
    if (twin !== undefined) {
      skipped.push({ path: file, reason: `same weights as ${twin}` });
      continue;
    }
    seen.set(tensorHash, file);
    members.push({
      path: file,
      name: path.basename(file).replace(/\.safetensors$/i, ''),
      tensorHash,
      loraFileId: source.loraFileId ?? null,
      modules,
      baseModel,
    });
    progress(
      (SHARE.read * 0.2 * (index + 1)) / options.members.length,
      `Reading headers ${index + 1}/${options.members.length}`,
    );
  }
  if (members.length < 2) {
    throw new AtelierError(
      'INVALID_INPUT',
      `A weight space needs at least two different LoRAs; got ${members.length}.`,
    );
  }
  const baseModel = commonBaseModel(members);
  const layout = layoutOf(members, options.layers);
  const inLayout = new Set(layout.modules.map((m) => m.key));
  timings.headers = performance.now() - started;

  await mkdir(options.scratchDir, { recursive: true });
  await mkdir(path.dirname(options.destination), { recursive: true });
  const scratch = path.join(options.scratchDir, `members-${randomBytes(6).toString('hex')}.f32`);
  const blocks = moduleBlocks(layout, BLOCK_COLUMNS);
  const matrix = await MemberMatrix.create(scratch, members.length, layout.dimension, blocks);
  try {
    started = performance.now();
    for (const [i, member] of members.entries()) {
      signal?.throwIfAborted();
      const lora = await readRank1(member.path, {
        include: (m) => inLayout.has(m.key),
        ...(options.canonical === false ? { canonical: false } : {}),
        ...(signal ? { signal } : {}),
      });
      await matrix.append(flatten(layout, lora.pairs));
      progress(
        SHARE.read * (0.2 + (0.8 * (i + 1)) / members.length),
        `Reading ${member.name} (${i + 1}/${members.length})`,
      );
    }
    await matrix.flush();
    timings.read = performance.now() - started;

    started = performance.now();
    const stats = createColumnStats(layout.dimension);
    const canonical = options.canonical !== false;
    const alignment = canonical ? await alignSigns(matrix, blocks, stats, signal) : null;
    if (!alignment) await plainStats(matrix, stats);
    const firstModule: number[] = [];
    blocks.reduce((count, block) => (firstModule.push(count), count + block.modules.length), 0);
    timings.align = performance.now() - started;

    const { mean, scale } = standardization(stats, options.standardize);
    const wanted = Math.min(options.components ?? Math.min(members.length - 1, 1000), members.length);
    // The file's header needs m before the PCA knows the data's rank: sized for `wanted`, and rebuilt
    // smaller below in the rare case of fewer independent members.
    let header: SpaceHeader = {
      name: options.name,
      baseModel,
      layers: options.layers,
      standardize: options.standardize,
      layout,
      members: members.map((m) => ({ name: m.name, tensorHash: m.tensorHash })),
      m: wanted,
    };
    let out = await createSpaceFile(options.destination, header, options.overwrite);
    let pca: PcaResult;
    try {
      pca = await principalComponents(matrix, mean, scale, {
        components: wanted,
        prepare: (raw, b) => {
          if (alignment)
            applyFlips(
              raw,
              members.length,
              blocks[b]!,
              firstModule[b]!,
              alignment.flips,
              alignment.moduleCount,
            );
        },
        ...(signal ? { signal } : {}),
        onProgress: (phase, done, total) => {
          const base =
            phase === 'gram'
              ? SHARE.read
              : phase === 'eigen'
                ? SHARE.read + SHARE.gram
                : SHARE.read + SHARE.gram + SHARE.eigen;
          progress(base + SHARE[phase] * (done / total), phaseMessage(phase, done, total));
        },
        writeComponents: async (block, values, m) => {
          if (m !== header.m) {
            await out.abort();
            header = { ...header, m };
            out = await createSpaceFile(options.destination, header, options.overwrite);
          }
          for (let t = 0; t < m; t++) {
            await out.write(
              'components',
              t * layout.dimension + block.start,
              values.subarray(t * block.width, (t + 1) * block.width),
            );
          }
        },
      });
      timings.gram = pca.timings.gram;
      timings.eigen = pca.timings.eigen;
      timings.components = pca.timings.components;
      started = performance.now();
      await out.write('mean', 0, mean);
      await out.write('scale', 0, scale);
      await out.write('reference', 0, alignment?.reference ?? new Float32Array(layout.dimension));
      await out.write('singular_values', 0, pca.singularValues);
      await out.write('coefficients', 0, pca.coefficients);
      const written = await out.commit();
      timings.write = performance.now() - started;
      return {
        header,
        file: written.path,
        bytes: written.bytes,
        members: members.map(({ path: p, name, tensorHash, loraFileId }) => ({
          path: p,
          name,
          tensorHash,
          loraFileId,
        })),
        pca,
        skipped,
        timings,
      };
    } catch (error) {
      await out.abort();
      throw error;
    }
  } finally {
    await matrix.dispose();
  }
}

function phaseMessage(phase: 'gram' | 'eigen' | 'components', done: number, total: number): string {
  if (phase === 'gram') return `Gram matrix, block ${done}/${total}`;
  if (phase === 'eigen') return 'Eigen-decomposition';
  return `Components, block ${done}/${total}`;
}

function commonBaseModel(members: readonly { path: string; baseModel: BaseModel }[]): BaseModel {
  const counts = new Map<BaseModel, number>();
  for (const m of members) counts.set(m.baseModel, (counts.get(m.baseModel) ?? 0) + 1);
  const known = [...counts.keys()].filter((b) => b !== 'unknown');
  if (known.length > 1) {
    const odd = members
      .filter((m) => m.baseModel !== known[0])
      .slice(0, 5)
      .map((m) => `${path.basename(m.path)} (${m.baseModel})`);
    throw new AtelierError(
      'INVALID_INPUT',
      `These LoRAs are for different base models (${known.join(', ')}); a weight space takes one. For example: ${odd.join(', ')}.`,
    );
  }
  return known[0] ?? 'unknown';
}

/** Column sums without sign alignment (the canonical: false demonstration). */
async function plainStats(matrix: MemberMatrix, stats: ReturnType<typeof createColumnStats>): Promise<void> {
  const raw = new Float32Array(matrix.rows * Math.max(...matrix.blocks.map((b) => b.width)));
  for (const block of matrix.blocks) {
    await matrix.readBlock(block, raw);
    addBlock(stats, raw, matrix.rows, block);
  }
  stats.count = matrix.rows;
}
