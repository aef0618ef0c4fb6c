import { isAtelierError } from '../../api';
import { InlineCode } from '../../components/InlineCode';
import { ErrorNotice, Notice } from '../../components/Notice';
import { errorHeadline, type ErrorContext } from './errors';
import styles from './Lora.module.css';

/** A typed error as a headline in the user's terms, the engine's advice, and the code for bug reports. */
export function TypedError({ error, context }: { error: unknown; context: ErrorContext }) {
  if (!isAtelierError(error)) return <ErrorNotice error={error} />;
  return (
    <Notice tone="error">
      <strong className={styles.errorHeadline}>{errorHeadline(error.code, context)}</strong>
      <span className={styles.errorMessage}>
        <InlineCode text={error.message} />
      </span>
      <span className={styles.errorCode}>{error.code}</span>
    </Notice>
  );
}
