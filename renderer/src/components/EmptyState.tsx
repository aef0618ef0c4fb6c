import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import styles from './EmptyState.module.css';

/** What a page will show once there is data, and the first step the user should take to get there. */
export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon: IconName;
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <section className={styles.empty} aria-label={title}>
      <div className={styles.badge}>
        <Icon name={icon} size={26} />
      </div>
      <h2>{title}</h2>
      <p className={styles.body}>{children}</p>
      {action ? <div className={styles.action}>{action}</div> : null}
    </section>
  );
}
