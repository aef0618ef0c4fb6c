import { detectBaseModel, normalizeLora, type LoraModule, type SafetensorsHeader } from '../../lora';

/** Metadata worth keeping per file; the rest (notably `ss_tag_frequency`, often 100 KB) stays in the file. */
const KEPT_METADATA = [
  'modelspec.title',
  'modelspec.architecture',
  'modelspec.author',
  'modelspec.description',
  'ss_output_name',
  'ss_base_model_version',
  'ss_sd_model_name',
  'ss_network_module',
  'ss_network_dim',
  'ss_network_alpha',
  'ss_network_args',
  'ss_num_train_images',
  'ss_num_epochs',
  'ss_resolution',
  'ss_training_comment',
  'sshs_model_hash',
] as const;

const TRAINING_TAGS = 20;
/** Tag frequencies larger than this are not parsed during a scan; the header is already in memory, parsing is not free. */
const TAG_FREQUENCY_PARSE_LIMIT = 1024 * 1024;

export interface HeaderSummary {
  readonly format: string;
  /** Detected architecture: sdxl, sd15, sd2, sd3, flux or unknown. */
  readonly baseModel: string;
  /** What `header_json` holds: enough to show a file without opening it. */
  readonly header: Record<string, unknown>;
  /** `modelspec.title`, when the file names its model. */
  readonly title: string | null;
}

function rankOf(module: LoraModule): number | null {
  if (module.type === 'lora') return module.rank;
  const factor = module.tensors.hada_w1_b ?? module.tensors.lokr_w2_b ?? module.tensors.lokr_w1_b;
  return factor?.shape[0] ?? null;
}

function countBy<T>(values: Iterable<T>, keyOf: (value: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    const key = keyOf(value);
    if (key !== null) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The most frequent training tags across kohya's dataset folders (`ss_tag_frequency`). */
function trainingTags(raw: string | undefined): string[] {
  if (raw === undefined || raw.length > TAG_FREQUENCY_PARSE_LIMIT) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const totals = new Map<string, number>();
  for (const folder of Object.values(parsed as Record<string, unknown>)) {
    if (typeof folder !== 'object' || folder === null) continue;
    for (const [tag, count] of Object.entries(folder as Record<string, unknown>)) {
      const name = tag.trim();
      if (name !== '' && typeof count === 'number') totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TRAINING_TAGS)
    .map(([tag]) => tag);
}

/**
 * Normalizes a parsed header (module names only; no weights, no alpha values) into what the library
 * shows. Throws NOT_A_LORA for checkpoints, embeddings and files without LoRA modules.
 */
export function summarizeHeader(header: SafetensorsHeader, filePath: string): HeaderSummary {
  const parsed = normalizeLora({ tensors: header.tensors, metadata: header.metadata, path: filePath });
  const base = detectBaseModel(parsed.modules, parsed.metadata);
  const ranks = Object.entries(countBy(parsed.modules, (m) => String(rankOf(m) ?? '')))
    .filter(([rank]) => rank !== '')
    .map(([rank, modules]) => ({ rank: Number(rank), modules }))
    .sort((a, b) => b.modules - a.modules || a.rank - b.rank);
  const metadata: Record<string, string> = {};
  for (const key of KEPT_METADATA) {
    const value = header.metadata[key];
    if (value !== undefined) metadata[key] = value;
  }
  const title = header.metadata['modelspec.title']?.trim() || null;
  return {
    format: parsed.format,
    baseModel: base.baseModel,
    title,
    header: {
      format: parsed.format,
      base: { model: base.baseModel, confidence: base.confidence, variant: base.variant },
      tensorCount: header.tensors.size,
      dataBytes: header.dataLength,
      dtypes: countBy(header.tensors.values(), (t) => t.dtype),
      moduleCount: parsed.modules.length,
      countsByTarget: countBy(parsed.modules, (m) => m.target),
      ranks,
      doraModules: parsed.doraModules,
      problems: parsed.problems.slice(0, 10).map((p) => p.message),
      problemCount: parsed.problems.length,
      unmatchedKeyCount: parsed.unmatchedKeys.length,
      trainingTags: trainingTags(header.metadata.ss_tag_frequency),
      hasCover: header.metadata.ssmd_cover_images !== undefined,
      metadata,
    },
  };
}
