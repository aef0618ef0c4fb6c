import { z } from 'zod';
import { BaseModel, LayerSet, LoraHashes } from './lora.schema';

/**
 * The weights2weights editor: a PCA "weight space" over rank-1 LoRAs, directions learned in it, and
 * edits θ' = θ + Σ αᵢ·dᵢ exported as new kohya files. See core/w2w/CONTEXT.md for the math.
 */

/** Space and direction names: they become file names and CLI arguments. */
export const W2wName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, “_”, “.” and “-” (at most 64)');

/** Per-parameter z-score (weights2weights) or centering only. */
export const Standardize = z.enum(['zscore', 'center']);
export type Standardize = z.infer<typeof Standardize>;

/** How a direction is learned from labeled LoRAs (see core/w2w/direction.ts). */
export const DirectionMethod = z.enum(['logistic', 'svm', 'lstsq']);
export type DirectionMethod = z.infer<typeof DirectionMethod>;

export const W2wBuildInput = z
  .object({
    name: W2wName,
    layers: LayerSet.default('all'),
    /** LoRA files to build over. */
    loras: z.array(z.string().min(1)).default([]),
    /** Library LoRAs carrying any of these tags (Civitai tags or the artist's own). */
    tag: z.array(z.string().min(1)).optional(),
    /** Every SDXL LoRA in the library. */
    allSdxl: z.boolean().default(false),
    standardize: Standardize.default('zscore'),
    /** Principal components to keep; default min(N − 1, 1000). */
    components: z.coerce.number().int().min(1).max(10_000).optional(),
    /** Replace a space of the same name. */
    overwrite: z.boolean().default(false),
  })
  .strict();
export type W2wBuildInput = z.infer<typeof W2wBuildInput>;

export const W2wMember = z.object({
  index: z.number().int(),
  path: z.string(),
  name: z.string(),
  /** SHA-256 of the tensor data (AutoV3's source): identifies the weights whatever the file is called. */
  tensorHash: z.string(),
  loraFileId: z.number().int().nullable(),
});
export type W2wMember = z.infer<typeof W2wMember>;

export const W2wDirection = z.object({
  id: z.number().int(),
  name: z.string(),
  method: DirectionMethod,
  /** The labels as given: tags, files, `@liked`, `@rest`. */
  positive: z.array(z.string()),
  negative: z.array(z.string()),
  positiveCount: z.number().int(),
  negativeCount: z.number().int(),
  /** Cross-validated accuracy (k-fold, stratified) of the classifier; null with too few labels to tell. */
  accuracy: z.number().nullable(),
  folds: z.number().int(),
  /** Directions whose component was removed from this one. */
  debias: z.array(z.string()),
  /** Standard deviation of the members' projections on the direction: one normalized strength unit, raw. */
  unit: z.number(),
  createdAt: z.string(),
});
export type W2wDirection = z.infer<typeof W2wDirection>;

export const W2wSpaceSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  baseModel: BaseModel,
  layers: LayerSet,
  standardize: Standardize,
  memberCount: z.number().int(),
  components: z.number().int(),
  /** Parameters per LoRA vector: Σ (out + in) over the space's modules. */
  dimension: z.number().int(),
  moduleCount: z.number().int(),
  /** Share of the collection's variance the kept components explain. */
  explainedVariance: z.number(),
  fileBytes: z.number().int(),
  directionCount: z.number().int(),
  createdAt: z.string(),
});
export type W2wSpaceSummary = z.infer<typeof W2wSpaceSummary>;

export const W2wSpaceInfo = W2wSpaceSummary.extend({
  file: z.string(),
  members: z.array(W2wMember),
  /** Cumulative explained variance after 1, 2, … components (at most 200 entries). */
  cumulativeVariance: z.array(z.number()),
  /** Members rebuilt from the kept components: mean and worst relative error ‖z − ẑ‖ / ‖z‖ of the standardized vectors. */
  reconstruction: z.object({ mean: z.number(), max: z.number() }),
  /** Build time by phase, milliseconds. */
  timings: z.record(z.string(), z.number()),
  directions: z.array(W2wDirection),
});
export type W2wSpaceInfo = z.infer<typeof W2wSpaceInfo>;

export const W2wSpaceRef = z.object({ space: W2wName }).strict();

export const W2wDirectionInput = z
  .object({
    space: W2wName,
    name: W2wName,
    /** Tags, LoRA files, or `@liked` (LoRAs the artist generated with or reacted to). */
    positive: z.array(z.string().min(1)).min(1),
    /** As `positive`; `@rest` (default) is every member not labeled positive. */
    negative: z.array(z.string().min(1)).default(['@rest']),
    method: DirectionMethod.default('logistic'),
    /** Remove these directions' components from the new one. */
    debias: z.array(W2wName).default([]),
    overwrite: z.boolean().default(false),
  })
  .strict();
