import { AtelierError } from '../api';

function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export function databaseCorrupt(path: string, cause?: unknown): AtelierError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new AtelierError(
    'DATABASE_CORRUPT',
    `The file ${path} is not a readable Atelier database${detail}. Restore a backup, or move the file ` +
      'away and restart Atelier to begin with an empty library.',
  );
}

export function databaseTooNew(path: string, fileVersion: number, appVersion: number): AtelierError {
  return new AtelierError(
    'DATABASE_TOO_NEW',
    `The database ${path} was created by a newer version of Atelier (schema ${fileVersion}; this version ` +
      `understands up to ${appVersion}). Update Atelier to open it; the file was left untouched.`,
    { fileVersion, appVersion },
  );
}

/** Turns what SQLite or the file system threw while opening into an error the user can act on. */
export function toOpenError(error: unknown, path: string): unknown {
  if (error instanceof AtelierError) return error;
  const code = sqliteCode(error) ?? '';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return databaseCorrupt(path, error);
  if (/^(SQLITE_(CANTOPEN|READONLY|PERM|IOERR|AUTH)|E(ACCES|PERM|ISDIR|ROFS|NOTDIR))/.test(code)) {
    const reason = error instanceof Error ? error.message : code;
    return new AtelierError(
      'PATH_UNREADABLE',
      `Atelier cannot open its database at ${path} (${reason}). Check that it is a file in a folder you can write to.`,
    );
  }
  return error;
}
