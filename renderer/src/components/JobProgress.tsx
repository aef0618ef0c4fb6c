import { useMethodMutation, type Job } from '../api';
import styles from './JobProgress.module.css';
import { ErrorNotice } from './Notice';
import { ProgressBar } from './ProgressBar';

/**
 * A queued or running job where it was started: its message and share done, a bar, and Cancel.
 * `label` names the bar and the region for screen readers ("Build progress"); `working` is shown
 * while the job has no message yet ("Building…").
 */
export function JobProgress({ job, label, working }: { job: Job; label: string; working: string }) {
  const cancel = useMethodMutation('jobs.cancel', { invalidates: ['jobs.list'] });
  return (
    <section className={styles.progress} aria-label={label}>
      <div className={styles.top}>
        <span>
          {job.state === 'queued'
            ? 'Waiting to start…'
            : `${job.progress === null ? '' : `${Math.round(job.progress * 100)}% · `}${job.message ?? working}`}
        </span>
        <button
          type="button"
          className="button button--small"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ id: job.id })}
        >
          Cancel
        </button>
      </div>
      <ProgressBar value={job.state === 'queued' ? null : job.progress} label={label} />
      {cancel.error ? <ErrorNotice error={cancel.error} /> : null}
    </section>
  );
}
