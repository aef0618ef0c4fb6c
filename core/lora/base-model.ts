import type { BaseModel, LoraModule } from './lora.types';

export type Confidence = 'high' | 'medium' | 'low';

export interface BaseModelDetection {
  readonly baseModel: BaseModel;
  readonly confidence: Confidence;
  /** Human-readable reasons, strongest first. */
  readonly evidence: string[];
  /** A fine-tune family named in the metadata (Pony, Illustrious, NoobAI…); same architecture as `baseModel`. */
  readonly variant: string | null;
}

interface Vote {
  readonly model: BaseModel;
  readonly strong: boolean;
  readonly evidence: string;
}

/** Name patterns the vote looks for, one bit each. */
const KEY_PATTERNS: readonly RegExp[] = [
  /(double_blocks|single_blocks|single_transformer_blocks)_\d+/,
  /joint_blocks_\d+/,
  /^lora_transformer_transformer_blocks_\d+_attn_add_q_proj/,
  /single_transformer_blocks/,
  /^lora_unet_(input_blocks_[78]_1|output_blocks_[0-2]_1|middle_block_1)_transformer_blocks_[1-9]/,
  /^lora_unet_(down_blocks_0_attentions|down_blocks_3|up_blocks_3)_/,
];
const [FLUX, JOINT, SD3_ADD_Q, SINGLE, SDXL_STACKS, SD15_LAYOUT] = KEY_PATTERNS.map((_, bit) => 1 << bit) as [
  number,
  number,
  number,
  number,
  number,
  number,
];

/**
 * Which patterns a module key matches, cached per key: a library scan asks about the same SDXL keys
 * in every file. Bounded: past the limit it starts over.
 */
const keyFlagCache = new Map<string, number>();
function keyFlags(key: string): number {
  let flags = keyFlagCache.get(key);
  if (flags === undefined) {
    flags = 0;
    for (let bit = 0; bit < KEY_PATTERNS.length; bit++) if (KEY_PATTERNS[bit]!.test(key)) flags |= 1 << bit;
    if (keyFlagCache.size >= 1 << 16) keyFlagCache.clear();
    keyFlagCache.set(key, flags);
  }
  return flags;
}

/** What the structural vote reads of a module; `LoraModule` has it all. */
export type ModuleEvidence = Pick<LoraModule, 'key' | 'target' | 'kind' | 'inFeatures'>;

function structureVotes(modules: readonly ModuleEvidence[]): Vote[] {
  const votes: Vote[] = [];
  let seen = 0;
  for (const m of modules) seen |= keyFlags(m.key);
  const some = (flag: number) => (seen & flag) !== 0;

  if (some(FLUX)) {
    votes.push({ model: 'flux', strong: true, evidence: 'Flux double/single transformer blocks' });
  }
  if (some(JOINT) || (some(SD3_ADD_Q) && !some(SINGLE))) {
    votes.push({ model: 'sd3', strong: true, evidence: 'SD3 joint transformer blocks' });
  }
  if (modules.some((m) => m.target === 'te2')) {
    votes.push({ model: 'sdxl', strong: true, evidence: 'second text encoder (te2) present' });
  }
  if (some(SDXL_STACKS)) {
    votes.push({
      model: 'sdxl',
      strong: true,
      evidence: 'UNet stacks with up to 10 transformer blocks (SDXL layout)',
    });
  }
  if (some(SD15_LAYOUT)) {
    votes.push({
      model: 'sd15',
      strong: false,
      evidence: 'four-level UNet with attention at the top level (SD1.x/2.x layout)',
    });
  }

  const crossWidths = new Set(
    modules.filter((m) => m.kind === 'attn2_k' || m.kind === 'attn2_v').map((m) => m.inFeatures),
  );
  const byWidth: Readonly<Record<number, BaseModel>> = { 2048: 'sdxl', 768: 'sd15', 1024: 'sd2' };
  for (const width of crossWidths) {
    const model = byWidth[width];
    if (model !== undefined)
      votes.push({ model, strong: true, evidence: `cross-attention input width ${width}` });
  }

  const te = modules.filter((m) => m.target === 'te' && m.kind === 'te_attn_q').map((m) => m.inFeatures);
  if (te.includes(1024))
    votes.push({ model: 'sd2', strong: true, evidence: 'text encoder width 1024 (OpenCLIP ViT-H)' });
  else if (te.includes(768) && !modules.some((m) => m.target === 'te2')) {
    votes.push({ model: 'sd15', strong: false, evidence: 'single text encoder of width 768 (CLIP ViT-L)' });
  }
  return votes;
}

const BASE_VERSION: readonly [RegExp, BaseModel][] = [
  [/^sdxl/i, 'sdxl'],
  [/^sd_v1/i, 'sd15'],
  [/^sd_v2/i, 'sd2'],
  [/^sd3/i, 'sd3'],
  [/^flux/i, 'flux'],
];

