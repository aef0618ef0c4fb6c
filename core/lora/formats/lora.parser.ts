import { isFloatDtype } from '../dtype';
import { notALora } from '../errors';
import type { LoraFormat, LoraModule, ModuleTarget } from '../lora.types';
import type { TensorInfo } from '../safetensors.header';
import type { SafetensorsReader } from '../safetensors.reader';
import { memoizeByName } from './key-memo';
import { type KeyNaming, type KeyParts, parseLoraKey } from './lora-keys';
import { type AlphaLookup, buildModule, type ModuleGroup } from './module-builder';
import { canonicalKey, classifyModule } from './module-kind';
import type { LoraProblem, ParsedLora } from './parsed-lora.types';
import { diffusersPathsLookSdxl, sdxlDiffusersToLdm } from './sdxl-unet.keymap';

export interface LoraTensorSource {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly path?: string;
}

/** Prefixes of full checkpoints (ldm/sgm layout) that a LoRA never has. */
const CHECKPOINT_PREFIXES = [
  'model.diffusion_model.',
  'first_stage_model.',
  'conditioner.',
  'cond_stage_model.',
  'model_ema.',
];

/** Textual-inversion embeddings: SDXL's `clip_l`/`clip_g` pair, or A1111's `emb_params`/`string_to_param`. */
const EMBEDDING_KEY = /^(clip_l|clip_g|emb_params|string_to_param(\..*)?|string_to_token(\..*)?|name|step)$/;

