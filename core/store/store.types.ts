import type { ComfyUiLayout, Folder, FolderKind, Job, JobState } from '../api';
import type { Disposable } from '../common';

/**
 * The parts of the store the engine's first services use. `core/store` implements them over
 * better-sqlite3; services receive them as these interfaces so tests can swap the database file.
 */
export interface SettingsRepository {
  /** Every stored setting as parsed JSON, by key. */
  getAll(): Record<string, unknown>;
  /** Writes all given keys in one transaction. */
  setMany(values: Record<string, unknown>): void;
}

export interface FolderRepository {
  list(): Folder[];
  get(id: number): Folder | undefined;
  findByPath(path: string): Folder | undefined;
  add(input: { path: string; kind: FolderKind; comfyUi: ComfyUiLayout | null }): Folder;
  remove(id: number): boolean;
}

export interface NewJob {
  kind: string;
  title: string;
  input: unknown;
}

export interface JobPatch {
  state?: JobState;
  progress?: number | null;
  message?: string | null;
  error?: string | null;
  result?: unknown;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface JobRepository {
  create(job: NewJob): Job;
  get(id: number): Job | undefined;
  /** The stored input of a job, for resuming or re-running it. */
  getInput(id: number): unknown;
  update(id: number, patch: JobPatch): Job;
  list(filter: { states?: readonly JobState[]; limit?: number }): Job[];
  /** On start-up: every job left `running` or `queued` by a previous process becomes `interrupted`. Returns how many. */
  markUnfinishedAsInterrupted(now: string): number;
}

export interface AtelierDatabase extends Disposable {
  readonly path: string;
  readonly schemaVersion: number;
  readonly sqliteVersion: string;
  readonly settings: SettingsRepository;
  readonly folders: FolderRepository;
  readonly jobs: JobRepository;
  /** Online, page-by-page copy to `destination` (better-sqlite3 backup). `onProgress` returns false to stop. */
  backup(destination: string, onProgress: (done: number, total: number) => boolean): Promise<void>;
}
