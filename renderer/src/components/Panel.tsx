import type { ReactNode } from 'react';
import styles from './Panel.module.css';

export function Panel({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className={styles.panel} aria-label={title}>
      <div className={styles.head}>
        <div>
          <h2>{title}</h2>
          {description ? <p className={styles.description}>{description}</p> : null}
        </div>
        {actions}
      </div>
      <div className={styles.body}>{children}</div>
    </section>
  );
}
