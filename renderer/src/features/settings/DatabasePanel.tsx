import { useMethodMutation, type Job } from '../../api';
import { ErrorNotice, Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { useFollowedJob } from '../../components/useFollowedJob';
import styles from './Settings.module.css';

export function DatabasePanel() {
  const backup = useMethodMutation('store.backup', { invalidates: ['jobs.list'] });
  const job = useFollowedJob(backup.data);
  const running = job?.state === 'queued' || job?.state === 'running';
  return (
    <Panel
      title="Database"
      description="Your reactions, profile and folder list live in one SQLite file in the data folder."
    >
      <div className={styles.stack}>
        <div className={styles.actions}>
          <button
            type="button"
            className="button"
            disabled={backup.isPending || running}
            onClick={() => backup.mutate({})}
          >
            {running ? 'Backing up…' : 'Back up database'}
          </button>
          <span className="hint">
            Writes a dated copy to the backups folder inside the data folder, without pausing Atelier.
          </span>
        </div>
        {job ? <BackupOutcome job={job} /> : null}
        {backup.error ? <ErrorNotice error={backup.error} /> : null}
      </div>
    </Panel>
  );
}

function BackupOutcome({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
    case 'running':
      return <Notice tone="info">Backing up. Progress shows in the Jobs tray.</Notice>;
    case 'done':
      return (
        <Notice tone="success">
          Backed up to <code>{backupPath(job.result) ?? 'the backups folder'}</code>
        </Notice>
      );
    case 'cancelled':
      return <Notice tone="info">Backup cancelled. No copy was kept.</Notice>;
    case 'failed':
    case 'interrupted':
      return <Notice tone="error">{job.error ?? 'The backup did not finish. Try again.'}</Notice>;
  }
}

function backupPath(result: unknown): string | null {
  return typeof result === 'object' && result !== null && 'path' in result && typeof result.path === 'string'
    ? result.path
    : null;
}