function isCheckpointKey(name: string): boolean {
  return CHECKPOINT_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** `unmatched` are the names `parseLoraKey` refused; no checkpoint prefix is a LoRA spelling, so only they can count. */
function refuseNonLoras(source: LoraTensorSource, unmatched: readonly string[], parsedCount: number): void {
  let checkpointKeys = 0;
  for (const name of unmatched) if (isCheckpointKey(name)) checkpointKeys++;
  if (checkpointKeys > 0 && checkpointKeys >= parsedCount) {
    throw notALora('checkpoint', source.path, { checkpointKeys });
  }
  if (parsedCount === 0 && source.tensors.size > 0 && unmatched.every((name) => EMBEDDING_KEY.test(name))) {
    throw notALora('textual_inversion', source.path);
  }
}

function metadataSaysSdxl(metadata: Readonly<Record<string, string>>): boolean {
  const base = metadata.ss_base_model_version ?? '';
  const architecture = metadata['modelspec.architecture'] ?? '';
  return base.startsWith('sdxl') || architecture.startsWith('stable-diffusion-xl');
}

/**
 * All that `normalizeLora` reads of a file's metadata: two files that list the same tensors and give
 * the same key here normalize to the same modules (callers may reuse one result for both).
 */
export function normalizationKey(metadata: Readonly<Record<string, string>>): string {
  return metadataSaysSdxl(metadata) ? 'sdxl' : '';
}

/**
 * SDXL decides both the diffusers → ldm renaming and whether diffusers' `text_encoder` is te1 or te.
 * Structure first (te2, block layout, 2048-wide cross-attention), metadata as a tie-breaker.
 */
function isSdxl(parts: readonly KeyParts[], source: LoraTensorSource): boolean {
  if (parts.some((p) => p.network === 'te2')) return true;
  const unetPaths = parts.filter((p) => p.network === 'unet').map((p) => p.path);
  const byLayout = diffusersPathsLookSdxl(unetPaths);
  if (byLayout !== null) return byLayout;
  // kohya names UNet layers by ldm paths only for SDXL; SD1.x/2.x LoRAs use diffusers paths.
  if (unetPaths.some((p) => /^(input_blocks|middle_block|output_blocks)_\d+_1_transformer_blocks_/.test(p)))
    return true;
  const crossAttention2048 = parts.some((p) => {
    if (p.role !== 'down' || !/attn2_to_k$/.test(p.path)) return false;
    return source.tensors.get(p.name)?.shape[1] === 2048;
  });
  return crossAttention2048 || metadataSaysSdxl(source.metadata);
}

interface Canonical {
  readonly key: string;
  readonly target: ModuleTarget;
}

function canonicalizeUncached(parts: KeyParts, sdxl: boolean): Canonical {
  switch (parts.network) {
    case 'unet': {
      const path = sdxl ? (sdxlDiffusersToLdm(parts.path) ?? parts.path) : parts.path;
      return { key: canonicalKey('unet', path), target: 'unet' };
    }
    case 'text_encoder': {
      const target = sdxl ? 'te1' : 'te';
      return { key: canonicalKey(target, parts.path), target };
    }
    case 'te':
    case 'te1':
    case 'te2':
    case 'transformer':
      return { key: canonicalKey(parts.network, parts.path), target: parts.network };
  }
}

/** What a tensor name says, worked out once per name: its parts, and its module with and without the SDXL renaming. */
interface NameInfo {
  readonly parts: KeyParts | null;
  sdxl: Canonical | undefined;
  other: Canonical | undefined;
}

const nameInfo = memoizeByName((name): NameInfo => ({
  parts: parseLoraKey(name),
  sdxl: undefined,
  other: undefined,
}));

function canonicalOf(info: NameInfo, sdxl: boolean): Canonical {
  if (sdxl) return (info.sdxl ??= canonicalizeUncached(info.parts!, true));
  return (info.other ??= canonicalizeUncached(info.parts!, false));
}

function canonicalize(parts: KeyParts, sdxl: boolean): Canonical {
  return canonicalOf(nameInfo(parts.name), sdxl);
}

function formatOf(modules: readonly LoraModule[], namings: ReadonlySet<KeyNaming>): LoraFormat {
  if (modules.length === 0) return 'unknown';
  const types = new Set(modules.map((module) => module.type));
  if (types.size > 1) return 'mixed';
  if (types.has('loha')) return 'loha';
  if (types.has('lokr')) return 'lokr';
  if (namings.size > 1) return 'mixed';
  return namings.has('peft') ? 'peft' : 'kohya';
}

/**
 * Normalizes any supported LoRA layout (kohya, PEFT/diffusers, LyCORIS LoHa/LoKr, DoRA) into
 * canonical kohya-keyed modules. Synchronous and header-only: alpha values come from `alphaOf`;
 * without it (a folder scan) every alpha is reported as null.
 * Throws NOT_A_LORA for checkpoints, embeddings, and files with nothing LoRA-like in them.
 */
export function normalizeLora(source: LoraTensorSource, alphaOf: AlphaLookup = () => undefined): ParsedLora {
  return normalizePlainLora(source, alphaOf) ?? normalizeAnyLora(source, alphaOf);
}

/** One plain low-rank module while it is being collected. */
interface PlainSlot {
  readonly key: string;
  readonly target: ModuleTarget;
  down: TensorInfo | undefined;
  up: TensorInfo | undefined;
  alpha: TensorInfo | undefined;
}

function isPointwise(shape: readonly number[]): boolean {
  return shape.length === 2 || (shape.length === 4 && shape[2] === 1 && shape[3] === 1);
}

/**
 * The common case in one pass and without per-module maps: every tensor a down, up or alpha of a
 * complete, well-shaped low-rank module, in kohya or PEFT spelling. It gives exactly what the general
 * road gives for such a file, and null (take the general road) at the first thing it does not cover:
 * unmatched names, DoRA, LyCORIS, duplicates, missing factors, shape problems, bad alphas.
 */
export function normalizePlainLora(source: LoraTensorSource, alphaOf: AlphaLookup): ParsedLora | null {
  const count = source.tensors.size;
  if (count === 0) return null;
  const parts: KeyParts[] = new Array<KeyParts>(count);
  const names: NameInfo[] = new Array<NameInfo>(count);
  const infos: TensorInfo[] = new Array<TensorInfo>(count);
  let i = 0;
  for (const [name, info] of source.tensors) {
    const known = nameInfo(name);
    const part = known.parts;
    if (part === null || (part.role !== 'down' && part.role !== 'up' && part.role !== 'alpha')) return null;
    parts[i] = part;
    names[i] = known;
    infos[i++] = info;
  }
  const sdxl = isSdxl(parts, source);
  const slots = new Map<string, PlainSlot>();
  const namings = new Set<KeyNaming>();
  for (let j = 0; j < count; j++) {
    const part = parts[j]!;
    const { key, target } = canonicalOf(names[j]!, sdxl);
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = { key, target, down: undefined, up: undefined, alpha: undefined };
      slots.set(key, slot);
    }
    if (slot[part.role as 'down' | 'up' | 'alpha'] !== undefined) return null;
    slot[part.role as 'down' | 'up' | 'alpha'] = infos[j];
    namings.add(part.naming);
  }
  const modules: LoraModule[] = [];
  for (const { key, target, down, up, alpha: alphaInfo } of slots.values()) {
    if (down === undefined || up === undefined) return null;
    if (!isFloatDtype(down.dtype) || !isFloatDtype(up.dtype)) return null;
    const downShape = down.shape;
    const upShape = up.shape;
    if ((downShape.length !== 2 && downShape.length !== 4) || !isPointwise(upShape)) return null;
    const rank = downShape[0]!;
    if (rank === 0 || upShape[1] !== rank) return null;
    let alpha: number | null = null;
    if (alphaInfo !== undefined) {
      let size = 1;
      for (const n of alphaInfo.shape) size *= n;
      if (size !== 1) return null;
      const value = alphaOf(alphaInfo.name);
      if (value !== undefined) {
        if (!Number.isFinite(value)) return null;
        alpha = value;
      }
    }
    const kernel = downShape.length === 4 ? ([downShape[2]!, downShape[3]!] as const) : null;
    let inFeatures = 1;
    for (let d = 1; d < downShape.length; d++) inFeatures *= downShape[d]!;
    // Same fields in the same order as buildModule's, so both roads serialize alike.
    modules.push({
      key,
      target,
      kind: classifyModule(key, kernel),
      type: 'lora',
      up: { name: up.name, dtype: up.dtype, shape: upShape },
      down: { name: down.name, dtype: down.dtype, shape: downShape },
      alpha,
      rank,
      outFeatures: upShape[0]!,
      inFeatures,
      kernel,
      doraScale: null,
    });
  }
  return {
    format: formatOf(modules, namings),
    modules,
    unmatchedKeys: [],
    problems: [],
    metadata: source.metadata,
    doraModules: 0,
  };
}

