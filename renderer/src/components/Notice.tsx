import type { ReactNode } from 'react';
import { isAtelierError } from '../api';
import { Icon, type IconName } from './Icon';
import { InlineCode } from './InlineCode';
import styles from './Notice.module.css';

export type Tone = 'error' | 'warning' | 'success' | 'info';

const icons: Record<Tone, IconName> = { error: 'alert', warning: 'alert', success: 'check', info: 'info' };

export function Notice({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <div className={`${styles.notice} ${styles[tone]}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={icons[tone]} size={16} />
      <div>{children}</div>
    </div>
  );
}

/** Shows a typed error as its code plus the message that says what to do. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (isAtelierError(error)) {
    return (
      <Notice tone="error">
        <span className={styles.code}>{error.code}</span>
        <InlineCode text={error.message} />
      </Notice>
    );
  }
  return (
    <Notice tone="error">
      <InlineCode text={error instanceof Error ? error.message : String(error)} />
    </Notice>
  );
}

/**
 * An error told in the user's terms: a headline, the engine's message (what to do), and in a foot
 * line the error code for bug reports and an optional action (a link to where the fix is).
 */
export function ErrorDetail({
  headline,
  message,
  code,
  action,
}: {
  headline: string;
  message: string;
  code?: string;
  action?: ReactNode;
}) {
  return (
    <Notice tone="error">
      <strong className={styles.headline}>{headline}</strong>
      <span className={styles.message}>
        <InlineCode text={message} />
      </span>
      {code !== undefined || action !== undefined ? (
        <span className={styles.foot}>
          {code !== undefined ? <span className={styles.footCode}>{code}</span> : null}
          {action}
        </span>
      ) : null}
    </Notice>
  );
}
