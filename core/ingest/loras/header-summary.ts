import {
  detectBaseModel,
  type LoraModule,
  normalizationKey,
  normalizeLora,
  type SafetensorsHeader,
  type TensorInfo,
} from '../../lora';

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

/** `a.localeCompare(b)` without its per-call collator lookup: the same default-locale collation. */
const collator = new Intl.Collator();

/** Sort order of training tags: most frequent first, then by name. */
function tagOrder(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || collator.compare(a[0], b[0]);
}

/**
 * The first `limit` entries as a stable sort by `order` would give them, keeping only those: a big
 * dataset has thousands of tags, and almost every one loses to the current last place in one comparison.
 */
function topEntries<T>(entries: Iterable<T>, limit: number, order: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  for (const entry of entries) {
    if (top.length === limit && order(entry, top[limit - 1]!) >= 0) continue;
    // After every entry it ties with, as a stable sort leaves it.
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(entry, top[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, entry);
    if (top.length > limit) top.pop();
  }
  return top;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** All digits: such keys come first in a parsed object's key order, which this reader does not copy. */
function isIndexLike(key: string): boolean {
  return key.length > 0 && /^\d+$/.test(key);
}

/**
 * Tag totals read straight from `{"folder": {"tag": count, …}, …}` text, without building the
 * objects (a big dataset has thousands of tags). Null when the text is anything else, even valid
 * JSON (fractional counts, nested values, repeated or numeric keys…): `trainingTags` then parses it.
 */
function tagTotalsFast(raw: string): Map<string, number> | null {
  const end = raw.length;
  let p = 0;
  const space = () => {
    while (p < end && isJsonSpace(raw.charCodeAt(p))) p++;
    return p < end ? raw.charCodeAt(p) : -1;
  };
  const string = (): string | null => {
    if (space() !== QUOTE) return null;
    const start = ++p;
    let escaped = false;
    for (; p < end; p++) {
      const c = raw.charCodeAt(p);
      if (c === QUOTE) break;
      if (c < 0x20) return null;
      if (c === BACKSLASH) {
        escaped = true;
        p++;
      }
    }
    if (p >= end) return null;
    p++;
    if (!escaped) return raw.slice(start, p - 1);
    try {
      return JSON.parse(raw.slice(start - 1, p)) as string;
    } catch {
      return null;
    }
  };
  const integer = (): number => {
    space();
    const start = p;
    let value = 0;
    while (p < end) {
      const c = raw.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      p++;
    }
    const digits = p - start;
    if (digits === 0 || digits > 15 || (digits > 1 && raw.charCodeAt(start) === 0x30)) return -1;
    return value;
  };
  /** `{` … `}` of `key: value` pairs, `value` reading one value; false when anything is off. */
  const object = (value: (key: string) => boolean): boolean => {
    if (space() !== 0x7b) return false;
    p++;
    if (space() === 0x7d) {
      p++;
      return true;
    }
    for (;;) {
      const key = string();
      if (key === null || isIndexLike(key) || space() !== 0x3a) return false;
      p++;
      if (!value(key)) return false;
      const c = space();
      p++;
      if (c === 0x7d) return true;
      if (c !== 0x2c) return false;
    }
  };
  const totals = new Map<string, number>();
  const folders = new Set<string>();
  const ok = object((folder) => {
    if (folders.has(folder)) return false;
    folders.add(folder);
    const seen = new Set<string>();
    return object((tag) => {
      const count = integer();
      if (count < 0 || seen.has(tag)) return false;
      seen.add(tag);
      const name = tag.trim();
      if (name !== '') totals.set(name, (totals.get(name) ?? 0) + count);
      return true;
    });
  });
  return ok && space() === -1 ? totals : null;
}

/** The most frequent training tags across kohya's dataset folders (`ss_tag_frequency`). */
function trainingTags(raw: string | undefined): string[] {
  if (raw === undefined || raw.length > TAG_FREQUENCY_PARSE_LIMIT) return [];
  const fast = tagTotalsFast(raw);
  if (fast !== null) return topEntries(fast.entries(), TRAINING_TAGS, tagOrder).map(([tag]) => tag);
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
  return topEntries(totals.entries(), TRAINING_TAGS, tagOrder).map(([tag]) => tag);
}

/** What a header's tensor list alone decides, shared by the files that list the same tensors. */
interface LayoutSummary {
  readonly format: string;
  readonly modules: readonly LoraModule[];
  readonly fields: {
    readonly tensorCount: number;
    readonly dtypes: Record<string, number>;
    readonly moduleCount: number;
    readonly countsByTarget: Record<string, number>;
    readonly ranks: { rank: number; modules: number }[];
    readonly doraModules: number;
    readonly problems: string[];
    readonly problemCount: number;
    readonly unmatchedKeyCount: number;
  };
}

function layoutSummary(header: SafetensorsHeader, filePath: string): LayoutSummary {
  const parsed = normalizeLora({ tensors: header.tensors, metadata: header.metadata, path: filePath });
  const byRank: Record<string, number> = {};
  const countsByTarget: Record<string, number> = {};
  for (const module of parsed.modules) {
    countsByTarget[module.target] = (countsByTarget[module.target] ?? 0) + 1;
    const rank = rankOf(module);
    if (rank !== null) byRank[rank] = (byRank[rank] ?? 0) + 1;
  }
  const ranks = Object.entries(byRank)
    .map(([rank, modules]) => ({ rank: Number(rank), modules }))
    .sort((a, b) => b.modules - a.modules || a.rank - b.rank);
  const dtypes: Record<string, number> = {};
  for (const tensor of header.tensors.values()) dtypes[tensor.dtype] = (dtypes[tensor.dtype] ?? 0) + 1;
  return {
    format: parsed.format,
    modules: parsed.modules,
    fields: {
      tensorCount: header.tensors.size,
      dtypes,
      moduleCount: parsed.modules.length,
      countsByTarget,
      ranks,
      doraModules: parsed.doraModules,
      problems: parsed.problems.slice(0, 10).map((p) => p.message),
      problemCount: parsed.problems.length,
      unmatchedKeyCount: parsed.unmatchedKeys.length,
    },
  };
}

/**
 * Layout summaries by tensor table. The header parser hands out one table object for every header
 * that lists the same tensors byte for byte (see core/lora's layout memo), so a library of one
 * trainer's LoRAs normalizes its modules once; weak, so tables the parser forgets go with their entries.
 */
const layouts = new WeakMap<ReadonlyMap<string, TensorInfo>, Map<string, LayoutSummary>>();

function layoutOf(header: SafetensorsHeader, filePath: string): LayoutSummary {
  // Normalization reads the metadata through one key: a table can normalize two ways.
  const key = normalizationKey(header.metadata);
  let byKey = layouts.get(header.tensors);
  let layout = byKey?.get(key);
  if (layout === undefined) {
    // A file that is not a LoRA throws here, every time: failures are not kept.
    layout = layoutSummary(header, filePath);
    if (byKey === undefined) layouts.set(header.tensors, (byKey = new Map<string, LayoutSummary>()));
    byKey.set(key, layout);
  }
  return layout;
}

/**
 * Normalizes a parsed header (module names only; no weights, no alpha values) into what the library
 * shows. Throws NOT_A_LORA for checkpoints, embeddings and files without LoRA modules.
 */
export function summarizeHeader(header: SafetensorsHeader, filePath: string): HeaderSummary {
  const layout = layoutOf(header, filePath);
  const base = detectBaseModel(layout.modules, header.metadata);
  const metadata: Record<string, string> = {};
  for (const key of KEPT_METADATA) {
    const value = header.metadata[key];
    if (value !== undefined) metadata[key] = value;
  }
  const title = header.metadata['modelspec.title']?.trim() || null;
  const { fields } = layout;
  return {
    format: layout.format,
    baseModel: base.baseModel,
    title,
    header: {
      format: layout.format,
      base: { model: base.baseModel, confidence: base.confidence, variant: base.variant },
      tensorCount: fields.tensorCount,
      dataBytes: header.dataLength,
      dtypes: fields.dtypes,
      moduleCount: fields.moduleCount,
      countsByTarget: fields.countsByTarget,
      ranks: fields.ranks,
      doraModules: fields.doraModules,
      problems: fields.problems,
      problemCount: fields.problemCount,
      unmatchedKeyCount: fields.unmatchedKeyCount,
      trainingTags: trainingTags(header.metadata.ss_tag_frequency),
      hasCover: header.metadata.ssmd_cover_images !== undefined,
      metadata,
    },
  };
}
