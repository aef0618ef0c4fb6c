import { z } from 'zod';
import { AppStatus } from './app.schema';
import { Folder, FolderDetection, FolderKind } from './folders.schema';
import { Job, JobState } from './jobs.schema';
import {
  DatasetStats,
  ImageList,
  ImageListItem,
  ImageListQuery,
  ImportInput,
  LoraDetail,
  LoraBases,
  LoraList,
  LoraListQuery,
  ReactionFlags,
  ReactionKind,
} from './library.schema';
import { LayerSet, LoraHashes, LoraInspection, LoraSpectra, ReduceInput } from './lora.schema';
import { Settings, SettingsPatch } from './settings.schema';
import {
  W2wBuildInput,
  W2wDirection,
  W2wDirectionInput,
  W2wEditInput,
  W2wExport,
  W2wPreview,
  W2wPreviewInput,
  W2wProjection,
  W2wProjectionInput,
  W2wSampleInput,
  W2wSpaceInfo,
  W2wSpaceRef,
  W2wSpaceSummary,
} from './w2w.schema';

/** How the CLI presents a method; the CLI derives everything else (options, types) from the input schema. */
export interface CliSpec {
  /** Input fields taken as positional arguments, in order. */
  readonly args?: readonly string[];
  /** Extra top-level commands, e.g. `status` for `app status`. */
  readonly aliases?: readonly string[];
  /** Flag names that differ from the field's, e.g. `{ directions: 'direction' }` for a repeated `--direction`. */
  readonly flags?: Readonly<Record<string, string>>;
}

export interface MethodSpec<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  readonly cli?: CliSpec;
  /** The output is a Job; the CLI follows it with a progress bar unless `--detach`. */
  readonly startsJob?: boolean;
}

function method<I extends z.ZodObject, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

const Empty = z.object({}).strict();
const Id = z.object({ id: z.coerce.number().int().positive() }).strict();

/**
 * The contract: every engine method, its input and output. Electron IPC, the HTTP bridge and the CLI
 * are loops over this table; a parity test fails when one of them misses an entry.
 */
