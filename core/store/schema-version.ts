import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { databaseCorrupt, toOpenError } from './sqlite-errors';

const HEADER_SIZE = 100;
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** `PRAGMA user_version` lives here in the file header, as a big-endian 32-bit integer. */
const USER_VERSION_OFFSET = 60;

function readHeader(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toOpenError(error, path);
  }
  try {
    const header = Buffer.alloc(HEADER_SIZE);
    const read = readSync(fd, header, 0, HEADER_SIZE, 0);
    return header.subarray(0, read);
  } catch (error) {
    throw toOpenError(error, path);
  } finally {
    closeSync(fd);
  }
}

function walHasFrames(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/**
 * The schema version stored in the file at `path`, read without writing anything: 0 for a missing
 * or empty file. The header is enough unless a crash left a WAL, whose frames may hold a newer
 * version; then a read-only connection replays it in memory without checkpointing.
 */
export function readStoredSchemaVersion(path: string, nativeBinding: string | undefined): number {
  const header = readHeader(path);
  if (header === undefined || header.length === 0) return 0;
  if (header.length < HEADER_SIZE || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw databaseCorrupt(path);
  }
  if (!walHasFrames(path)) return header.readInt32BE(USER_VERSION_OFFSET);

  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
    return probe.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw toOpenError(error, path);
  } finally {
    probe?.close();
  }
}
