import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { JobHandler } from '../jobs';
import type { AtelierDatabase } from '../store';

export const BACKUP_JOB = 'store.backup';

/** Copies the live database page by page into `<dataDir>/backups/`, so a bad import can be undone. */
export function backupJob(database: AtelierDatabase, dataDir: string): JobHandler {
  return async (_input, context) => {
    const folder = path.join(dataDir, 'backups');
    mkdirSync(folder, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const destination = path.join(folder, `atelier-${stamp}.db`);
    await database.backup(destination, (done, total) => {
      context.report(total > 0 ? done / total : null, `${done} of ${total} pages`);
      return !context.signal.aborted;
    });
    return { path: destination };
  };
}
