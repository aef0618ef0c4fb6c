import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { generateImageGemSample } from './fixtures/imagegem.generator';
import { expectedSnapshot, snapshot, useImportFixture } from './imagegem.test-support';

const fixture = useImportFixture();

it('an import killed with SIGKILL mid-write resumes after its last committed batch and ends complete', async () => {
  const f = fixture();
  const sample = generateImageGemSample(f.dir, {
    images: 8000,
    models: 150,
    users: 90,
    seed: 11,
    format: 'parquet',
    rowGroupSize: 1500,
  });
  const databasePath = `${f.dir}/atelier.db`;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'fixtures/import.child.ts'),
      databasePath,
      '--models',
      sample.modelsPath,
      '--images',
      sample.imagesPath,
      '--batch',
      '500',
      '--announce',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    let reports = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      reports += chunk.toString().split('BATCH').length - 1;
      if (reports >= 4) resolve();
    });
    void exited.then(() => reject(new Error('the import finished before it could be killed')));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const db = f.reopen();
  const left = db.connection.prepare('SELECT state, progress_json FROM import_runs').get() as {
    state: string;
    progress_json: string;
  };
  expect(left.state).toBe('running');
  const committed = JSON.parse(left.progress_json) as { images: number };
  expect(committed.images).toBeGreaterThanOrEqual(1500);
  expect(committed.images).toBeLessThan(8000);
  expect(snapshot(db).links).toBe(committed.images);

  const summary = await f.run({ models: sample.modelsPath, images: sample.imagesPath });
  expect(summary.resumedFromRow).toBe(150 + committed.images);
  expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
});