/** Any layout, any defect: groups roles per module and lets `buildModule` judge each. */
export function normalizeAnyLora(source: LoraTensorSource, alphaOf: AlphaLookup): ParsedLora {
  const unmatchedKeys: string[] = [];
  const parts: KeyParts[] = [];
  for (const name of source.tensors.keys()) {
    const parsed = parseLoraKey(name);
    if (parsed === null) unmatchedKeys.push(name);
    else parts.push(parsed);
  }
  refuseNonLoras(source, unmatchedKeys, parts.length);

  const sdxl = isSdxl(parts, source);
  const groups = new Map<string, ModuleGroup & { namings: Set<KeyNaming>; names: string[] }>();
  const problems: LoraProblem[] = [];
  for (const part of parts) {
    const { key, target } = canonicalize(part, sdxl);
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, target, tensors: new Map(), namings: new Set(), names: [] };
      groups.set(key, group);
    }
    if (group.tensors.has(part.role)) {
      problems.push({
        module: key,
        kind: 'duplicate_module',
        message: `${key}: “${part.name}” repeats the ${part.role} of “${group.tensors.get(part.role)?.name}”`,
      });
      unmatchedKeys.push(part.name);
      continue;
    }
    group.tensors.set(part.role, source.tensors.get(part.name)!);
    group.namings.add(part.naming);
    group.names.push(part.name);
  }

  const modules: LoraModule[] = [];
  const namings = new Set<KeyNaming>();
  for (const group of groups.values()) {
    const result = buildModule(group, alphaOf);
    if ('module' in result) {
      modules.push(result.module);
      for (const naming of group.namings) namings.add(naming);
    } else if ('problem' in result) {
      problems.push(result.problem);
    } else {
      unmatchedKeys.push(...group.names);
    }
  }
  if (modules.length === 0 && problems.length === 0) {
    throw notALora('no_lora_modules', source.path, { unmatchedKeys: unmatchedKeys.slice(0, 20) });
  }
  const doraModules = modules.filter((m) =>
    m.type === 'lora' ? m.doraScale !== null : 'dora' in m.tensors,
  ).length;
  return {
    format: formatOf(modules, namings),
    modules,
    unmatchedKeys,
    problems,
    metadata: source.metadata,
    doraModules,
  };
}

/** Reads at most this many alpha scalars at once; each is a tiny positional read. */
const ALPHA_READ_CONCURRENCY = 16;

/** Normalizes an open file, reading its alpha scalars (a few bytes each) but no weights. */
export async function parseLora(reader: SafetensorsReader): Promise<ParsedLora> {
  const alphaNames = [...reader.tensors.values()]
    .filter(
      (info) => parseLoraKey(info.name)?.role === 'alpha' && info.shape.reduce((a, b) => a * b, 1) === 1,
    )
    .map((info) => info.name);
  const alphas = new Map<string, number>();
  for (let i = 0; i < alphaNames.length; i += ALPHA_READ_CONCURRENCY) {
    const batch = alphaNames.slice(i, i + ALPHA_READ_CONCURRENCY);
    const values = await Promise.all(batch.map((name) => reader.readScalar(name).catch(() => Number.NaN)));
    batch.forEach((name, j) => alphas.set(name, values[j]!));
  }
  return normalizeLora({ tensors: reader.tensors, metadata: reader.metadata, path: reader.path }, (name) =>
    alphas.get(name),
  );
}
