import { useEffect, useReducer } from 'react';
import { useClient, useMethodMutation, useMethodQuery, type Job, type MethodInput } from '../api';
import { Icon } from '../components/Icon';
import { InlineCode } from '../components/InlineCode';
import { ProgressBar } from '../components/ProgressBar';
import { emptyTray, nextFadeAt, trayReducer, visibleJobs, type TrayEntry } from './jobTray.state';
import styles from './JobTray.module.css';

const ACTIVE_JOBS: MethodInput<'jobs.list'> = { states: ['queued', 'running'], limit: 50 };

/** Running and queued work, live from `jobs.onDidProgress` on top of an initial `jobs.list`. */
export function JobTray() {
  const client = useClient();
  const [state, dispatch] = useReducer(trayReducer, emptyTray);
  const listed = useMethodQuery('jobs.list', ACTIVE_JOBS);

  useEffect(() => {
    const subscription = client.subscribe('jobs.onDidProgress', (job) =>
      dispatch({ type: 'progress', job, now: Date.now() }),
    );
    return () => subscription.dispose();
  }, [client]);

  useEffect(() => {
    const at = nextFadeAt(state);
    if (at === null) return;
    const timer = setTimeout(
      () => dispatch({ type: 'expire', now: Date.now() }),
      Math.max(0, at - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [state]);

  const entries = visibleJobs(listed.data ?? [], state);
  return (
    <section className={styles.tray} aria-label="Jobs" aria-live="polite">
      {entries.length > 0 ? <h2 className={styles.heading}>Jobs</h2> : null}
      {entries.map((entry) => (
        <JobRow
          key={entry.job.id}
          entry={entry}
          onDismiss={() => dispatch({ type: 'dismiss', id: entry.job.id })}
        />
      ))}
    </section>
  );
}

function JobRow({ entry, onDismiss }: { entry: TrayEntry; onDismiss: () => void }) {
  const { job } = entry;
  const cancel = useMethodMutation('jobs.cancel', { invalidates: ['jobs.list'] });
  const active = job.state === 'queued' || job.state === 'running';
  const needsAttention = job.state === 'failed' || job.state === 'interrupted';
  const className = [
    styles.job,
    needsAttention ? styles.failed : '',
    entry.fadeAt !== null ? styles.fading : '',
  ].join(' ');

  return (
    <article className={className} aria-label={job.title}>
      <div className={styles.top}>
        <span className={styles.title}>{job.title}</span>
        {active ? (
          <button
            type="button"
            className={styles.iconButton}
            aria-label={`Cancel ${job.title}`}
            title="Cancel"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ id: job.id })}
          >
            <Icon name="close" size={14} />
          </button>
        ) : null}
        {needsAttention ? (
          <button
            type="button"
            className={styles.iconButton}
            aria-label={`Dismiss ${job.title}`}
            title="Dismiss"
            onClick={onDismiss}
          >
            <Icon name="close" size={14} />
          </button>
        ) : null}
      </div>
      {job.state === 'running' ? <ProgressBar value={job.progress} label={`${job.title} progress`} /> : null}
      <JobStatus job={job} />
      {cancel.error ? <span className={styles.error}>{cancel.error.message}</span> : null}
    </article>
  );
}

function JobStatus({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
      return <span className={styles.status}>{job.message ?? 'Waiting to start'}</span>;
    case 'running': {
      const percent = job.progress === null ? '' : `${Math.round(job.progress * 100)}% · `;
      return <span className={styles.status}>{`${percent}${job.message ?? 'Working…'}`}</span>;
    }
    case 'done':
      return <span className={`${styles.status} ${styles.done}`}>{job.message ?? 'Done'}</span>;
    case 'cancelled':
      return <span className={styles.status}>Cancelled</span>;
    case 'failed':
      return (
        <span className={styles.error}>
          <InlineCode text={job.error ?? 'Failed'} />
        </span>
      );
    case 'interrupted':
      return (
        <span className={styles.error}>{job.error ?? 'Stopped when Atelier closed. Start it again.'}</span>
      );
  }
}
