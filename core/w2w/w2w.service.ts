import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  AtelierError,
  type Folder,
  type LoraList,
  type W2wBuildInput,
  type W2wDirection,
  type W2wDirectionInput,
  type W2wEditInput,
  type W2wExport,
  type W2wPreview,
  type W2wPreviewInput,
  type W2wProjection,
  type W2wSampleInput,
  type W2wSpaceInfo,
  type W2wSpaceSummary,
} from '../api';
import type { Disposable } from '../common';
import type { JobContext } from '../jobs';
import { hashLoraFile } from '../lora';
import { createRng, fillGaussian } from '../math';
import type { SqliteW2wRepository, StoredDirection, StoredSpace } from '../store';
import { debiasDirection, trainDirection } from './direction';
import { EditSession, readoutsOf, type LoadedDirection, type Strength } from './edit.session';
import { exportLora, exportModules, type ExportModule } from './export';
import { resolveLabels, type LabelContext } from './labels';
import { buildSpace, type MemberSource } from './space.build';
import { SpaceFile } from './space.file';
import { readRank1 } from './vectorize';

export interface W2wServiceOptions {
  readonly repository: SqliteW2wRepository;
  /** The library's LoRA list (tags, base model), paged. */
  readonly listLoras: (query: { tag?: string; base?: string; offset: number; limit: number }) => LoraList;
  readonly folders: () => readonly Folder[];
  /** Library files the artist reacted to or generated images with. */
  readonly likedLoraFileIds: () => readonly number[];
  readonly dataDir: string;
}

/** Sessions kept open: the LoRA being edited and the one before (a user comparing two). */
const SESSIONS_KEPT = 2;

/**
 * The W2W editor's use cases over the store, space files and the library: build (a job), directions,
 * projections, previews for the sliders, edits and samples exported as new kohya files.
 */
export class W2wService implements Disposable {
  private readonly spaces = new Map<string, Promise<SpaceFile>>();
  private readonly directionsLoaded = new Map<string, Promise<LoadedDirection>>();
  private sessions: { key: string; session: Promise<EditSession> }[] = [];

  constructor(private readonly options: W2wServiceOptions) {
    removeLeftovers(this.root);
  }

  /** Closes the space files opened for editing. */
  dispose(): void {
    for (const open of this.spaces.values()) void open.then((file) => file.dispose()).catch(() => undefined);
    this.spaces.clear();
    this.sessions = [];
    this.directionsLoaded.clear();
  }

  private get root(): string {
    return path.join(this.options.dataDir, 'w2w');
  }

  // ── Spaces ────────────────────────────────────────────────────────────────────────────────────

  /** Checks what a build needs before it is queued, so mistakes come back at once, not as a failed job. */
  assertBuildable(input: W2wBuildInput): void {
    if (!input.overwrite && this.options.repository.findSpace(input.name)) {
      throw new AtelierError(
        'ALREADY_EXISTS',
        `A weight space “${input.name}” exists; pick another name or use --overwrite.`,
      );
    }
    if (input.loras.length === 0 && !input.allSdxl && (input.tag ?? []).length === 0) {
      throw new AtelierError(
        'INVALID_INPUT',
        'Say which LoRAs to build over: files, --tag <tag> or --all-sdxl.',
      );
    }
    this.memberSources(input);
  }

  async build(input: W2wBuildInput, context: JobContext): Promise<W2wSpaceInfo> {
    this.assertBuildable(input);
    const members = this.memberSources(input);
    const destination = path.join(this.root, `${input.name}.space.safetensors`);
    const built = await buildSpace({
      name: input.name,
      layers: input.layers,
      standardize: input.standardize,
      ...(input.components !== undefined ? { components: input.components } : {}),
      members,
      destination,
      overwrite: input.overwrite,
      scratchDir: path.join(this.root, 'scratch'),
      signal: context.signal,
      onProgress: (fraction, message) => context.report(fraction, message),
    });
    const previous = this.options.repository.findSpace(input.name);
    if (previous) await this.forgetSpace(previous);
    this.options.repository.saveSpace(
      {
        name: input.name,
        baseModel: built.header.baseModel,
        layers: input.layers,
        standardize: input.standardize,
        memberCount: built.members.length,
        components: built.pca.m,
        dimension: built.header.layout.dimension,
        moduleCount: built.header.layout.modules.length,
        explainedVariance: built.pca.explained,
        filePath: built.file,
        fileBytes: built.bytes,
        details: {
          cumulativeVariance: built.pca.cumulative,
          reconstruction: built.pca.reconstruction,
          timings: built.timings,
          skipped: built.skipped,
          modules: built.header.layout.modules.map((m) => m.key),
        },
        members: built.members,
      },
      input.overwrite,
    );
    return this.info(input.name);
  }

