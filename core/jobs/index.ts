export { JobRunner } from './job.runner';
export type { JobContext, JobHandler, JobRunnerOptions } from './job.runner';

// ── Worker threads ───────────────────────────────────────────────────────────────────────────────
export { serveWorkerTasks, WorkerPool } from './worker-pool';
export type { RunOptions, WorkerPoolOptions, WorkerTaskContext } from './worker-pool';