const ARCHITECTURE: readonly [RegExp, BaseModel][] = [
  [/^stable-diffusion-xl/i, 'sdxl'],
  [/^stable-diffusion-v1/i, 'sd15'],
  [/^stable-diffusion-v2/i, 'sd2'],
  [/^stable-diffusion-3/i, 'sd3'],
  [/^flux/i, 'flux'],
];

function metadataVotes(metadata: Readonly<Record<string, string>>): Vote[] {
  const votes: Vote[] = [];
  const version = metadata.ss_base_model_version;
  const versionModel =
    version === undefined ? undefined : BASE_VERSION.find(([pattern]) => pattern.test(version))?.[1];
  if (versionModel !== undefined)
    votes.push({ model: versionModel, strong: false, evidence: `ss_base_model_version = ${version}` });
  const architecture = metadata['modelspec.architecture'];
  const archModel =
    architecture === undefined
      ? undefined
      : ARCHITECTURE.find(([pattern]) => pattern.test(architecture))?.[1];
  if (archModel !== undefined)
    votes.push({ model: archModel, strong: false, evidence: `modelspec.architecture = ${architecture}` });
  return votes;
}

const VARIANTS: readonly [RegExp, string][] = [
  [/pony/i, 'Pony'],
  [/illustrious/i, 'Illustrious'],
  [/noob/i, 'NoobAI'],
  [/animagine/i, 'Animagine'],
];

/** Metadata fields where trainers name the checkpoint a LoRA was trained on. */
const VARIANT_FIELDS = [
  'ss_sd_model_name',
  'ss_base_model',
  'modelspec.base_model',
  'ss_base_model_version',
  'modelspec.title',
];

function variantOf(
  metadata: Readonly<Record<string, string>>,
): { variant: string; field: string; value: string } | null {
  for (const field of VARIANT_FIELDS) {
    const value = metadata[field];
    if (value === undefined) continue;
    const hit = VARIANTS.find(([pattern]) => pattern.test(value));
    if (hit !== undefined) return { variant: hit[1], field, value };
  }
  return null;
}

/**
 * Structural votes by module list: a library scan hands the same (read-only) list for every file
 * that lists the same tensors, and the votes depend on the list alone.
 */
const votesByModules = new WeakMap<readonly ModuleEvidence[], Vote[]>();

/**
 * Which base model a LoRA was trained for. Module names and shapes decide; metadata confirms or
 * breaks ties, because metadata is copied between files and is sometimes wrong.
 */
export function detectBaseModel(
  modules: readonly ModuleEvidence[],
  metadata: Readonly<Record<string, string>>,
): BaseModelDetection {
  let structural = votesByModules.get(modules);
  if (structural === undefined) votesByModules.set(modules, (structural = structureVotes(modules)));
  const declared = metadataVotes(metadata);
  const variant = variantOf(metadata);
  const evidence: string[] = [];

  const tally = new Map<BaseModel, number>();
  for (const vote of structural) tally.set(vote.model, (tally.get(vote.model) ?? 0) + (vote.strong ? 3 : 1));
  let baseModel: BaseModel = 'unknown';
  let best = 0;
  for (const [model, score] of tally) {
    if (score > best) {
      best = score;
      baseModel = model;
    }
  }
  const structureStrong = structural.some((vote) => vote.strong && vote.model === baseModel);
  evidence.push(...structural.filter((vote) => vote.model === baseModel).map((vote) => vote.evidence));

  let confidence: Confidence;
  const agreeing = declared.filter((vote) => vote.model === baseModel);
  const conflicting = declared.filter((vote) => vote.model !== baseModel);
  if (baseModel === 'unknown') {
    const declaredModel = declared[0]?.model;
    if (declaredModel !== undefined && declared.every((vote) => vote.model === declaredModel)) {
      baseModel = declaredModel;
      confidence = 'medium';
      evidence.push(
        ...declared.map((vote) => vote.evidence),
        'module layout does not identify the model; going by metadata',
      );
    } else {
      confidence = 'low';
      evidence.push(...declared.map((vote) => `${vote.evidence} (conflicting)`));
    }
  } else {
    evidence.push(...agreeing.map((vote) => vote.evidence));
    evidence.push(
      ...conflicting.map((vote) => `${vote.evidence} contradicts the module layout; the layout wins`),
    );
    if (structureStrong && conflicting.length === 0) confidence = 'high';
    else if (structureStrong || agreeing.length > 0) confidence = 'medium';
    else confidence = 'low';
  }
  if (variant !== null) evidence.push(`${variant.field} mentions ${variant.variant} (“${variant.value}”)`);
  const variantFits = variant !== null && (baseModel === 'sdxl' || baseModel === 'unknown');
  return { baseModel, confidence, evidence, variant: variantFits ? variant.variant : null };
}
