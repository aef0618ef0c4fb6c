import styles from './ProgressBar.module.css';

/** `value` in 0..1, or null while the size of the work is unknown. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  if (value === null) {
    return (
      <div className={`${styles.track} ${styles.indeterminate}`} role="progressbar" aria-label={label}>
        <div className={styles.fill} />
      </div>
    );
  }
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={styles.track}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className={styles.fill} style={{ width: `${percent}%` }} />
    </div>
  );
}
