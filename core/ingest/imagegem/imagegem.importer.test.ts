import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportSummary } from '../../api';
import { generateImageGemSample, writeTruncatedCopy } from './fixtures/imagegem.generator';
import type { SampleFormat } from './fixtures/imagegem.generator';
import { DatasetFileError } from './imagegem.errors';
import { expectedSnapshot, quietContext, snapshot, useImportFixture } from './imagegem.test-support';

const SMALL = { images: 2400, models: 150, users: 90, seed: 7, rowGroupSize: 700 } as const;

describe('ImageGemImporter', () => {
  const fixture = useImportFixture();

  it.each<SampleFormat>(['parquet', 'csv', 'jsonl'])(
    'imports a %s sample with the exact expected counts',
    async (format) => {
      const f = fixture();
      const sample = generateImageGemSample(f.dir, { ...SMALL, format, badRows: 8 });
      const summary = await f.run({ models: sample.modelsPath, images: sample.imagesPath });

      expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
      expect(summary).toMatchObject({
        modelRows: sample.expected.modelRows,
        imageRows: sample.expected.imageRows,
        usersAdded: sample.expected.users,
        skippedRows: 8,
        resumedFromRow: 0,
      });
      expect(ImportSummary.parse(summary)).toEqual(summary);
      expect(summary.problems).toHaveLength(8);
      expect(summary.problems[0]).toMatch(/^images row \d+ skipped: id is missing$/);
    },
  );

  it('stores the values of a row as the table gives them', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, images: 300, format: 'csv' });
    await f.run({ models: sample.modelsPath, images: sample.imagesPath });

    const header = readFileSync(sample.imagesPath, 'utf8').split('\n')[0]!.split(',');
    const firstImage = Number(readFileSync(sample.imagesPath, 'utf8').split('\n')[1]!.split(',')[0]);
    expect(header.slice(0, 3)).toEqual(['id', 'userHash', 'modelVersionId']);
    const stored = f.db.connection
      .prepare(
        `SELECT i.source, i.url, i.steps, i.sampler, i.cfg, i.created_at, u.hash, r.heart_count
         FROM images i JOIN users u ON u.id = i.user_id JOIN image_reaction_counts r ON r.image_id = i.id
         WHERE i.civitai_image_id = ?`,
      )
      .get(firstImage) as Record<string, unknown>;
    expect(stored.source).toBe('imagegem');
    expect(stored.url).toMatch(/^https:\/\/image\.civitai\.com\//);
    expect(stored.created_at).toMatch(/^202[34]-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(stored.hash).toMatch(/^[0-9a-f]{32}$/);

    const version = f.db.connection
      .prepare(
        `SELECT v.base_model, v.trained_words, v.file_name, m.name, m.creator_user_id, m.licence_json,
           (SELECT group_concat(t.name, ', ') FROM model_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.model_id = m.id) AS tags
         FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.civitai_version_id = 10000`,
      )
      .get() as Record<string, unknown>;
    expect([
      'SD 1.5',
      'SDXL 1.0',
      'Pony',
      'Illustrious',
      'Flux.1 D',
      'SD 1.4',
      'SD 2.1',
      'NoobAI',
      'SDXL Turbo',
      'Other',
    ]).toContain(version.base_model);
    expect(JSON.parse(version.trained_words as string)).toBeInstanceOf(Array);
    expect(version.file_name).toMatch(/\.safetensors$/);
    expect(version.creator_user_id).not.toBeNull();
    expect(Object.keys(JSON.parse(version.licence_json as string) as object)).toEqual([
      'allowNoCredit',
      'allowCommercialUse',
      'allowDerivatives',
      'allowDifferentLicense',
    ]);
    expect((version.tags as string).length).toBeGreaterThan(0);
  });

  it('adds nothing when the same tables are imported again, finished or from another copy', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'parquet' });
    await f.run({ models: sample.modelsPath, images: sample.imagesPath });
    const first = snapshot(f.db);

    const again = await f.run({ models: sample.modelsPath, images: sample.imagesPath });
    expect(snapshot(f.db)).toEqual(first);
    expect(again).toMatchObject({ usersAdded: 0, resumedFromRow: 0 });

    // A copy has another fingerprint, so nothing is resumed: every row is offered again and refused.
    const copy = path.join(f.dir, 'copy.parquet');
    copyFileSync(sample.imagesPath, copy);
    await f.run({ images: copy });
    expect(snapshot(f.db)).toEqual(first);
  });

  it('resumes a cancelled import after its last batch and ends where an uninterrupted one does', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'parquet', badRows: 5 });
    const input = { models: sample.modelsPath, images: sample.imagesPath };

    const controller = new AbortController();
    let batches = 0;
    const context = {
      signal: controller.signal,
      report: () => {
        if (++batches === 3) controller.abort();
      },
    };
    await expect(f.run(input, context)).rejects.toMatchObject({ code: 'CANCELLED' });
    const run = f.db.connection.prepare('SELECT state, progress_json FROM import_runs').get() as {
      state: string;
      progress_json: string;
    };
    expect(run.state).toBe('cancelled');
    const partial = snapshot(f.db);
    expect(partial.images).toBeGreaterThan(0);
    expect(partial.images).toBeLessThan(sample.expected.images);

    const resumed = await f.run(input);
    expect(resumed.resumedFromRow).toBe(150 + 1000);
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
    const states = f.db.connection.prepare('SELECT state FROM import_runs ORDER BY id').pluck().all();
    expect(states).toEqual(['done']);
  });

  it('keeps a run resumable across a restart of the app', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'jsonl' });
    const input = { models: sample.modelsPath, images: sample.imagesPath };
    const controller = new AbortController();
    let batches = 0;
    await expect(
      f.run(input, { signal: controller.signal, report: () => void (++batches === 2 && controller.abort()) }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });

    f.reopen();
    const resumed = await f.run(input);
    expect(resumed.resumedFromRow).toBeGreaterThan(0);
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
  });

  it('stops at a truncated Parquet file with a typed error, keeps what it committed, and completes once the file is whole', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'parquet' });
    const good = readFileSync(sample.imagesPath);
    writeTruncatedCopy(sample.imagesPath, sample.imagesPath, 0.6);
    const input = { models: sample.modelsPath, images: sample.imagesPath };

    const error: unknown = await f.run(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', problem: 'truncated', file: sample.imagesPath });
    expect((error as Error).message).toMatch(/not a complete Parquet file.*download it again/);
    const partial = snapshot(f.db);
    expect(partial).toMatchObject({ versions: sample.expected.versions, images: 0 });
    expect(f.db.connection.prepare('SELECT state, error FROM import_runs').get()).toMatchObject({
      state: 'failed',
    });

    writeFileSync(sample.imagesPath, good);
    const summary = await f.run(input);
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
    expect(summary.imageRows).toBe(sample.expected.imageRows);
  });

  it('commits the row groups before a damaged one, then says which rows it could not read', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'parquet' });
    const bytes = readFileSync(sample.imagesPath);
    // Overwrite the middle of the file (the later row groups' pages) and keep the footer intact.
    bytes.fill(0x5a, Math.floor(bytes.length * 0.7), Math.floor(bytes.length * 0.8));
    writeFileSync(sample.imagesPath, bytes);

    const error: unknown = await f.run({ images: sample.imagesPath }).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'corrupt' });
    expect((error as Error).message).toMatch(/could not be read from row \d+ on/);
    const committed = snapshot(f.db).links as number;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(sample.expected.links);
  });

  it('refuses a table without the columns a row needs, before writing anything', async () => {
    const f = fixture();
    const file = path.join(f.dir, 'not-imagegem.csv');
    writeFileSync(file, 'id,prompt\n1,a cat\n');
    await expect(f.run({ images: file })).rejects.toMatchObject({
      problem: 'missing-columns',
      message: expect.stringMatching(/no userHash, modelVersionId column/) as unknown,
    });
    expect(snapshot(f.db).images).toBe(0);
  });

  it('gives versions the models table lacks a placeholder, replaced when the models arrive', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'csv', unknownVersionRate: 0.05 });
    const imagesFirst = await f.run({ images: sample.imagesPath });
    expect(imagesFirst.problems.at(-1)).toMatch(/LoRA versions used by images are not in the models table/);
    await f.run({ models: sample.modelsPath });
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
    const placeholders = f.db.connection
      .prepare("SELECT count(*) FROM models WHERE meta_json ->> '$.placeholderForVersion' IS NOT NULL")
      .pluck()
      .get();
    // Only the versions that no models table lists keep theirs.
    expect(placeholders).toBe(sample.expected.versions - SMALL.models);
    expect(placeholders).toBeGreaterThan(0);
  });

  it('stops after `limit` image rows, and a run without the limit adds the rest', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'jsonl' });
    const limited = await f.run({ models: sample.modelsPath, images: sample.imagesPath, limit: 1000 });
    expect(limited.imageRows).toBe(1000);
    expect(snapshot(f.db).links).toBe(1000);
    await f.run({ models: sample.modelsPath, images: sample.imagesPath });
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
  });

  it('reads a folder of shards as one table, resuming inside the second shard', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'csv' });
    const [header, ...lines] = readFileSync(sample.imagesPath, 'utf8').trimEnd().split('\n');
    const shards = path.join(f.dir, 'images');
    mkdirSync(shards);
    writeFileSync(path.join(shards, 'train-00000-of-00002.csv'), [header, ...lines.slice(0, 900)].join('\n'));
    writeFileSync(path.join(shards, 'train-00001-of-00002.csv'), [header, ...lines.slice(900)].join('\n'));

    const controller = new AbortController();
    let batches = 0;
    await expect(
      f.run(
        { models: sample.modelsPath, images: shards },
        { signal: controller.signal, report: () => void (++batches === 3 && controller.abort()) },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    const resumed = await f.run({ models: sample.modelsPath, images: shards });
    expect(resumed.resumedFromRow).toBe(150 + 1000);
    expect(snapshot(f.db)).toMatchObject(expectedSnapshot(sample.expected));
  });

  it('reports progress from 0 to 1 with row counts, with batches sized by time', async () => {
    const f = fixture();
    const sample = generateImageGemSample(f.dir, { ...SMALL, format: 'parquet' });
    const reports: [number | null, string | undefined][] = [];
    await f.run(
      { models: sample.modelsPath, images: sample.imagesPath },
      {
        ...quietContext(),
        report: (progress, message) => reports.push([progress, message]),
      },
      {},
    );
    const fractions = reports.map(([p]) => p!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBeCloseTo(1, 6);
    expect(reports.at(-1)![1]).toBe('Importing images: 2,400 rows');
  });
});
