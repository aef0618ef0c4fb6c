import { z } from 'zod';

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;

export const Job = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  state: JobState,
  /** 0..1 when the job knows its size, null while indeterminate. */
  progress: z.number().min(0).max(1).nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const FINAL_JOB_STATES: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];
export function isFinalJobState(state: JobState): boolean {
  return FINAL_JOB_STATES.includes(state);
}
