export { JobRunner } from './job.runner';
export type { JobContext, JobHandler, JobRunnerOptions } from './job.runner';
