/** Prompts longer than this many words are counted for Fig. 6 (`long_prompts`). */
export const LONG_PROMPT_WORDS = 200;

/** One row of the ImageGem models table: a LoRA version and its model, already checked. */
export interface ImageGemModelRow {
  readonly modelId: number;
  readonly versionId: number;
  readonly modelName: string;
  readonly versionName: string | null;
  readonly type: string | null;
  readonly fileName: string | null;
  readonly tags: readonly string[];
  readonly trainedWords: readonly string[];
  readonly baseModel: string | null;
  /** The uploader. */
  readonly userHash: string | null;
  readonly downloadUrl: string | null;
  readonly nsfwLevel: number | null;
  /** Licence flags as the table gives them, or null when it has none. */
  readonly licence: Readonly<Record<string, unknown>> | null;
}

/** One row of the ImageGem images table: one image and one LoRA version used to make it. */
export interface ImageGemImageRow {
  readonly imageId: number;
  readonly userHash: string;
  readonly versionId: number;
  readonly url: string;
  readonly prompt: string | null;
  readonly negativePrompt: string | null;
  /** Seeds above 2⁵³ stay exact as bigint. */
  readonly seed: number | bigint | null;
  readonly steps: number | null;
  readonly sampler: string | null;
  readonly cfg: number | null;
  readonly clipSkip: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly nsfwLevel: number | null;
  /** ISO 8601; null when the table has no date (the import time is stored instead). */
  readonly createdAt: string | null;
  readonly heartCount: number;
  readonly likeCount: number;
  readonly laughCount: number;
  readonly cryCount: number;
  readonly dislikeCount: number;
  readonly commentCount: number;
  /** Word count when above {@link LONG_PROMPT_WORDS}, else null. */
  readonly promptWords: number | null;
}

/** Input rows consumed per table (skipped rows included), so a resumed run starts right after them. */
export interface ImportProgress {
  readonly models: number;
  readonly images: number;
  readonly skipped: number;
}

export type ImportRunState = 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled';

export interface ImportRun {
  readonly id: number;
  readonly fingerprint: string;
  readonly state: ImportRunState;
  readonly progress: ImportProgress;
}

export interface ModelBatchResult {
  readonly usersAdded: number;
  readonly modelsAdded: number;
  readonly versionsAdded: number;
  readonly tagsAdded: number;
}

export interface ImageBatchResult {
  readonly usersAdded: number;
  readonly imagesAdded: number;
  readonly linksAdded: number;
  /** Versions the models table did not have: each got a placeholder model until it is imported. */
  readonly placeholderVersions: number;
}

/**
 * Writes of the ImageGem import. Every batch is one transaction that also records how far the run got,
 * so a killed import resumes exactly after its last committed batch, and writing the same rows twice
 * adds nothing (rows are keyed by Civitai ids).
 */
export interface ImageGemRepository {
  /** The newest unfinished run over the same input, if any; it is marked running again. */
  resumeRun(fingerprint: string): ImportRun | undefined;
  startRun(fingerprint: string): ImportRun;
  writeModels(runId: number, rows: readonly ImageGemModelRow[], progress: ImportProgress): ModelBatchResult;
  writeImages(runId: number, rows: readonly ImageGemImageRow[], progress: ImportProgress): ImageBatchResult;
  saveProgress(runId: number, progress: ImportProgress): void;
  finishRun(runId: number, state: Exclude<ImportRunState, 'running'>, error?: string): void;
  /** Gives the connection a larger page cache while an import runs; call the result to restore it. */
  beginBulkWrites(): () => void;
  /**
   * Before writing `incomingRows` image rows: when they outnumber the image rows (links) already stored,
   * drops the secondary indexes of the image tables and the FTS insert trigger, to be built again by
   * {@link finishImageBulkLoad} (a kill in between is completed by the next open). Returns whether it did.
   */
  beginImageBulkLoad(incomingRows: number): boolean;
  /** Builds what {@link beginImageBulkLoad} dropped; does nothing when no bulk load is pending. */
  finishImageBulkLoad(onStep?: (done: number, total: number) => void): void;
}