  private memberSources(input: W2wBuildInput): MemberSource[] {
    const sources = new Map<string, MemberSource>();
    for (const file of input.loras) {
      const resolved = path.resolve(file);
      const known = this.options.repository.libraryFile(resolved);
      sources.set(resolved, {
        path: resolved,
        loraFileId: known?.id ?? null,
        tensorHash: known?.tensorHash ?? null,
      });
    }
    const fromLibrary = (query: { tag?: string; base?: string }) => {
      for (const item of this.allLoras(query)) {
        if (item.scanState === 'error') continue;
        sources.set(item.path, { path: item.path, loraFileId: item.id, tensorHash: item.tensorHash });
      }
    };
    for (const tag of input.tag ?? []) fromLibrary({ tag });
    if (input.allSdxl) fromLibrary({ base: 'sdxl' });
    if (sources.size < 2) {
      throw new AtelierError(
        'INVALID_INPUT',
        `Only ${sources.size} LoRA(s) match; a weight space needs at least two.`,
      );
    }
    return [...sources.values()];
  }

  private allLoras(query: { tag?: string; base?: string }): LoraList['items'] {
    const items: LoraList['items'] = [];
    for (let offset = 0; ; offset += 500) {
      const page = this.options.listLoras({ ...query, offset, limit: 500 });
      items.push(...page.items);
      if (page.items.length < 500) return items;
    }
  }

  list(): W2wSpaceSummary[] {
    return this.options.repository.listSpaces().map(summaryOf);
  }

  info(name: string): W2wSpaceInfo {
    const space = this.options.repository.getSpace(name);
    const details = (space.details ?? {}) as {
      cumulativeVariance?: number[];
      reconstruction?: { mean: number; max: number };
      timings?: Record<string, number>;
    };
    return {
      ...summaryOf(space),
      file: space.filePath,
      members: this.options.repository.members(space.id).map((m) => ({
        index: m.position,
        path: m.path,
        name: m.name,
        tensorHash: m.tensorHash,
        loraFileId: m.loraFileId,
      })),
      cumulativeVariance: details.cumulativeVariance ?? [],
      reconstruction: details.reconstruction ?? { mean: 0, max: 0 },
      timings: details.timings ?? {},
      directions: this.options.repository.directions(space.id).map(directionOf),
    };
  }

  async remove(name: string): Promise<{ removed: boolean }> {
    const space = this.options.repository.findSpace(name);
    if (!space) return { removed: false };
    await this.forgetSpace(space);
    const removed = this.options.repository.removeSpace(name);
    await unlink(space.filePath).catch(() => undefined);
    return { removed };
  }

  /** Closes the space's open file and drops its caches (a rebuild or removal follows). */
  private async forgetSpace(space: StoredSpace): Promise<void> {
    for (const d of this.options.repository.directions(space.id)) {
      this.directionsLoaded.delete(directionKey(space, d));
      await unlink(this.deltaFile(space, d)).catch(() => undefined);
    }
    this.sessions = this.sessions.filter((s) => !s.key.startsWith(`${space.id}:`));
    const open = this.spaces.get(spaceKey(space));
    this.spaces.delete(spaceKey(space));
    if (open) await (await open.catch(() => null))?.close();
  }

  private openSpace(space: StoredSpace): Promise<SpaceFile> {
    const key = spaceKey(space);
    let open = this.spaces.get(key);
    if (!open) {
      open = SpaceFile.open(space.filePath);
      open.catch(() => this.spaces.delete(key));
      this.spaces.set(key, open);
    }
    return open;
  }

  // ── Directions ───────────────────────────────────────────────────────────────────────────────

