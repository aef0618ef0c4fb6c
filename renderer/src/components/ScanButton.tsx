import { useMethodMutation } from '../api';
import { ErrorNotice } from './Notice';
import styles from './ScanButton.module.css';
import { useFollowedJob } from './useFollowedJob';

/** Starts a scan of every folder; disabled while the scan it started is queued or running. */
export function ScanButton({ primary = false }: { primary?: boolean }) {
  const scan = useMethodMutation('library.scan', { invalidates: ['jobs.list'] });
  const job = useFollowedJob(scan.data);
  const running = job?.state === 'queued' || job?.state === 'running';
  return (
    <div className={styles.scan}>
      <button
        type="button"
        className={primary ? 'button button--primary' : 'button'}
        disabled={scan.isPending || running}
        onClick={() => scan.mutate({})}
      >
        {running || scan.isPending ? 'Scanning…' : 'Scan folders'}
      </button>
      {scan.error ? <ErrorNotice error={scan.error} /> : null}
    </div>
  );
}
