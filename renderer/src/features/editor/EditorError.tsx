import { Link } from '@tanstack/react-router';
import { isAtelierError } from '../../api';
import { InlineCode } from '../../components/InlineCode';
import { ErrorNotice, Notice } from '../../components/Notice';
import { errorHeadline, pointsToSettings, type EditorAction } from './editor.format';
import styles from './Editor.module.css';

/** A typed error as a headline in the artist's terms, the engine's advice, the code, and Settings when that is the fix. */
export function EditorError({ error, action }: { error: unknown; action: EditorAction }) {
  if (!isAtelierError(error)) return <ErrorNotice error={error} />;
  return (
    <Notice tone="error">
      <strong className={styles.errorHeadline}>{errorHeadline(error.code, action)}</strong>
      <span className={styles.errorMessage}>
        <InlineCode text={error.message} />
      </span>
      <span className={styles.errorFoot}>
        <span className={styles.errorCode}>{error.code}</span>
        {pointsToSettings(error.code, error.message) ? (
          <Link to="/settings" className={styles.errorLink}>
            Open Settings
          </Link>
        ) : null}
      </span>
    </Notice>
  );
}