  async direction(input: W2wDirectionInput): Promise<W2wDirection> {
    const { repository } = this.options;
    const space = repository.getSpace(input.space);
    const existing = repository.findDirection(space.id, input.name);
    if (existing && !input.overwrite) {
      throw new AtelierError(
        'ALREADY_EXISTS',
        `Space “${space.name}” already has a direction “${input.name}”; use --overwrite to replace it.`,
      );
    }
    const file = await this.openSpace(space);
    const members = repository.members(space.id);
    const context: LabelContext = {
      members,
      libraryFilesWithTag: (tag) =>
        this.allLoras({ tag }).map((l) => ({ id: l.id, tensorHash: l.tensorHash })),
      likedLoraFileIds: this.options.likedLoraFileIds,
      libraryFile: (p) => repository.libraryFile(p),
      project: async (p) => {
        const lora = await readRank1(p);
        return file.project(file.vectorOf(lora.pairs));
      },
    };
    const labeled = await resolveLabels(input.positive, input.negative, file.coefficients, file.m, context);
    const trained = trainDirection(labeled.set, input.method);
    const others = input.debias.map((name) => {
      const other = repository.findDirection(space.id, name);
      if (!other)
        throw new AtelierError(
          'NOT_FOUND',
          `Space “${space.name}” has no direction “${name}” to debias against.`,
        );
      return other.edit;
    });
    // The edit moves along the classifier's activation pattern (direction.ts), not its normal: with
    // m ≈ N the normal fits noise (min-norm least squares recovered a planted direction at cos 0.15),
    // while the pattern follows the labeled LoRAs' mean shift, and still raises the score.
    const edit = unit(debiasDirection(trained.pattern, others));
    const projections = new Float64Array(members.length);
    for (let i = 0; i < members.length; i++) {
      let sum = 0;
      for (let t = 0; t < file.m; t++) sum += file.coefficients[i * file.m + t]! * edit[t]!;
      projections[i] = sum;
    }
    if (existing) {
      this.directionsLoaded.delete(directionKey(space, existing));
      await unlink(this.deltaFile(space, existing)).catch(() => undefined);
    }
    const stored = repository.saveDirection(
      {
        spaceId: space.id,
        name: input.name,
        method: input.method,
        positive: input.positive,
        negative: input.negative,
        positiveCount: labeled.positiveCount,
        negativeCount: labeled.negativeCount,
        accuracy: Number.isFinite(trained.accuracy) ? trained.accuracy : null,
        folds: trained.folds,
        debias: input.debias,
        unit: standardDeviation(projections),
        weights: trained.weights,
        edit,
        bias: trained.bias,
        calibration: trained.calibration,
        projections,
        labels: labeled.memberLabels,
      },
      existing !== undefined,
    );
    // The parameter-space step is computed now (one pass over the components) so the first slider
    // move does not wait for it.
    await this.loadDirection(space, stored);
    return directionOf(stored);
  }

  private deltaFile(space: StoredSpace, direction: StoredDirection): string {
    return path.join(this.root, 'cache', `${directionKey(space, direction).replace(/[^\w-]/g, '_')}.f32`);
  }

  private loadDirection(space: StoredSpace, direction: StoredDirection): Promise<LoadedDirection> {
    const key = directionKey(space, direction);
    let loaded = this.directionsLoaded.get(key);
    if (!loaded) {
      loaded = this.computeDirection(space, direction);
      loaded.catch(() => this.directionsLoaded.delete(key));
      this.directionsLoaded.set(key, loaded);
    }
    return loaded;
  }

  private async computeDirection(space: StoredSpace, direction: StoredDirection): Promise<LoadedDirection> {
    const file = await this.openSpace(space);
    const cache = this.deltaFile(space, direction);
    let delta: Float32Array | null = null;
    try {
      const bytes = await readFile(cache);
      if (bytes.byteLength === file.dimension * 4) {
        delta = new Float32Array(file.dimension);
        new Uint8Array(delta.buffer).set(bytes);
      }
    } catch {
      delta = null;
    }
    if (!delta) {
      delta = file.toDelta(await file.combine(direction.edit));
      await mkdir(path.dirname(cache), { recursive: true });
      const temp = `${cache}.${process.pid}.tmp`;
      await writeFile(temp, new Uint8Array(delta.buffer));
      await rename(temp, cache);
    }
    return {
      id: direction.id,
      name: direction.name,
      edit: direction.edit,
      classifier: { weights: direction.weights, bias: direction.bias, calibration: direction.calibration },
      projections: direction.projections,
      unit: direction.unit,
      delta,
    };
  }