export type W2wDirectionInput = z.infer<typeof W2wDirectionInput>;

/** `name=strength` (the CLI's `--direction anime=-2`) or an object. */
export const DirectionStrength = z.union([
  z.object({ direction: W2wName, strength: z.number().finite() }).strict(),
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}=[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i, 'use name=strength')
    .transform((text) => {
      const at = text.indexOf('=');
      return { direction: text.slice(0, at), strength: Number(text.slice(at + 1)) };
    }),
]);
export type DirectionStrength = z.output<typeof DirectionStrength>;

const EditTarget = {
  space: W2wName,
  /** Strengths in standard deviations of the members' projections (default) or raw units with `raw`. */
  directions: z.array(DirectionStrength).default([]),
  raw: z.boolean().default(false),
};

const ExportPlace = {
  /** The new file's path; default a unique name in `outDir`, else in the ComfyUI LoRA folder from Settings. */
  out: z.string().min(1).optional(),
  outDir: z.string().min(1).optional(),
  /** Base of the generated file name (a counter keeps it unique: ComfyUI caches LoRAs by name). */
  name: z.string().min(1).max(80).optional(),
};

export const W2wEditInput = z
  .object({
    ...EditTarget,
    /** The LoRA to move: a file path (a library LoRA's path, a member or any LoRA of the base model). */
    lora: z.string().min(1),
    ...ExportPlace,
  })
  .strict();
export type W2wEditInput = z.infer<typeof W2wEditInput>;

/** A plot axis: a direction's name, or `@pc1` for the space's first principal component. */
export const PlotAxis = z.union([z.literal('@pc1'), W2wName]);

export const W2wPreviewInput = z
  .object({
    ...EditTarget,
    lora: z.string().min(1),
    /** The plot's axes: two directions, or a direction and `@pc1` (the first principal component). */
    plot: z.tuple([PlotAxis, PlotAxis]).optional(),
  })
  .strict();
export type W2wPreviewInput = z.infer<typeof W2wPreviewInput>;

export const W2wSampleInput = z
  .object({
    space: W2wName,
    /** Same seed, same LoRA. */
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    /** Scales every component's standard deviation (1 = the collection's spread). */
    spread: z.coerce.number().positive().max(10).default(1),
    ...ExportPlace,
  })
  .strict();
export type W2wSampleInput = z.infer<typeof W2wSampleInput>;

export const W2wReadout = z.object({
  direction: z.string(),
  /** Normalized strength (standard deviations) and the same in raw units. */
  strength: z.number(),
  rawStrength: z.number(),
  /** The edited LoRA's coefficient along the direction, raw units. */
  coefficient: z.number(),
  /** The direction's classifier: probability that the edited LoRA is "positive". */
  probability: z.number(),
  /** Share of the members whose coefficient along the direction is beyond the edited LoRA's, on the side it moves to. */
  beyond: z.number(),
});
export type W2wReadout = z.infer<typeof W2wReadout>;

export const W2wPreview = z.object({
  readouts: z.array(W2wReadout),
  /** ‖θ' − θ‖ and that relative to ‖θ‖ (θ = the LoRA's rank-1 canonical vector). */
  distance: z.number(),
  relativeDistance: z.number(),
  /** Of the LoRA itself from the space's components: how well the space knows it. */
  reconstructionError: z.number(),
  /** The edited LoRA in the plot's two directions (raw units), when `plot` was asked. */
  point: z.object({ x: z.number(), y: z.number() }).nullable(),
  /** Milliseconds the engine spent recomputing θ' and the read-outs. */
  computeMs: z.number(),
});
export type W2wPreview = z.infer<typeof W2wPreview>;

export const W2wExport = z.object({
  path: z.string(),
  bytes: z.number().int(),
  hashes: LoraHashes,
  space: z.string(),
  directions: z.array(z.object({ direction: z.string(), strength: z.number(), rawStrength: z.number() })),
  modules: z.number().int(),
  readouts: z.array(W2wReadout),
  writeMs: z.number(),
});
export type W2wExport = z.infer<typeof W2wExport>;

export const W2wProjectionInput = z.object({ space: W2wName, x: W2wName, y: W2wName.optional() }).strict();

export const W2wProjection = z.object({
  /** Members' coefficients along x (and y, or the first principal component when y is absent), raw units. */
  points: z.array(
    z.object({
      index: z.number().int(),
      name: z.string(),
      x: z.number(),
      y: z.number(),
      label: z.enum(['positive', 'negative', 'none']),
    }),
  ),
  xUnit: z.number(),
  yUnit: z.number(),
  yLabel: z.string(),
});
export type W2wProjection = z.infer<typeof W2wProjection>;
