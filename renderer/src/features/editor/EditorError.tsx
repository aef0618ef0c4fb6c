import { Link } from '@tanstack/react-router';
import { isAtelierError } from '../../api';
import { ErrorDetail, ErrorNotice } from '../../components/Notice';
import { errorHeadline, pointsToSettings, type EditorAction } from './editor.format';

/** A typed error as a headline in the artist's terms, the engine's advice, the code, and Settings when that is the fix. */
export function EditorError({ error, action }: { error: unknown; action: EditorAction }) {
  if (!isAtelierError(error)) return <ErrorNotice error={error} />;
  return (
    <ErrorDetail
      headline={errorHeadline(error.code, action)}
      message={error.message}
      code={error.code}
      action={
        pointsToSettings(error.code, error.message) ? <Link to="/settings">Open Settings</Link> : undefined
      }
    />
  );
}