  private async strengthsOf(
    space: StoredSpace,
    input: { directions: readonly { direction: string; strength: number }[]; raw: boolean },
  ): Promise<Strength[]> {
    return Promise.all(
      input.directions.map(async ({ direction: name, strength }) => {
        const stored = this.options.repository.findDirection(space.id, name);
        if (!stored) {
          const names = this.options.repository.directions(space.id).map((d) => d.name);
          throw new AtelierError(
            'NOT_FOUND',
            `Space “${space.name}” has no direction “${name}”${names.length ? ` (it has ${names.join(', ')})` : ''}.`,
          );
        }
        return { direction: await this.loadDirection(space, stored), strength, raw: input.raw };
      }),
    );
  }

  async project(input: { space: string; x: string; y?: string | undefined }): Promise<W2wProjection> {
    const { repository } = this.options;
    const space = repository.getSpace(input.space);
    const file = await this.openSpace(space);
    const find = (name: string) => {
      const d = repository.findDirection(space.id, name);
      if (!d) throw new AtelierError('NOT_FOUND', `Space “${space.name}” has no direction “${name}”.`);
      return d;
    };
    const x = find(input.x);
    const y = input.y === undefined ? null : find(input.y);
    const members = repository.members(space.id);
    const pc1 = (i: number) => file.coefficients[i * file.m]!;
    const pc1Unit = file.singularValues[0]! / Math.sqrt(Math.max(1, members.length - 1));
    return {
      points: members.map((m, i) => ({
        index: m.position,
        name: m.name,
        x: x.projections[i]!,
        y: y ? y.projections[i]! : pc1(i),
        label: x.labels[i] === 1 ? 'positive' : x.labels[i] === -1 ? 'negative' : 'none',
      })),
      xUnit: x.unit,
      yUnit: y ? y.unit : pc1Unit,
      yLabel: y ? y.name : 'principal component 1',
    };
  }

  // ── Editing ──────────────────────────────────────────────────────────────────────────────────

  private async session(space: StoredSpace, loraPath: string): Promise<EditSession> {
    const resolved = path.resolve(loraPath);
    let info;
    try {
      info = await stat(resolved);
    } catch {
      throw new AtelierError('PATH_NOT_FOUND', `There is no LoRA file at ${resolved}.`);
    }
    const key = `${space.id}:${spaceKey(space)}:${resolved}:${info.size}:${info.mtimeMs}`;
    const found = this.sessions.find((s) => s.key === key);
    if (found) return found.session;
    const session = this.openSession(space, resolved);
    session.catch(() => (this.sessions = this.sessions.filter((s) => s.key !== key)));
    this.sessions = [{ key, session }, ...this.sessions].slice(0, SESSIONS_KEPT);
    return session;
  }

  private async openSession(space: StoredSpace, loraPath: string): Promise<EditSession> {
    const file = await this.openSpace(space);
    const source = await readRank1(loraPath);
    if (
      source.baseModel !== 'unknown' &&
      space.baseModel !== 'unknown' &&
      source.baseModel !== space.baseModel
    ) {
      throw new AtelierError(
        'INVALID_INPUT',
        `${path.basename(loraPath)} is a ${source.baseModel} LoRA; space “${space.name}” is ${space.baseModel}.`,
      );
    }
    const theta = file.vectorOf(source.pairs);
    const memberIndex = this.options.repository.members(space.id).findIndex((m) => m.path === loraPath);
    const coefficients =
      memberIndex >= 0
        ? file.coefficients.slice(memberIndex * file.m, (memberIndex + 1) * file.m)
        : await file.project(theta);
    let zNorm = 0;
    for (let p = 0; p < theta.length; p++) zNorm += ((theta[p]! - file.mean[p]!) / file.scale[p]!) ** 2;
    let captured = 0;
    for (const c of coefficients) captured += c * c;
    const error = zNorm > 0 ? Math.sqrt(Math.max(0, zNorm - captured) / zNorm) : 0;
    return new EditSession(file, source, theta, coefficients, error);
  }

