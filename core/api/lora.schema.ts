import { z } from 'zod';

export const LoraFormat = z.enum(['kohya', 'peft', 'loha', 'lokr', 'mixed', 'unknown']);
export const BaseModel = z.enum(['sd15', 'sd2', 'sdxl', 'sd3', 'flux', 'unknown']);
export const LayerSet = z.enum(['all', 'attn', 'attn_v', 'ff', 'ff+attn_v']);
export type LayerSet = z.infer<typeof LayerSet>;
export const FloatDtype = z.enum(['F16', 'BF16', 'F32']);

const Counts = z.record(z.string(), z.number().int());
const StringMap = z.record(z.string(), z.string());

export const ModuleSummary = z.object({
  key: z.string(),
  target: z.string(),
  kind: z.string(),
  type: z.enum(['lora', 'loha', 'lokr']),
  rank: z.number().int().nullable(),
  alpha: z.number().nullable(),
  outFeatures: z.number().int(),
  inFeatures: z.number().int(),
  kernel: z.tuple([z.number().int(), z.number().int()]).readonly().nullable(),
  dora: z.boolean(),
});
export type ModuleSummary = z.infer<typeof ModuleSummary>;

export const LoraProblem = z.object({ module: z.string(), kind: z.string(), message: z.string() });

export const LoraInspection = z.object({
  path: z.string(),
  fileName: z.string(),
  fileSize: z.number().int(),
  format: LoraFormat,
  base: z.object({
    baseModel: BaseModel,
    confidence: z.enum(['high', 'medium', 'low']),
    evidence: z.array(z.string()),
    variant: z.string().nullable(),
  }),
  tensorCount: z.number().int(),
  dtypes: Counts,
  moduleCount: z.number().int(),
  countsByKind: Counts,
  countsByTarget: Counts,
  modules: z.array(ModuleSummary),
  ranks: z.array(z.object({ rank: z.number().int(), modules: z.number().int() })),
  training: StringMap,
  modelspec: StringMap,
  otherMetadata: StringMap,
  problems: z.array(LoraProblem),
  unmatchedKeys: z.array(z.string()),
  doraModules: z.number().int(),
  valuesChecked: z.boolean(),
});
export type LoraInspection = z.infer<typeof LoraInspection>;

export const LoraHashes = z.object({
  sha256: z.string(),
  autoV2: z.string(),
  tensorSha256: z.string().nullable(),
  autoV3: z.string().nullable(),
});
export type LoraHashes = z.infer<typeof LoraHashes>;

/** kohya resize_lora's dynamic rules, written `rule:value` as on its command line. */
export const DynamicRank = z
  .string()
  .regex(
    /^(sv_ratio|sv_fro|sv_cumulative):\d+(\.\d+)?$/,
    'use sv_ratio:<r>, sv_fro:<0..1> or sv_cumulative:<0..1>',
  );

export const ReduceInput = z
  .object({
    path: z.string().min(1),
    /** The new file; default: `<stem>-<op>.safetensors` next to the source, or in `outDir`. */
    out: z.string().min(1).optional(),
    outDir: z.string().min(1).optional(),
    /** The rank to keep; with `dynamic`, the largest rank allowed. Default 1 without `dynamic`. */
    rank: z.coerce.number().int().min(1).max(1024).optional(),
    dynamic: DynamicRank.optional(),
    layers: LayerSet.default('all'),
    dtype: FloatDtype.optional(),
    overwrite: z.boolean().default(false),
  })
  .strict();
export type ReduceInput = z.infer<typeof ReduceInput>;

export const ModuleReductionReport = z.object({
  key: z.string(),
  kind: z.string(),
  originalRank: z.number().int(),
  newRank: z.number().int(),
  singularValues: z.array(z.number()),
  energyKept: z.number(),
});

export const ReduceResult = z.object({
  source: z.string(),
  destination: z.string(),
  hashes: LoraHashes,
  modules: z.array(ModuleReductionReport),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
  totals: z.record(z.string(), z.number()),
  /** Milliseconds per phase. */
  timings: z.record(z.string(), z.number()),
});
export type ReduceResult = z.infer<typeof ReduceResult>;

export const ModuleSpectrum = z.object({
  key: z.string(),
  kind: z.string(),
  target: z.string(),
  rank: z.number().int(),
  singularValues: z.array(z.number()),
});

export const LoraSpectra = z.object({
  modules: z.array(ModuleSpectrum),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
});
export type LoraSpectra = z.infer<typeof LoraSpectra>;
