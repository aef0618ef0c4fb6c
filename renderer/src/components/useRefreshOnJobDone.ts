import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useClient, type MethodName } from '../api';

/**
 * Refetches these methods whenever a job finishes, wherever it was started (a page, Settings, the
 * CLI): a scan or an import changes what lists and figures show, and the engine says so only by the job.
 */
export function useRefreshOnJobDone(methods: readonly MethodName[]): void {
  const client = useClient();
  const queryClient = useQueryClient();
  const key = methods.join(',');
  useEffect(() => {
    const names = key.split(',');
    const subscription = client.subscribe('jobs.onDidProgress', (job) => {
      if (job.state !== 'done') return;
      for (const name of names) void queryClient.invalidateQueries({ queryKey: [name] });
    });
    return () => subscription.dispose();
  }, [client, queryClient, key]);
}
