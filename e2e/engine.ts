import { expect } from '@playwright/test';
import type { Job, MethodInput, MethodName, MethodOutput } from '../core/api';
import type { RunningServer } from './server';

/** Calls the engine over the serve host's API, as the renderer does, to set up what a test needs. */
export async function invoke<M extends MethodName>(
  server: RunningServer,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const response = await fetch(`${server.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as
    { ok: true; value: MethodOutput<M> } | { ok: false; error: { code: string; message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error.code} ${body.error.message}`);
  return body.value;
}

/** Waits for a job to finish and fails the test unless it finished well. */
export async function finishedJob(server: RunningServer, started: Job, timeoutMs = 45_000): Promise<Job> {
  let job = started;
  await expect
    .poll(
      async () => {
        job = await invoke(server, 'jobs.get', { id: started.id });
        return job.state;
      },
      { timeout: timeoutMs, intervals: [100, 250, 500] },
    )
    .toMatch(/^(done|failed|cancelled|interrupted)$/);
  expect(job.error, `${job.title} failed`).toBeNull();
  expect(job.state).toBe('done');
  return job;
}
