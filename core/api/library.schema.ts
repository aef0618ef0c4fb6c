import { z } from 'zod';

export const ReactionKind = z.enum(['heart', 'like', 'laugh', 'cry']);
export type ReactionKind = z.infer<typeof ReactionKind>;

const Page = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
};

export const LoraListItem = z.object({
  id: z.number().int(),
  path: z.string(),
  fileName: z.string(),
  folderId: z.number().int().nullable(),
  size: z.number().int(),
  mtimeMs: z.number(),
  format: z.string().nullable(),
  baseModel: z.string().nullable(),
  sha256: z.string().nullable(),
  tensorHash: z.string().nullable(),
  autoV2: z.string().nullable(),
  autoV3: z.string().nullable(),
  /** `parsed` (header read), `hashed` (hashes known), `error`. */
  scanState: z.string(),
  error: z.string().nullable(),
  hasPreview: z.boolean(),
  modelName: z.string().nullable(),
  versionName: z.string().nullable(),
  civitaiVersionId: z.number().int().nullable(),
  tags: z.array(z.string()),
  trainedWords: z.array(z.string()),
  /** Other files with the same tensor hash (same weights under another name or folder). */
  duplicateCount: z.number().int(),
  imageCount: z.number().int(),
});
export type LoraListItem = z.infer<typeof LoraListItem>;

export const LoraListQuery = z
  .object({
    /** Full-text over file name, model name, tags and trained words. */
    query: z.string().optional(),
    base: z.string().optional(),
    tag: z.string().optional(),
    folderId: z.coerce.number().int().optional(),
    duplicates: z.boolean().optional(),
    sort: z.enum(['name', 'recent', 'size']).default('name'),
    ...Page,
  })
  .strict();

export const LoraList = z.object({ total: z.number().int(), items: z.array(LoraListItem) });
export type LoraList = z.infer<typeof LoraList>;

/** The base models detected in the library, most files first: what the base-model filter offers. */
export const LoraBases = z.object({
  bases: z.array(z.object({ value: z.string(), files: z.number().int() })),
});
export type LoraBases = z.infer<typeof LoraBases>;

export const ImageLoraLink = z.object({
  name: z.string().nullable(),
  weight: z.number().nullable(),
  loraFileId: z.number().int().nullable(),
  modelVersionId: z.number().int().nullable(),
  /** How the link was made: tensor_hash, autov2, autov3, file_name, dataset … */
  matchRule: z.string(),
});

export const ReactionFlags = z.object({
  heart: z.boolean(),
  like: z.boolean(),
  laugh: z.boolean(),
  cry: z.boolean(),
});
export type ReactionFlags = z.infer<typeof ReactionFlags>;

export const ImageListItem = z.object({
  id: z.number().int(),
  source: z.enum(['local', 'imagegem']),
  path: z.string().nullable(),
  url: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  prompt: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  seed: z.number().nullable(),
  steps: z.number().int().nullable(),
  sampler: z.string().nullable(),
  cfg: z.number().nullable(),
  createdAt: z.string(),
  userId: z.number().int(),
  loras: z.array(ImageLoraLink),
  /** The local artist's own reactions. */
  reactions: ReactionFlags,
  /** Dataset totals (ImageGem), null for local images. */
  reactionCounts: z
    .object({ heart: z.number(), like: z.number(), laugh: z.number(), cry: z.number() })
    .nullable(),
});
export type ImageListItem = z.infer<typeof ImageListItem>;

export const ImageListQuery = z
  .object({
    query: z.string().optional(),
    loraFileId: z.coerce.number().int().optional(),
    modelVersionId: z.coerce.number().int().optional(),
    reaction: ReactionKind.optional(),
    source: z.enum(['local', 'imagegem']).optional(),
    userId: z.coerce.number().int().optional(),
    ...Page,
  })
  .strict();

export const ImageList = z.object({
  total: z.number().int(),
  /** True when a text search stopped counting: there are at least `total` matches. */
  totalIsLowerBound: z.boolean(),
  items: z.array(ImageListItem),
});
export type ImageList = z.infer<typeof ImageList>;

export const LoraDetail = z.object({
  lora: LoraListItem,
  duplicates: z.array(z.object({ id: z.number().int(), path: z.string() })),
  /** Sidecar files that contributed metadata, e.g. `x.civitai.info`. */
  sidecars: z.array(z.string()),
  description: z.string().nullable(),
  images: z.array(ImageListItem),
});
export type LoraDetail = z.infer<typeof LoraDetail>;

export const ScanSummary = z.object({
  loraFiles: z.object({
    seen: z.number(),
    added: z.number(),
    changed: z.number(),
    unchanged: z.number(),
    removed: z.number(),
    /** Files renamed or moved inside the library: they keep their row (tags, links, hashes). */
    moved: z.number(),
    errors: z.number(),
  }),
  images: z.object({
    seen: z.number(),
    added: z.number(),
    changed: z.number(),
    unchanged: z.number(),
    removed: z.number(),
    /** Images renamed or moved inside a folder: they keep their row (reactions, links). */
    moved: z.number(),
    errors: z.number(),
  }),
  durationMs: z.number(),
});
export type ScanSummary = z.infer<typeof ScanSummary>;

export const ImportInput = z
  .object({
    images: z.string().min(1).optional(),
    models: z.string().min(1).optional(),
    format: z.enum(['auto', 'parquet', 'csv', 'jsonl']).default('auto'),
    /** Stop after this many image rows (for trying a big file). */
    limit: z.coerce.number().int().positive().optional(),
  })
  .strict()
  .refine((v) => v.images !== undefined || v.models !== undefined, 'give --images and/or --models');

export const ImportSummary = z.object({
  modelRows: z.number(),
  imageRows: z.number(),
  usersAdded: z.number(),
  skippedRows: z.number(),
  resumedFromRow: z.number(),
  problems: z.array(z.string()),
  durationMs: z.number(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

const Bucket = z.object({ label: z.string(), count: z.number() });

export const DatasetStats = z.object({
  totals: z.object({ users: z.number(), images: z.number(), models: z.number(), loraFiles: z.number() }),
  /** Fig. 7: per reaction kind, the number of images at each (log-binned) reaction count. */
  reactions: z.array(z.object({ kind: ReactionKind, buckets: z.array(Bucket) })),
  /** Figs. 8–9: top users with hidden names ("User 1" …). */
  topUsersByImages: z.array(Bucket),
  topUsersByModels: z.array(Bucket),
  /** Fig. 6: cumulative share of prompts above 200 words, by word count. */
  longPrompts: z.object({
    count: z.number(),
    cdf: z.array(z.object({ words: z.number(), fraction: z.number() })),
  }),
});
export type DatasetStats = z.infer<typeof DatasetStats>;
