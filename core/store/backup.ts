import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { AtelierError } from '../api';

/** Pages copied between two progress reports; each step holds the read lock only briefly. */
const PAGES_PER_STEP = 256;

async function removeWithSidecars(path: string): Promise<void> {
  await Promise.all(
    ['', '-journal', '-wal', '-shm'].map((suffix) => rm(`${path}${suffix}`, { force: true })),
  );
}

/**
 * Copies the open database page by page into a temporary file next to `destination` and renames it
 * into place only when complete, so a cancelled or failed backup never leaves a partial copy.
 */
export async function backupDatabase(
  connection: Database.Database,
  destination: string,
  onProgress: (done: number, total: number) => boolean,
): Promise<void> {
  const target = resolve(destination);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${randomUUID()}.partial`;
  const cancelled = (): AtelierError => new AtelierError('CANCELLED', 'The backup was cancelled.');
  try {
    const { totalPages } = await connection.backup(temporary, {
      progress: ({ totalPages: total, remainingPages }) => {
        if (!onProgress(total - remainingPages, total)) throw cancelled();
        return PAGES_PER_STEP;
      },
    });
    if (!onProgress(totalPages, totalPages)) throw cancelled();
    await rename(temporary, target);
  } catch (error) {
    await removeWithSidecars(temporary);
    throw error;
  }
}
