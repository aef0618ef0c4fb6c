import { isAtelierError } from '../../api';
import { ErrorDetail, ErrorNotice } from '../../components/Notice';
import { errorHeadline, type ErrorContext } from './errors';

/** A typed error as a headline in the user's terms, the engine's advice, and the code for bug reports. */
export function TypedError({ error, context }: { error: unknown; context: ErrorContext }) {
  if (!isAtelierError(error)) return <ErrorNotice error={error} />;
  return (
    <ErrorDetail headline={errorHeadline(error.code, context)} message={error.message} code={error.code} />
  );
}
