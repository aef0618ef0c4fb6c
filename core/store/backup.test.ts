import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { useTempFolder, useTestDatabase } from './store.test-support';

describe('backup', () => {
  const database = useTestDatabase();
  const output = useTempFolder();

  /** About 4 MB of jobs, so the copy takes several steps of 256 pages. */
  function fill(): void {
    const { jobs } = database();
    database().connection.transaction(() => {
      for (let i = 0; i < 1000; i++)
        jobs.create({ kind: 'k', title: `job ${i}`, input: { pad: 'x'.repeat(4000) } });
    })();
  }

  it('writes a complete, readable copy and reports progress up to the total', async () => {
    fill();
    const destination = join(output(), 'backups', 'atelier-2025-01-01.db');
    const reports: [number, number][] = [];
    await database().backup(destination, (done, total) => {
      reports.push([done, total]);
      return true;
    });

    expect(reports.length).toBeGreaterThan(2);
    const [lastDone, lastTotal] = reports.at(-1) ?? [0, 0];
    expect(lastDone).toBe(lastTotal);
    expect(reports.map(([done]) => done)).toEqual(reports.map(([done]) => done).sort((x, y) => x - y));
    expect(readdirSync(join(output(), 'backups'))).toEqual(['atelier-2025-01-01.db']);

    const copy = new Database(destination, { readonly: true });
    try {
      expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(copy.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(1000);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
  });

  it('leaves no file behind when cancelled part-way', async () => {
    fill();
    const destination = join(output(), 'atelier-backup.db');
    let calls = 0;
    const backup = database().backup(destination, (done) => {
      calls++;
      return done === 0 || calls < 3;
    });

    await expect(backup).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(3);
    expect(existsSync(destination)).toBe(false);
    expect(readdirSync(output())).toEqual([]);
  });
});