export const methods = {
  'app.status': method({
    summary: 'Versions, data folder, database path and the execution providers this machine offers.',
    input: Empty,
    output: AppStatus,
    cli: { aliases: ['status'] },
  }),
  'settings.get': method({
    summary: 'Read the settings.',
    input: Empty,
    output: Settings,
  }),
  'settings.set': method({
    summary: 'Change some settings; returns all of them.',
    input: SettingsPatch,
    output: Settings,
  }),
  'folders.list': method({
    summary: 'The LoRA, image and ComfyUI folders Atelier reads from.',
    input: Empty,
    output: z.array(Folder),
  }),
  'folders.add': method({
    summary: 'Add a folder. A ComfyUI root brings its LoRA folders (models/loras, extra_model_paths.yaml).',
    input: z.object({ path: z.string().min(1), kind: FolderKind.optional() }).strict(),
    output: Folder,
    cli: { args: ['path'] },
  }),
  'folders.remove': method({
    summary: 'Stop reading a folder. Files on disk are not touched.',
    input: Id,
    output: z.object({ removed: z.boolean() }),
    cli: { args: ['id'] },
  }),
  'folders.detect': method({
    summary: 'Tell what a path is (missing, a file, a folder, a ComfyUI root) without storing anything.',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: FolderDetection,
    cli: { args: ['path'] },
  }),
  'jobs.list': method({
    summary: 'Recent jobs, newest first.',
    input: z
      .object({
        states: z.array(JobState).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: z.array(Job),
  }),
  'jobs.get': method({
    summary: 'One job by id.',
    input: Id,
    output: Job,
    cli: { args: ['id'] },
  }),
  'jobs.cancel': method({
    summary: 'Ask a queued or running job to stop.',
    input: Id,
    output: Job,
    cli: { args: ['id'] },
  }),
  'media.locate': method({
    summary:
      'Where an image known by id lives, for the hosts that serve it (never a path from the renderer).',
    input: z
      .object({
        kind: z.enum(['image', 'thumbnail', 'lora-preview']),
        id: z.coerce.number().int().positive(),
      })
      .strict(),
    output: z.object({ path: z.string(), mimeType: z.string() }),
    cli: { args: ['kind', 'id'] },
  }),
  'lora.inspect': method({
    summary: 'Read a LoRA file safely: format, base model, modules by kind, ranks, metadata, problems.',
    input: z
      .object({
        path: z.string().min(1),
        /** Read every weight to find NaN/Inf (a full read of the file). */
        checkValues: z.boolean().default(false),
      })
      .strict(),
    output: LoraInspection,
    cli: { args: ['path'] },
  }),
  'lora.hash': method({
    summary: 'SHA-256 of the file (AutoV2) and of its tensor data (AutoV3), streamed.',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: LoraHashes,
    cli: { args: ['path'] },
  }),
  'lora.spectra': method({
    summary: 'Singular values of every module of a LoRA (exact, from its factors), for the spectrum plot.',
    input: z.object({ path: z.string().min(1), layers: LayerSet.default('all') }).strict(),
    output: LoraSpectra,
    cli: { args: ['path'] },
  }),
  'lora.reduce': method({
    summary: 'Reduce a LoRA by SVD (rank 1 by default) and write it as a new kohya file, as a job.',
    input: ReduceInput,
    output: Job,
    startsJob: true,
    cli: { args: ['path'] },
  }),
  'library.scan': method({
    summary:
      'Scan the LoRA and image folders (incremental: unchanged files are not read), then hash new LoRAs.',
    input: z.object({ folderId: z.coerce.number().int().positive().optional() }).strict(),
    output: Job,
    startsJob: true,
    cli: { aliases: ['scan'] },
  }),
  'loras.list': method({
    summary: 'LoRAs in the library: search, filter by base model, folder, tag, duplicates.',
    input: LoraListQuery,
    output: LoraList,
  }),
  'loras.bases': method({
    summary: 'Base models detected in the library, with how many files each: the choices of the base filter.',
    input: z.object({}).strict(),
    output: LoraBases,
  }),
  'loras.get': method({
    summary: 'One LoRA with its duplicates, sidecars and the images made with it.',
    input: Id,
    output: LoraDetail,
    cli: { args: ['id'] },
  }),
  'images.list': method({
    summary: 'Generated images: search prompts, filter by LoRA, reaction, source.',
    input: ImageListQuery,
    output: ImageList,
  }),
  'images.get': method({
    summary: 'One image with its LoRAs and reactions.',
    input: Id,
    output: ImageListItem,
    cli: { args: ['id'] },
  }),
  'images.react': method({
    summary: 'React to an image (heart, like, laugh, cry); toggles unless --on is given.',
    input: z
      .object({ imageId: z.coerce.number().int().positive(), kind: ReactionKind, on: z.boolean().optional() })
      .strict(),
    output: z.object({ imageId: z.number().int(), reactions: ReactionFlags }),
    cli: { args: ['imageId', 'kind'], aliases: ['react'] },
  }),
  'import.imagegem': method({
    summary: 'Import the ImageGem tables (Parquet, CSV or JSONL): resumable, idempotent, as a job.',
    input: ImportInput,
    output: Job,
    startsJob: true,
  }),
  'stats.dataset': method({
    summary: 'The appendix figures from what is loaded: reactions, top users, long prompts.',
    input: Empty,
    output: DatasetStats,
  }),
  'w2w.build': method({
    summary:
      'Build a weight space (PCA over rank-1 LoRAs of one base model) from files, tags or every SDXL LoRA, as a job.',
    input: W2wBuildInput,
    output: Job,
    startsJob: true,
    cli: { args: ['loras'] },
  }),
  'w2w.list': method({
    summary: 'The weight spaces built so far.',
    input: Empty,
    output: z.array(W2wSpaceSummary),
  }),
  'w2w.info': method({
    summary: 'One weight space: members, explained variance, reconstruction error, directions.',
    input: W2wSpaceRef,
    output: W2wSpaceInfo,
    cli: { args: ['space'] },
  }),
  'w2w.remove': method({
    summary: 'Delete a weight space and its directions (LoRA files are not touched).',
    input: W2wSpaceRef,
    output: z.object({ removed: z.boolean() }),
    cli: { args: ['space'] },
  }),
  'w2w.direction': method({
    summary:
      'Learn an edit direction from labeled LoRAs (tags, files, @liked) by logistic regression, SVM or least squares.',
    input: W2wDirectionInput,
    output: W2wDirection,
  }),
  'w2w.project': method({
    summary: "The space's members projected on one or two directions, for the plot.",
    input: W2wProjectionInput,
    output: W2wProjection,
  }),
  'w2w.preview': method({
    summary: 'Move a LoRA along directions without writing it: read-outs for the strength sliders.',
    input: W2wPreviewInput,
    output: W2wPreview,
    cli: { args: ['lora'], flags: { directions: 'direction' } },
  }),
  'w2w.edit': method({
    summary: 'Move a LoRA along directions and export it as a new rank-1 kohya file (ComfyUI-loadable).',
    input: W2wEditInput,
    output: W2wExport,
    cli: { args: ['lora'], flags: { directions: 'direction' } },
  }),
  'w2w.sample': method({
    summary: 'Draw a new LoRA from the space (a Gaussian per component) and export it.',
    input: W2wSampleInput,
    output: W2wExport,
  }),
  'store.backup': method({
    summary: 'Copy the database to a dated file in the data folder, page by page, as a job.',
    input: Empty,
    output: Job,
    startsJob: true,
  }),
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

/** Events the engine pushes to every host. */
export const events = {
  'jobs.onDidProgress': { summary: 'A job changed state or progress.', payload: Job },
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export const eventNames = Object.keys(events) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/**
 * Methods only a desktop host can answer (native dialogs). The engine never sees them; the renderer
 * checks `hasHostMethod` and falls back (a path field in the browser).
 */
export const hostMethods = {
  'dialog.pickFolder': method({
    summary: 'Open the native folder picker.',
    input: z.object({ title: z.string().optional() }).strict(),
    output: z.object({ path: z.string().nullable() }),
  }),
  'dialog.pickFile': method({
    summary: 'Open the native file picker, e.g. for a LoRA file.',
    input: z
      .object({
        title: z.string().optional(),
        /** Extensions without the dot, e.g. ['safetensors']. */
        extensions: z.array(z.string().regex(/^[a-z0-9]+$/i)).optional(),
      })
      .strict(),
    output: z.object({ path: z.string().nullable() }),
  }),
} as const satisfies Record<string, MethodSpec>;

export type HostMethods = typeof hostMethods;
export type HostMethodName = keyof HostMethods;
export type HostMethodInput<M extends HostMethodName> = z.input<HostMethods[M]['input']>;
export type HostMethodOutput<M extends HostMethodName> = z.output<HostMethods[M]['output']>;

export function isHostMethodName(name: string): name is HostMethodName {
  return Object.hasOwn(hostMethods, name);
}
