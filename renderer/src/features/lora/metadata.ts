/** One row of a metadata table: a friendly label, a readable value, and the raw text when it was shortened. */
export interface MetadataRow {
  key: string;
  label: string;
  value: string;
  /** The full raw value, when `value` is a summary or was cut. */
  raw?: string;
  /** Tag counts, most frequent first, for `ss_tag_frequency`. */
  tags?: TagCount[];
}

export interface TagCount {
  tag: string;
  count: number;
}

export interface TagSummary {
  tags: number;
  folders: number;
  top: TagCount[];
}

/** The kohya fields an artist looks for first, in the order they read them. */
const TRAINING_FIELDS: readonly (readonly [string, string])[] = [
  ['ss_output_name', 'Name'],
  ['ss_training_comment', 'Training comment'],
  ['ss_tag_frequency', 'Tags'],
  ['ss_base_model_version', 'Base model version'],
  ['ss_sd_model_name', 'Trained on'],
  ['ss_network_module', 'Network module'],
  ['ss_network_dim', 'Network dim (rank)'],
  ['ss_network_alpha', 'Network alpha'],
  ['ss_network_args', 'Network arguments'],
  ['ss_dataset_dirs', 'Dataset folders'],
  ['ss_num_train_images', 'Training images'],
  ['ss_num_epochs', 'Epochs'],
  ['ss_max_train_steps', 'Steps'],
  ['ss_resolution', 'Resolution'],
  ['ss_learning_rate', 'Learning rate'],
  ['ss_unet_lr', 'UNet learning rate'],
  ['ss_text_encoder_lr', 'Text encoder learning rate'],
  ['ss_network_train_unet_only', 'UNet only'],
  ['ss_optimizer', 'Optimizer'],
  ['ss_mixed_precision', 'Mixed precision'],
  ['ss_training_started_at', 'Training started'],
  ['ss_training_finished_at', 'Training finished'],
  ['ss_seed', 'Seed'],
];

const MODELSPEC_FIELDS: readonly (readonly [string, string])[] = [
  ['title', 'Title'],
  ['author', 'Author'],
  ['description', 'Description'],
  ['trigger_phrase', 'Trigger phrase'],
  ['tags', 'Tags'],
  ['architecture', 'Architecture'],
  ['resolution', 'Resolution'],
  ['prediction_type', 'Prediction type'],
  ['date', 'Date'],
  ['license', 'License'],
  ['usage_hint', 'Usage hint'],
  ['implementation', 'Implementation'],
  ['sai_model_spec', 'Spec version'],
];

/** Long enough for a training comment, short enough that a base64 thumbnail does not take the page. */
export const MAX_VALUE_CHARS = 280;

export function shorten(value: string, max = MAX_VALUE_CHARS): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** kohya writes `{folder: {tag: count}}`; tags merge across folders, most frequent first. */
export function summarizeTagFrequency(raw: string, top = 12): TagSummary | null {
  const parsed = parseJson(raw);
  if (!isRecord(parsed)) return null;
  const counts = new Map<string, number>();
  let folders = 0;
  for (const tags of Object.values(parsed)) {
    if (!isRecord(tags)) return null;
    folders += 1;
    for (const [tag, count] of Object.entries(tags)) {
      if (typeof count !== 'number' || !Number.isFinite(count)) continue;
      const name = tag.trim();
      if (name === '') continue;
      counts.set(name, (counts.get(name) ?? 0) + count);
    }
  }
  const sorted = [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  return { tags: sorted.length, folders, top: sorted.slice(0, top) };
}

/** `{"10_subject": {"n_repeats": 10, "img_count": 40}}` → "10_subject: 40 images × 10 repeats". */
export function summarizeDatasetDirs(raw: string): string | null {
  const parsed = parseJson(raw);
  if (!isRecord(parsed)) return null;
  const parts: string[] = [];
  for (const [folder, info] of Object.entries(parsed)) {
    if (!isRecord(info)) return null;
    const images = typeof info.img_count === 'number' ? `${info.img_count} images` : null;
    const repeats = typeof info.n_repeats === 'number' ? `${info.n_repeats} repeats` : null;
    parts.push(`${folder}: ${[images, repeats].filter(Boolean).join(' × ') || 'no counts'}`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}

/** kohya stores Unix seconds as text, e.g. "1714564800.0". */
export function parseUnixSeconds(raw: string): Date | null {
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) return null;
  const date = new Date(Number(raw) * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function formatDate(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function trainingValue(
  key: string,
  raw: string,
  training: Readonly<Record<string, string>>,
): MetadataRow | null {
  switch (key) {
    case 'ss_tag_frequency': {
      const summary = summarizeTagFrequency(raw);
      if (!summary) return { key, label: 'Tags', value: shorten(raw), raw };
      if (summary.tags === 0) return null;
      const folders = summary.folders === 1 ? '1 folder' : `${summary.folders} folders`;
      return {
        key,
        label: 'Tags',
        value: `${summary.tags === 1 ? '1 tag' : `${summary.tags} tags`} in ${folders}`,
        raw,
        tags: summary.top,
      };
    }
    case 'ss_dataset_dirs': {
      const summary = summarizeDatasetDirs(raw);
      return summary === null ? null : { key, label: 'Dataset folders', value: summary, raw };
    }
    case 'ss_training_started_at':
    case 'ss_training_finished_at': {
      const date = parseUnixSeconds(raw);
      if (!date) return null;
      let value = formatDate(date);
      const started = parseUnixSeconds(training.ss_training_started_at ?? '');
      if (key === 'ss_training_finished_at' && started && date > started)
        value += ` (took ${formatDuration(date.getTime() - started.getTime())})`;
      return { key, label: '', value, raw };
    }
    default:
      return null;
  }
}

function row(key: string, label: string, raw: string): MetadataRow {
  const value = shorten(raw);
  return value === raw ? { key, label, value } : { key, label, value, raw };
}

/** Known fields first with friendly labels and summaries; every other field after, by key. */
export function trainingRows(training: Readonly<Record<string, string>>): {
  important: MetadataRow[];
  other: MetadataRow[];
} {
  const important: MetadataRow[] = [];
  const known = new Set<string>();
  for (const [key, label] of TRAINING_FIELDS) {
    known.add(key);
    const raw = training[key];
    if (raw === undefined || raw.trim() === '' || raw === 'None') continue;
    const special = trainingValue(key, raw, training);
    important.push(special ? { ...special, label } : row(key, label, raw));
  }
  const other = Object.keys(training)
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => row(key, key, training[key]!));
  return { important, other };
}

/** modelspec keys without their `modelspec.` prefix, known fields first. */
export function modelspecRows(modelspec: Readonly<Record<string, string>>): MetadataRow[] {
  const entries = new Map(
    Object.entries(modelspec).map(([key, value]) => [key.replace(/^modelspec\./, ''), { key, value }]),
  );
  const rows: MetadataRow[] = [];
  for (const [name, label] of MODELSPEC_FIELDS) {
    const entry = entries.get(name);
    if (!entry || entry.value.trim() === '') continue;
    entries.delete(name);
    rows.push(row(entry.key, label, entry.value));
  }
  for (const [name, entry] of [...entries].sort(([a], [b]) => a.localeCompare(b)))
    rows.push(row(entry.key, name, entry.value));
  return rows;
}
