import { SingleBar } from 'cli-progress';
import { isFinalJobState } from '../../api';
import type { Job } from '../../api';
import type { Engine } from '../../engine.types';

/**
 * Waits for a job to finish, drawing a progress bar on stderr (when it is a terminal and not --json).
 * Ctrl-C asks the engine to cancel the job instead of killing the process mid-write.
 */
export async function followJob(
  engine: Engine,
  job: Job,
  options: { bar: boolean; stderr: NodeJS.WritableStream },
): Promise<Job> {
  const bar = options.bar
    ? new SingleBar({
        format: `${job.title} [{bar}] {percentage}% {message}`,
        stream: options.stderr,
        hideCursor: true,
        clearOnComplete: false,
      })
    : null;
  bar?.start(100, 0, { message: '' });
  const onSigint = () => void engine.invoke('jobs.cancel', { id: job.id }).catch(() => undefined);
  process.once('SIGINT', onSigint);
  try {
    return await new Promise<Job>((resolve, reject) => {
      const subscription = engine.onEvent((message) => {
        if (message.event !== 'jobs.onDidProgress' || message.payload.id !== job.id) return;
        const current = message.payload;
        bar?.update(Math.round((current.progress ?? 0) * 100), { message: current.message ?? '' });
        if (isFinalJobState(current.state)) {
          subscription.dispose();
          resolve(current);
        }
      });
      // The job may have finished before we subscribed.
      engine
        .invoke('jobs.get', { id: job.id })
        .then((value) => {
          const current = value as Job;
          if (isFinalJobState(current.state)) {
            subscription.dispose();
            resolve(current);
          }
        })
        .catch(reject);
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
