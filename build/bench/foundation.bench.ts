// Foundation costs every feature pays: opening the engine, a call through the browser bridge, a CLI run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../core/engine';
import { startHttpHost } from '../../core/hosts/http';
import { median, percentile, record } from './report';

const RUNS = 5;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-'));
try {
  createEngine({ dataDir }).dispose();

  const opens: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const engine = createEngine({ dataDir });
    await engine.invoke('app.status', {});
    opens.push(performance.now() - t);
    engine.dispose();
  }

  const engine = createEngine({ dataDir });
  const host = await startHttpHost({ engine });
  const calls: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    const response = await fetch(`http://127.0.0.1:${host.port}/api/invoke/folders.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}` },
      body: '{}',
    });
    await response.json();
    calls.push(performance.now() - t);
  }
  await host.close();
  engine.dispose();

  const cli: number[] = [];
  const bin = path.resolve(import.meta.dirname, '../../core/hosts/cli/bin.mjs');
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const run = spawnSync(process.execPath, [bin, 'status', '--json', '--data-dir', dataDir]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
    cli.push(performance.now() - t);
  }

  record(
    'foundation',
    [
      { metric: `engine open + app.status (median of ${RUNS})`, value: `${median(opens).toFixed(1)} ms` },
      {
        metric: 'HTTP bridge call folders.list (p50 / p95 of 300)',
        value: `${median(calls).toFixed(2)} / ${percentile(calls, 95).toFixed(2)} ms`,
      },
      {
        metric: `\`atelier status --json\` wall time (median of ${RUNS})`,
        value: `${median(cli).toFixed(0)} ms`,
      },
    ],
    ['Issue 2 names no targets; these are the baseline later issues are compared against.'],
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