  async preview(input: W2wPreviewInput): Promise<W2wPreview> {
    const space = this.options.repository.getSpace(input.space);
    const session = await this.session(space, input.lora);
    const strengths = await this.strengthsOf(space, input);
    let plot: [LoadedDirection | 'pc1', LoadedDirection | 'pc1'] | null = null;
    if (input.plot) {
      const axis = async (name: string): Promise<LoadedDirection | 'pc1'> => {
        if (name === '@pc1') return 'pc1';
        const [loaded] = await this.strengthsOf(space, {
          directions: [{ direction: name, strength: 0 }],
          raw: true,
        });
        return loaded!.direction;
      };
      plot = [await axis(input.plot[0]), await axis(input.plot[1])];
    }
    return session.preview(strengths, plot);
  }

  async edit(input: W2wEditInput): Promise<W2wExport> {
    const space = this.options.repository.getSpace(input.space);
    const session = await this.session(space, input.lora);
    const strengths = await this.strengthsOf(space, input);
    const theta = session.apply(strengths);
    const layout = session.space.header.layout;
    const inLayout = new Set(layout.modules.map((m) => m.key));
    const extra: ExportModule[] = session.source.modules
      .filter((m) => !inLayout.has(m.key) && session.source.pairs.has(m.key))
      .map((m) => ({
        key: m.key,
        out: m.outFeatures,
        in: m.inFeatures,
        kernel: m.kernel,
        pair: session.source.pairs.get(m.key)!,
      }));
    const modules = exportModules(layout, theta, extra);
    const stem = path.basename(input.lora).replace(/\.safetensors$/i, '');
    const applied = strengths.map((s) => ({
      direction: s.direction.name,
      strength: s.raw ? (s.direction.unit > 0 ? s.strength / s.direction.unit : 0) : s.strength,
      rawStrength: EditSession.rawOf(s),
    }));
    const parent = session.source.metadata;
    const exported = await exportLora(modules, this.placeOf(input, input.name ?? `${stem}-w2w`), {
      ...pick(parent, [
        'ss_base_model_version',
        'ss_sd_model_name',
        'ss_tag_frequency',
        'modelspec.architecture',
      ]),
      ss_output_name: input.name ?? `${stem}-w2w`,
      atelier_w2w: JSON.stringify({
        operation: 'edit',
        space: space.name,
        layers: space.layers,
        directions: applied,
        parent: { file: path.basename(input.lora), ...(await this.parentHashes(session)) },
      }),
    });
    this.options.repository.recordEdit({
      spaceId: space.id,
      sourceLoraFileId: this.options.repository.libraryFile(path.resolve(input.lora))?.id ?? null,
      strengths: applied,
      outputPath: exported.path,
    });
    return {
      ...exported,
      space: space.name,
      directions: applied,
      modules: modules.length,
      readouts: readoutsOf(strengths, session.editedCoefficients(strengths)),
    };
  }

  /** The edited LoRA's hashes for the export's record: from the library, else computed once per session. */
  private parentHashes(session: EditSession): Promise<{ sha256: string; tensorSha256: string | null }> {
    const known = this.options.repository.libraryFile(session.source.path);
    if (known?.sha256) return Promise.resolve({ sha256: known.sha256, tensorSha256: known.tensorHash });
    session.parentHashes ??= hashLoraFile(session.source.path).then((h) => ({
      sha256: h.sha256,
      tensorSha256: h.tensorSha256,
    }));
    return session.parentHashes;
  }

