import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createEngine } from '../engine';

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('a job killed with SIGKILL mid-write shows as interrupted after restart, and the database is intact', async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-crash-'));
  // The engine creates the database first, as the app would have.
  createEngine({ dataDir }).dispose();
  const databasePath = path.join(dataDir, 'atelier.db');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/crash-child.ts'), databasePath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const jobId = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /RUNNING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const engine = createEngine({ dataDir });
  try {
    const job = (await engine.invoke('jobs.get', { id: jobId })) as {
      state: string;
      finishedAt: string | null;
    };
    expect(job.state).toBe('interrupted');
    expect(job.finishedAt).not.toBeNull();
    const status = (await engine.invoke('app.status', {})) as { schemaVersion: number };
    expect(status.schemaVersion).toBeGreaterThan(0);
  } finally {
    engine.dispose();
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(databasePath, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
});
