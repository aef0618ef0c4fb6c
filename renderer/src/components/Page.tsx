import type { ReactNode } from 'react';
import styles from './Page.module.css';

export function Page({
  title,
  description,
  eyebrow,
  children,
}: {
  title: string;
  description: ReactNode;
  /** Above the title: a way back for pages one level down. */
  eyebrow?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        {eyebrow ? <div className={styles.eyebrow}>{eyebrow}</div> : null}
        <h1>{title}</h1>
        <div className={styles.description}>{description}</div>
      </header>
      {children}
    </div>
  );
}