  async sample(input: W2wSampleInput): Promise<W2wExport> {
    const space = this.options.repository.getSpace(input.space);
    const file = await this.openSpace(space);
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    const c = fillGaussian(createRng(seed), new Float64Array(file.m));
    const n = Math.max(1, space.memberCount - 1);
    for (let t = 0; t < file.m; t++) c[t] = c[t]! * (file.singularValues[t]! / Math.sqrt(n)) * input.spread;
    const theta = file.toParameters(await file.combine(c));
    const modules = exportModules(file.header.layout, theta);
    const name = input.name ?? `${space.name}-sample`;
    const exported = await exportLora(modules, this.placeOf(input, name), {
      ss_base_model_version: space.baseModel === 'sdxl' ? 'sdxl_base_v1-0' : space.baseModel,
      ss_output_name: name,
      atelier_w2w: JSON.stringify({
        operation: 'sample',
        space: space.name,
        layers: space.layers,
        seed,
        spread: input.spread,
      }),
    });
    this.options.repository.recordEdit({
      spaceId: space.id,
      sourceLoraFileId: null,
      strengths: { seed },
      outputPath: exported.path,
    });
    return { ...exported, space: space.name, directions: [], modules: modules.length, readouts: [] };
  }

  /** `out`, `outDir`, or the first ComfyUI root's LoRA folder, in an `atelier` subfolder. */
  private placeOf(input: { out?: string | undefined; outDir?: string | undefined }, name: string) {
    if (input.out !== undefined) return { out: input.out, name };
    if (input.outDir !== undefined) return { dir: input.outDir, name };
    const comfy = this.options
      .folders()
      .find((f) => f.kind === 'comfyui' && f.comfyUi && f.comfyUi.loraFolders.length > 0);
    const folder = comfy?.comfyUi?.loraFolders[0];
    if (!folder || !existsSync(folder)) {
      throw new AtelierError(
        'NOT_FOUND',
        'No ComfyUI folder is set up to export into: add your ComfyUI folder in Settings, or choose a folder (--out-dir).',
      );
    }
    return { dir: path.join(folder, 'atelier'), name };
  }
}

function spaceKey(space: StoredSpace): string {
  return `${space.id}:${space.createdAt}`;
}

function directionKey(space: StoredSpace, direction: StoredDirection): string {
  return `${space.id}-${direction.id}-${direction.createdAt}`;
}

function summaryOf(space: StoredSpace): W2wSpaceSummary {
  return {
    id: space.id,
    name: space.name,
    baseModel: space.baseModel as W2wSpaceSummary['baseModel'],
    layers: space.layers as W2wSpaceSummary['layers'],
    standardize: space.standardize as W2wSpaceSummary['standardize'],
    memberCount: space.memberCount,
    components: space.components,
    dimension: space.dimension,
    moduleCount: space.moduleCount,
    explainedVariance: space.explainedVariance,
    fileBytes: space.fileBytes,
    directionCount: space.directionCount,
    createdAt: space.createdAt,
  };
}

function directionOf(d: StoredDirection): W2wDirection {
  return {
    id: d.id,
    name: d.name,
    method: d.method as W2wDirection['method'],
    positive: [...d.positive],
    negative: [...d.negative],
    positiveCount: d.positiveCount,
    negativeCount: d.negativeCount,
    accuracy: d.accuracy,
    folds: d.folds,
    debias: [...d.debias],
    unit: d.unit,
    createdAt: d.createdAt,
  };
}

function unit(x: Float64Array): Float64Array {
  let norm = 0;
  for (const v of x) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 0))
    throw new AtelierError(
      'INVALID_INPUT',
      'The learned direction is zero (after debiasing): nothing separates these labels.',
    );
  return x.map((v) => v / norm);
}

function standardDeviation(x: Float64Array): number {
  if (x.length < 2) return 1;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let sum = 0;
  for (const v of x) sum += (v - mean) ** 2;
  const sd = Math.sqrt(sum / (x.length - 1));
  return sd > 0 ? sd : 1;
}

function pick(source: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** Scratch matrices and temporary space files a build leaves when it is killed mid-way. */
const LEFTOVER_AGE_MS = 24 * 3600 * 1000;

/**
 * Removes what killed builds left behind. Only day-old files: another process (the CLI beside the
 * app) may be building right now, and its files are fresh.
 */
function removeLeftovers(root: string): void {
  const now = Date.now();
  for (const dir of [root, path.join(root, 'scratch')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const leftover = dir === root ? name.startsWith('.') && name.endsWith('.tmp') : name.endsWith('.f32');
      try {
        if (leftover && now - statSync(file).mtimeMs > LEFTOVER_AGE_MS) rmSync(file, { force: true });
      } catch {
        // Gone already, or not ours to remove: either way nothing to do.
      }
    }
  }
}
