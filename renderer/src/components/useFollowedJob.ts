import { useEffect, useState } from 'react';
import { useClient, type Job } from '../api';

/**
 * The live state of a job this component started. It listens from mount, not from when the id is
 * known, because a quick job can finish before the call that started it has returned.
 */
export function useFollowedJob(started: Job | undefined): Job | undefined {
  const client = useClient();
  const [seen, setSeen] = useState<ReadonlyMap<number, Job>>(() => new Map());
  useEffect(() => {
    const subscription = client.subscribe('jobs.onDidProgress', (job) =>
      setSeen((previous) => new Map(previous).set(job.id, job)),
    );
    return () => subscription.dispose();
  }, [client]);
  return started ? (seen.get(started.id) ?? started) : undefined;
}
