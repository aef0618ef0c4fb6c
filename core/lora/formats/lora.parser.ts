import { notALora } from '../errors';
import type { LoraFormat, LoraModule, ModuleTarget } from '../lora.types';
import type { TensorInfo } from '../safetensors.header';
import type { SafetensorsReader } from '../safetensors.reader';
import { type KeyNaming, type KeyParts, parseLoraKey } from './lora-keys';
import { type AlphaLookup, buildModule, type ModuleGroup } from './module-builder';
import { canonicalKey } from './module-kind';
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

function refuseNonLoras(source: LoraTensorSource, parsedCount: number): void {
  const names = [...source.tensors.keys()];
  const checkpointKeys = names.filter((name) =>
    CHECKPOINT_PREFIXES.some((prefix) => name.startsWith(prefix)),
  ).length;
  if (checkpointKeys > 0 && checkpointKeys >= parsedCount) {
    throw notALora('checkpoint', source.path, { checkpointKeys });
  }
  if (parsedCount === 0 && names.length > 0 && names.every((name) => EMBEDDING_KEY.test(name))) {
    throw notALora('textual_inversion', source.path);
  }
}

function metadataSaysSdxl(metadata: Readonly<Record<string, string>>): boolean {
  const base = metadata.ss_base_model_version ?? '';
  const architecture = metadata['modelspec.architecture'] ?? '';
  return base.startsWith('sdxl') || architecture.startsWith('stable-diffusion-xl');
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

function canonicalize(parts: KeyParts, sdxl: boolean): { key: string; target: ModuleTarget } {
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
  const unmatchedKeys: string[] = [];
  const parts: KeyParts[] = [];
  for (const name of source.tensors.keys()) {
    const parsed = parseLoraKey(name);
    if (parsed === null) unmatchedKeys.push(name);
    else parts.push(parsed);
  }
  refuseNonLoras(source, parts.length);

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
