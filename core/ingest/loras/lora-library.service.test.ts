import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtelierError } from '../../api';
import { generateSdxlLora } from '../../lora';
import { createHeaderWorkerParser } from './header.parser';
import { jobOptions, useLibrary, writeTinyLora } from './library.test-support';
import { LoraLibraryService } from './lora-library.service';

function snapshotTree(dir: string): Map<string, { bytes: string; mtimeMs: number }> {
  const out = new Map<string, { bytes: string; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        out.set(full, { bytes: readFileSync(full).toString('base64'), mtimeMs: statSync(full).mtimeMs });
      }
    }
  };
  walk(dir);
  return out;
}

describe('LoraLibraryService.scan', () => {
  const library = useLibrary();

  it('adds new files from their headers, with format and base model, before any hashing', async () => {
    const { root, service } = library();
    await writeTinyLora(path.join(root, 'style', 'watercolor_v2.safetensors'));
    await writeTinyLora(path.join(root, 'characters', 'hero.safetensors'), { seed: 2 });

    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toEqual({ seen: 2, added: 2, changed: 0, unchanged: 0, removed: 0, moved: 0, errors: 0 });

    const list = service.list({});
    expect(list.total).toBe(2);
    expect(list.items.map((i) => i.fileName)).toEqual(['hero.safetensors', 'watercolor_v2.safetensors']);
    for (const item of list.items) {
      expect(item).toMatchObject({ format: 'kohya', baseModel: 'sdxl', scanState: 'parsed', error: null });
      expect(item.sha256).toBeNull();
      expect(item.modelName).toBe(path.basename(item.fileName, '.safetensors'));
    }
  });

  it('every parsed file gets a model version; the header summary is stored', async () => {
    const { root, service, db } = library();
    await writeTinyLora(path.join(root, 'a.safetensors'));
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    const row = db.connection.prepare('SELECT model_version_id, header_json FROM lora_files').get() as {
      model_version_id: number | null;
      header_json: string;
    };
    expect(row.model_version_id).not.toBeNull();
    const header = JSON.parse(row.header_json) as Record<string, unknown>;
    expect(header).toMatchObject({ moduleCount: 10, ranks: [{ rank: 4, modules: 10 }] });
    expect(header.countsByTarget).toEqual({ unet: 8, te1: 1, te2: 1 });
  });

  it('a rescan of unchanged files opens none of them', async () => {
    const { root, service, fs } = library();
    for (let i = 0; i < 5; i++)
      await writeTinyLora(path.join(root, `d${i % 2}`, `lora${i}.safetensors`), { seed: i });
    writeFileSync(
      path.join(root, 'd0', 'lora0.civitai.info'),
      JSON.stringify({ id: 11, modelId: 7, model: { name: 'Zero' } }),
    );
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(fs.opens.length).toBe(5);
    fs.reset();

    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toEqual({ seen: 5, added: 0, changed: 0, unchanged: 5, removed: 0, moved: 0, errors: 0 });
    expect(fs.opens).toEqual([]);
    expect(fs.reads).toEqual([]);
  });

  it('re-reads a changed file and drops its stale hashes', async () => {
    const { root, service, fs } = library();
    const file = path.join(root, 'a.safetensors');
    await writeTinyLora(file, { seed: 1 });
    await writeTinyLora(path.join(root, 'b.safetensors'), { seed: 9 });
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    await service.hashPending(jobOptions());
    const before = service.list({ query: 'a' }).items[0]!;
    expect(before.scanState).toBe('hashed');

    await writeTinyLora(file, { seed: 5, metadata: { 'modelspec.title': 'Renamed' } });
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    fs.reset();
    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ changed: 1, unchanged: 1, added: 0 });
    expect(fs.opens).toEqual([file]);
    const after = service.get(before.id).lora;
    expect(after).toMatchObject({
      scanState: 'parsed',
      sha256: null,
      tensorHash: null,
      modelName: 'Renamed',
    });
  });

  it('removes files that are gone, with their search rows and local models', async () => {
    const { root, service, db } = library();
    await writeTinyLora(path.join(root, 'keep.safetensors'));
    await writeTinyLora(path.join(root, 'gone.safetensors'), { seed: 3 });
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    const count = (sql: string) => (db.connection.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT count(*) AS n FROM model_versions')).toBe(2);

    rmSync(path.join(root, 'gone.safetensors'));
    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ seen: 1, removed: 1 });
    expect(service.list({}).items.map((i) => i.fileName)).toEqual(['keep.safetensors']);
    expect(service.list({ query: 'gone' }).total).toBe(0);
    expect(count('SELECT count(*) AS n FROM lora_fts')).toBe(1);
    expect(count('SELECT count(*) AS n FROM model_versions')).toBe(1);
    expect(count('SELECT count(*) AS n FROM models')).toBe(1);
  });

  it('a file renamed or moved keeps its row (so its links too): tags, hashes and search follow it', async () => {
    const { root, service, db } = library();
    const scan = () => service.scan([{ folderId: 1, path: root }], jobOptions());
    const names = (list: { items: { fileName: string }[] }) => list.items.map((i) => i.fileName);
    await writeTinyLora(path.join(root, 'watercolour.safetensors'));
    await writeTinyLora(path.join(root, 'other.safetensors'), { seed: 5 });
    await scan();
    await service.hashPending(jobOptions());
    const sql = (text: string, ...args: unknown[]) =>
      db.connection.prepare(text).get(...args) as Record<string, unknown>;
    const { id } = sql("SELECT id FROM lora_files WHERE file_name = 'watercolour.safetensors'") as {
      id: number;
    };
    db.connection.exec("INSERT INTO tags (name) VALUES ('favourite')");
    db.connection
      .prepare(
        "INSERT INTO lora_file_tags (lora_file_id, tag_id) SELECT ?, id FROM tags WHERE name = 'favourite'",
      )
      .run(id);
    const before = sql('SELECT sha256, tensor_hash, scan_state FROM lora_files WHERE id = ?', id);

    mkdirSync(path.join(root, 'sorted'));
    renameSync(path.join(root, 'watercolour.safetensors'), path.join(root, 'sorted', 'inkwash.safetensors'));
    const counts = await scan();
    expect(counts).toMatchObject({ seen: 2, added: 0, removed: 0, moved: 1, changed: 1, unchanged: 1 });
    const row = sql(
      'SELECT id, path, file_name, sha256, tensor_hash, scan_state FROM lora_files WHERE id = ?',
      id,
    );
    expect(row).toMatchObject({
      path: path.join(root, 'sorted', 'inkwash.safetensors'),
      file_name: 'inkwash.safetensors',
      ...before,
    });
    expect(sql('SELECT count(*) AS n FROM lora_file_tags WHERE lora_file_id = ?', id).n).toBe(1);
    expect(names(service.list({ query: 'inkwash' }))).toEqual(['inkwash.safetensors']);
    // Its header's own title (the generator writes the first name) stays its model name.
    expect(names(service.list({ query: 'watercolour' }))).toEqual(['inkwash.safetensors']);
    expect(names(service.list({ tag: 'favourite' }))).toEqual(['inkwash.safetensors']);
    // The version name it had from its old file name follows the new one.
    expect(service.get(id).lora).toMatchObject({ versionName: 'inkwash', modelName: 'watercolour' });
  });

  it('does not guess when renamed files cannot be told apart, and never pairs a changed file', async () => {
    const { root, service } = library();
    const scan = () => service.scan([{ folderId: 1, path: root }], jobOptions());
    const file = (name: string) => path.join(root, name);
    await writeTinyLora(file('a.safetensors'), { seed: 1 });
    copyFileSync(file('a.safetensors'), file('b.safetensors'));
    await writeTinyLora(file('c.safetensors'), { seed: 3 });
    const when = new Date('2024-05-01T10:00:00Z');
    for (const name of ['a', 'b']) utimesSync(file(`${name}.safetensors`), when, when);
    await scan();
    const ids = new Map(service.list({}).items.map((i) => [i.fileName, i.id]));

    // Same size and time: either could be either, so both count as gone and new.
    renameSync(file('a.safetensors'), file('a2.safetensors'));
    renameSync(file('b.safetensors'), file('b2.safetensors'));
    // Renamed and then rewritten (another mtime): another file as far as the library can tell.
    renameSync(file('c.safetensors'), file('c2.safetensors'));
    utimesSync(file('c2.safetensors'), new Date(), new Date(Date.now() + 5000));
    const counts = await scan();
    expect(counts).toMatchObject({ added: 3, removed: 3, moved: 0 });
    const now = service.list({}).items;
    expect(now.map((i) => i.fileName)).toEqual(['a2.safetensors', 'b2.safetensors', 'c2.safetensors']);
    for (const item of now) expect([...ids.values()]).not.toContain(item.id);
  });

  it('moves unchanged files to the folder they are found under now, and forgets a removed folder', async () => {
    const { root, service, db } = library();
    const sub = path.join(root, 'sub');
    await writeTinyLora(path.join(sub, 'a.safetensors'));
    await service.scan([{ folderId: 2, path: sub }], jobOptions());
    expect(service.list({ folderId: 2 }).total).toBe(1);

    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ unchanged: 1, changed: 0 });
    expect(service.list({ folderId: 1 }).total).toBe(1);

    expect(service.forget([root])).toBe(1);
    expect(service.list({}).total).toBe(0);
    expect(db.connection.prepare('SELECT count(*) AS n FROM models').get()).toEqual({ n: 0 });
    expect(existsSync(path.join(sub, 'a.safetensors'))).toBe(true);
  });

  it('keeps the files of a folder that cannot be listed (an unplugged drive)', async () => {
    const { root, service } = library();
    const drive = path.join(root, 'drive');
    await writeTinyLora(path.join(drive, 'a.safetensors'));
    await service.scan([{ folderId: 1, path: drive }], jobOptions());
    rmSync(drive, { recursive: true });
    const counts = await service.scan([{ folderId: 1, path: drive }], jobOptions());
    expect(counts).toMatchObject({ removed: 0, errors: 1 });
    expect(service.list({}).total).toBe(1);
  });

  it('reports each bad file on its own row, goes on, and changes nothing on disk', async () => {
    const { root, service, fs } = library();
    const good = path.join(root, 'good.safetensors');
    await writeTinyLora(good);
    // Cut off inside the tensor data: a typical interrupted download.
    await writeTinyLora(path.join(root, 'tmp.safetensors'), { seed: 4 });
    const whole = readFileSync(path.join(root, 'tmp.safetensors'));
    writeFileSync(path.join(root, 'truncated.safetensors'), whole.subarray(0, whole.length - 100));
    rmSync(path.join(root, 'tmp.safetensors'));
    writeFileSync(
      path.join(root, 'garbage.safetensors'),
      Buffer.from('this is not a safetensors file at all'),
    );
    writeFileSync(path.join(root, 'evil.ckpt'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
    await writeTinyLora(path.join(root, 'latin1.safetensors'), { seed: 5 });
    writeFileSync(
      path.join(root, 'latin1.civitai.info'),
      Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
    );
    await writeTinyLora(path.join(root, 'wrongtypes.safetensors'), { seed: 6 });
    writeFileSync(
      path.join(root, 'wrongtypes.civitai.info'),
      JSON.stringify({
        id: 'abc',
        modelId: 42,
        trainedWords: 'not a list',
        model: { name: 17, tags: ['ok', 5] },
      }),
    );
    symlinkSync(path.join(root, 'nowhere.safetensors'), path.join(root, 'dangling.safetensors'));
    const locked = path.join(root, 'locked.safetensors');
    await writeTinyLora(locked, { seed: 7 });
    fs.failOpen.set(locked, 'EACCES');
    const before = snapshotTree(root);

    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ seen: 8, added: 8, errors: 5 });
    expect(snapshotTree(root)).toEqual(before);
    expect(fs.opens).not.toContain(path.join(root, 'evil.ckpt'));

    const byName = new Map(service.list({ limit: 50 }).items.map((i) => [i.fileName, i]));
    expect(byName.get('good.safetensors')).toMatchObject({ scanState: 'parsed', error: null });
    expect(byName.get('truncated.safetensors')).toMatchObject({ scanState: 'error' });
    expect(byName.get('truncated.safetensors')!.error).toMatch(/cut off/);
    expect(byName.get('garbage.safetensors')!.scanState).toBe('error');
    expect(byName.get('evil.ckpt')).toMatchObject({ scanState: 'error', format: null });
    expect(byName.get('evil.ckpt')!.error).toMatch(/pickle/);
    expect(byName.get('dangling.safetensors')!.error).toMatch(/link to a file that does not exist/);
    expect(byName.get('locked.safetensors')!.error).toMatch(/permission denied/);
    // Sidecar trouble is noted on a row that is otherwise fine.
    expect(byName.get('latin1.safetensors')).toMatchObject({ scanState: 'parsed', baseModel: 'sdxl' });
    expect(byName.get('latin1.safetensors')!.error).toMatch(/latin1\.civitai\.info is not UTF-8/);
    const wrong = byName.get('wrongtypes.safetensors')!;
    expect(wrong).toMatchObject({ scanState: 'parsed', civitaiVersionId: null, tags: ['ok'] });
    expect(wrong.error).toMatch(/"id" is a string, not a Civitai id/);
    expect(wrong.error).toMatch(/"trainedWords" is a string, not a list/);
    expect(wrong.error).toMatch(/"model.name" is a number/);

    fs.reset();
    const again = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(again).toMatchObject({ unchanged: 8, changed: 0, errors: 0 });
    expect(fs.opens).toEqual([]);
  });

  it('follows symbolic links only when asked, and ends link loops', async () => {
    const { root, service } = library();
    const elsewhere = path.join(path.dirname(root), 'elsewhere');
    await writeTinyLora(path.join(elsewhere, 'linked.safetensors'));
    await writeTinyLora(path.join(root, 'own.safetensors'), { seed: 2 });
    symlinkSync(elsewhere, path.join(root, 'shared'));
    symlinkSync(root, path.join(root, 'loop'));

    await service.scan([{ folderId: 1, path: root }], { ...jobOptions(), followSymlinks: false });
    expect(service.list({}).items.map((i) => i.fileName)).toEqual(['own.safetensors']);

    await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(service.list({}).items.map((i) => i.path)).toEqual([
      path.join(root, 'shared', 'linked.safetensors'),
      path.join(root, 'own.safetensors'),
    ]);
  });

  it('skips a file that vanishes between listing and reading, and removes its old row', async () => {
    const { root, service, fs } = library();
    const file = path.join(root, 'flaky.safetensors');
    await writeTinyLora(file);
    await writeTinyLora(path.join(root, 'steady.safetensors'), { seed: 2 });
    await service.scan([{ folderId: 1, path: root }], jobOptions());

    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    fs.failOpen.set(file, 'ENOENT');
    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ seen: 1, unchanged: 1, removed: 1, errors: 0 });
    expect(service.list({}).items.map((i) => i.fileName)).toEqual(['steady.safetensors']);
  });

  it('a cancelled scan leaves a consistent database and the next scan finishes the job', async () => {
    const { root, service, fs, db } = library();
    for (let i = 0; i < 12; i++) await writeTinyLora(path.join(root, `f${i}.safetensors`), { seed: i });
    const controller = new AbortController();
    fs.onOpen = () => {
      if (fs.opens.length === 7) controller.abort();
    };
    await expect(
      service.scan([{ folderId: 1, path: root }], jobOptions(controller.signal)),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    fs.onOpen = undefined;

    const c = db.connection;
    expect(c.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(c.pragma('foreign_key_check')).toEqual([]);
    const stored = (c.prepare('SELECT count(*) AS n FROM lora_files').get() as { n: number }).n;
    expect(stored).toBeGreaterThanOrEqual(6);
    expect(stored).toBeLessThan(12);
    expect(c.prepare('SELECT count(*) AS n FROM lora_fts').get()).toEqual({ n: stored });
    expect(c.prepare('SELECT count(*) AS n FROM lora_files WHERE model_version_id IS NULL').get()).toEqual({
      n: 0,
    });

    fs.reset();
    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ seen: 12, added: 12 - stored, unchanged: stored, removed: 0 });
    expect(fs.opens.length).toBe(12 - stored);
    expect(service.list({}).total).toBe(12);
  });

  it('refuses to start when already cancelled, without touching the database', async () => {
    const { root, service } = library();
    await writeTinyLora(path.join(root, 'a.safetensors'));
    const controller = new AbortController();
    controller.abort();
    await expect(
      service.scan([{ folderId: 1, path: root }], jobOptions(controller.signal)),
    ).rejects.toBeInstanceOf(AtelierError);
    expect(service.list({}).total).toBe(0);
  });
});

describe('sidecars and previews', () => {
  const library = useLibrary();

  it('maps Civitai Helper info onto a Civitai model and version with tags and trained words', async () => {
    const { root, service, db } = library();
    await writeTinyLora(path.join(root, 'ink.safetensors'));
    writeFileSync(
      path.join(root, 'ink.civitai.info'),
      JSON.stringify({
        id: 9001,
        modelId: 77,
        name: 'v2.0',
        baseModel: 'SDXL 1.0',
        trainedWords: ['inkwash', 'sumi-e style'],
        description: '<p>Ink <b>wash</b> painting</p>',
        model: { name: 'Ink Wash', tags: ['style', 'Painting'], nsfw: false },
        images: [{ url: 'https://image.civitai.com/1.jpeg' }],
      }),
    );
    writeFileSync(path.join(root, 'ink.preview.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await service.scan([{ folderId: 1, path: root }], jobOptions());

    const item = service.list({}).items[0]!;
    expect(item).toMatchObject({
      modelName: 'Ink Wash',
      versionName: 'v2.0',
      civitaiVersionId: 9001,
      tags: ['Painting', 'style'],
      trainedWords: ['inkwash', 'sumi-e style'],
      hasPreview: true,
      error: null,
    });
    const detail = service.get(item.id);
    expect(detail.sidecars).toEqual(['ink.civitai.info']);
    expect(detail.description).toBe('Ink wash painting');
    expect(service.previewPath(item.id)).toBe(path.join(root, 'ink.preview.png'));
    const model = db.connection.prepare('SELECT civitai_id FROM models').get();
    expect(model).toEqual({ civitai_id: 77 });
    const version = db.connection.prepare('SELECT base_model, meta_json FROM model_versions').get() as {
      base_model: string;
      meta_json: string;
    };
    expect(version.base_model).toBe('SDXL 1.0');
    expect(JSON.parse(version.meta_json)).toEqual({ imageUrls: ['https://image.civitai.com/1.jpeg'] });
  });

  it('reads LoRA Manager, Stability Matrix and A1111 sidecars, the best source winning per field', async () => {
    const { root, service } = library();
    await writeTinyLora(path.join(root, 'lm.safetensors'), { seed: 1 });
    writeFileSync(
      path.join(root, 'lm.metadata.json'),
      JSON.stringify({
        model_name: 'Manager Name',
        base_model: 'Illustrious',
        tags: ['anime'],
        civitai: { id: '501', modelId: 50, name: 'v1', trainedWords: ['lmword'] },
      }),
    );
    await writeTinyLora(path.join(root, 'sm.safetensors'), { seed: 2 });
    writeFileSync(
      path.join(root, 'sm.cm-info.json'),
      JSON.stringify({
        ModelId: 60,
        VersionId: 601,
        ModelName: 'Matrix',
        VersionName: 'v3',
        TrainedWords: ['smword'],
        Tags: ['photo'],
      }),
    );
    await writeTinyLora(path.join(root, 'a1.safetensors'), { seed: 3 });
    writeFileSync(
      path.join(root, 'a1.json'),
      JSON.stringify({
        description: 'my notes',
        'activation text': 'a1word, second',
        'preferred weight': 0.7,
        'sd version': 'SDXL',
      }),
    );
    // Two sidecars for one file: the LoRA Manager record wins over A1111's for the name, words are united.
    writeFileSync(path.join(root, 'lm.json'), JSON.stringify({ 'activation text': 'extra' }));
    await service.scan([{ folderId: 1, path: root }], jobOptions());

    const byName = new Map(service.list({}).items.map((i) => [i.fileName, i]));
    expect(byName.get('lm.safetensors')).toMatchObject({
      modelName: 'Manager Name',
      civitaiVersionId: 501,
      tags: ['anime'],
      trainedWords: ['lmword', 'extra'],
    });
    expect(service.get(byName.get('lm.safetensors')!.id).sidecars).toEqual(['lm.metadata.json', 'lm.json']);
    expect(byName.get('sm.safetensors')).toMatchObject({
      modelName: 'Matrix',
      versionName: 'v3',
      civitaiVersionId: 601,
      tags: ['photo'],
    });
    expect(byName.get('a1.safetensors')).toMatchObject({
      modelName: 'a1',
      civitaiVersionId: null,
      trainedWords: ['a1word', 'second'],
    });
    expect(service.get(byName.get('a1.safetensors')!.id).description).toBe('my notes');
  });

  it('extracts the cover embedded in the header into the cache, never beside the LoRA', async () => {
    const { root, cacheDir, service } = library();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await writeTinyLora(path.join(root, 'covered.safetensors'), {
      metadata: { ssmd_cover_images: JSON.stringify([png.toString('base64')]) },
    });
    const before = readdirSync(root);
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    const item = service.list({}).items[0]!;
    expect(item.hasPreview).toBe(true);
    const preview = service.previewPath(item.id)!;
    expect(preview.startsWith(cacheDir)).toBe(true);
    expect(readFileSync(preview)).toEqual(png);
    expect(readdirSync(root)).toEqual(before);
  });

  it('notices a sidecar added later without re-reading unchanged LoRAs, and keeps the hashes', async () => {
    const { root, service, fs } = library();
    await writeTinyLora(path.join(root, 'late.safetensors'));
    await writeTinyLora(path.join(root, 'other.safetensors'), { seed: 2 });
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    await service.hashPending(jobOptions());
    writeFileSync(
      path.join(root, 'late.civitai.info'),
      JSON.stringify({ id: 5, modelId: 6, model: { name: 'Late Info', tags: ['fresh'] } }),
    );
    fs.reset();
    const counts = await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(counts).toMatchObject({ changed: 1, unchanged: 1 });
    expect(fs.opens).toEqual([path.join(root, 'late.safetensors')]);
    const item = service.list({ query: 'fresh' }).items[0]!;
    expect(item).toMatchObject({ modelName: 'Late Info', scanState: 'hashed' });
    expect(item.tensorHash).not.toBeNull();
  });
});

describe('hashing and duplicates', () => {
  const library = useLibrary();

  it('finds duplicates by tensor hash, not by name or full-file hash', async () => {
    const { root, service } = library();
    await writeTinyLora(path.join(root, 'a', 'original.safetensors'), { seed: 1 });
    // Same weights, other metadata: another full-file hash, the same tensor hash.
    await writeTinyLora(path.join(root, 'b', 'renamed copy.safetensors'), {
      seed: 1,
      metadata: { ss_output_name: 'x' },
    });
    // Same name, other weights: not a duplicate.
    await writeTinyLora(path.join(root, 'b', 'original.safetensors'), { seed: 2 });
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    expect(service.list({ duplicates: true }).total).toBe(0);

    const result = await service.hashPending(jobOptions());
    expect(result).toEqual({ hashed: 3, errors: 0 });
    const dupes = service.list({ duplicates: true });
    expect(dupes.items.map((i) => i.fileName).sort()).toEqual([
      'original.safetensors',
      'renamed copy.safetensors',
    ]);
    expect(dupes.items.every((i) => i.duplicateCount === 1)).toBe(true);
    expect(new Set(dupes.items.map((i) => i.sha256)).size).toBe(2);
    const [first, second] = dupes.items;
    expect(service.get(first!.id).duplicates).toEqual([{ id: second!.id, path: second!.path }]);
    const all = service.list({});
    expect(
      all.items.find((i) => i.path.endsWith(path.join('b', 'original.safetensors')))!.duplicateCount,
    ).toBe(0);
    expect(
      all.items.every((i) => i.scanState === 'hashed' && i.autoV3?.length === 12 && i.autoV2?.length === 10),
    ).toBe(true);
  });

  it('hashing is cancellable and keeps what it finished', async () => {
    const { root, service } = library();
    for (let i = 0; i < 4; i++) await writeTinyLora(path.join(root, `h${i}.safetensors`), { seed: i });
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    const controller = new AbortController();
    let started = 0;
    const options = {
      signal: controller.signal,
      // Scan order decides ids, so stop by count: while the third file is announced.
      report: (_p: number | null, message?: string) => {
        if (message?.startsWith('Hashing h') === true && ++started === 3) controller.abort();
      },
    };
    await expect(service.hashPending(options)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(service.list({}).items.filter((i) => i.scanState === 'hashed').length).toBe(2);
    expect(await service.hashPending(jobOptions())).toEqual({ hashed: 2, errors: 0 });
  });

  it('skips a file that changed after it was scanned', async () => {
    const { root, service } = library();
    const file = path.join(root, 'moving.safetensors');
    await writeTinyLora(file);
    await service.scan([{ folderId: 1, path: root }], jobOptions());
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await service.hashPending(jobOptions())).toEqual({ hashed: 0, errors: 0 });
    expect(service.list({}).items[0]!.scanState).toBe('parsed');
  });
});

describe('search, filters and sorting', () => {
  const library = useLibrary();

  async function seed() {
    const { root, service } = library();
    await writeTinyLora(path.join(root, 'styles', 'Watercolor_Dream.safetensors'), { seed: 1 });
    writeFileSync(
      path.join(root, 'styles', 'Watercolor_Dream.civitai.info'),
      JSON.stringify({
        id: 1,
        modelId: 1,
        trainedWords: ['wtrclr'],
        model: { name: 'Dreamy Paint', tags: ['landscape'] },
      }),
    );
    await writeTinyLora(path.join(root, 'chars', 'knight.safetensors'), { seed: 2 });
    writeFileSync(
      path.join(root, 'chars', 'knight.json'),
      JSON.stringify({ 'activation text': 'armored knight' }),
    );
    const other = path.join(path.dirname(root), 'other');
    await writeTinyLora(path.join(other, 'zeppelin.safetensors'), { seed: 3 });
    writeFileSync(path.join(other, 'big.safetensors'), Buffer.alloc(4096));
    utimesSync(path.join(root, 'chars', 'knight.safetensors'), new Date(), new Date(Date.now() + 60_000));
    await service.scan(
      [
        { folderId: 1, path: root },
        { folderId: 2, path: other },
      ],
      jobOptions(),
    );
    return service;
  }

  const names = (list: { items: { fileName: string }[] }) => list.items.map((i) => i.fileName);

  it('full-text search finds by file name, model name, tag and trained word, by prefix', async () => {
    const service = await seed();
    expect(names(service.list({ query: 'watercol' }))).toEqual(['Watercolor_Dream.safetensors']);
    expect(names(service.list({ query: 'dreamy' }))).toEqual(['Watercolor_Dream.safetensors']);
    expect(names(service.list({ query: 'landscape' }))).toEqual(['Watercolor_Dream.safetensors']);
    expect(names(service.list({ query: 'wtrclr' }))).toEqual(['Watercolor_Dream.safetensors']);
    expect(names(service.list({ query: 'armored' }))).toEqual(['knight.safetensors']);
    expect(names(service.list({ query: 'Knight armor' }))).toEqual(['knight.safetensors']);
    expect(service.list({ query: 'knight zeppelin' }).total).toBe(0);
  });

  it('search text is never FTS syntax', async () => {
    const service = await seed();
    for (const query of [
      '"',
      'knight"',
      'AND',
      'OR (',
      'NEAR(a b)',
      'name:knight',
      '*',
      '-x',
      '^knight',
      '(((',
      '',
    ]) {
      expect(() => service.list({ query })).not.toThrow();
    }
    expect(names(service.list({ query: 'knight"' }))).toEqual(['knight.safetensors']);
    expect(names(service.list({ query: 'KNIGHT)' }))).toEqual(['knight.safetensors']);
    expect(service.list({ query: '"*"' }).total).toBe(4);
  });

  it('filters by base model, folder, tag, and combines them with search', async () => {
    const service = await seed();
    expect(names(service.list({ base: 'sdxl' }))).toEqual([
      'knight.safetensors',
      'Watercolor_Dream.safetensors',
      'zeppelin.safetensors',
    ]);
    expect(names(service.list({ base: 'SDXL', folderId: 2 }))).toEqual(['zeppelin.safetensors']);
    expect(names(service.list({ folderId: 2 }))).toEqual(['big.safetensors', 'zeppelin.safetensors']);
    expect(names(service.list({ tag: 'LANDSCAPE' }))).toEqual(['Watercolor_Dream.safetensors']);
    expect(names(service.list({ tag: 'landscape', query: 'knight' }))).toEqual([]);
  });

  it('offers as base models exactly those the filter finds files for', async () => {
    const service = await seed();
    const { bases } = service.bases();
    // The unreadable big.safetensors has no base model and is not offered.
    expect(bases).toEqual([{ value: 'sdxl', files: 3 }]);
    for (const base of bases) expect(service.list({ base: base.value }).total).toBe(base.files);
  });

  it('sorts by name, recent and size, and pages with a total', async () => {
    const service = await seed();
    expect(names(service.list({ sort: 'recent' }))[0]).toBe('knight.safetensors');
    const bySize = service.list({ sort: 'size' }).items.map((i) => i.size);
    expect(bySize).toEqual([...bySize].sort((a, b) => b - a));
    const page = service.list({ sort: 'name', offset: 1, limit: 2 });
    expect(page.total).toBe(4);
    expect(names(page)).toEqual(['knight.safetensors', 'Watercolor_Dream.safetensors']);
  });

  it('get() of an unknown id is NOT_FOUND', async () => {
    const service = await seed();
    expect(() => service.get(999)).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }) as Error);
  });
});

describe('LoraLibraryService.watch', () => {
  const library = useLibrary();

  it('reports a new LoRA once per burst, ignores other files, and closes every handle', async () => {
    const { root, service } = library();
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
    let changes = 0;
    const watcher = service.watch([{ folderId: 1, path: root }], () => changes++, {
      debounceMs: 300,
      writeFinishMs: 50,
    });
    await watcher.ready;
    expect(process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length).toBeGreaterThan(
      baseline,
    );

    writeFileSync(path.join(root, 'notes.txt'), 'ignored');
    await new Promise((r) => setTimeout(r, 400));
    expect(changes).toBe(0);

    mkdirSync(path.join(root, 'sub'));
    await writeTinyLora(path.join(root, 'sub', 'new.safetensors'));
    copyFileSync(path.join(root, 'sub', 'new.safetensors'), path.join(root, 'sub', 'new2.safetensors'));
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(changes).toBeLessThanOrEqual(2);

    watcher.dispose();
    await watcher.closed;
    // Handles are released on the next turns of the event loop after close() settles.
    await expect
      .poll(() => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length, {
        timeout: 2000,
      })
      .toBe(baseline);
    const after = changes;
    writeFileSync(path.join(root, 'late.civitai.info'), '{}');
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toBe(after);
    expect(existsSync(root)).toBe(true);
  });
});

describe('header parsing on worker threads', () => {
  const library = useLibrary();

  it('gives the same rows as parsing inline, for full-size and broken headers', async () => {
    const { root, files, cacheDir } = library();
    await generateSdxlLora(path.join(root, 'full.safetensors'), { scale: 64 });
    const whole = readFileSync(path.join(root, 'full.safetensors'));
    writeFileSync(path.join(root, 'cut.safetensors'), whole.subarray(0, whole.length - 10));
    await writeTinyLora(path.join(root, 'tiny.safetensors'));

    const parser = createHeaderWorkerParser({ size: 1 });
    expect(parser).not.toBeNull();
    try {
      const service = new LoraLibraryService({ files, cacheDir, headerParser: parser! });
      await service.scan([{ folderId: 1, path: root }], jobOptions());
      const viaWorkers = service.list({}).items;
      files.remove(viaWorkers.map((i) => i.id));
      const inline = new LoraLibraryService({ files, cacheDir });
      await inline.scan([{ folderId: 1, path: root }], jobOptions());
      const strip = (items: typeof viaWorkers) => items.map(({ id: _id, ...rest }) => rest);
      expect(strip(viaWorkers)).toEqual(strip(inline.list({}).items));
      expect(viaWorkers.map((i) => [i.fileName, i.scanState])).toEqual([
        ['cut.safetensors', 'error'],
        ['full.safetensors', 'parsed'],
        ['tiny.safetensors', 'parsed'],
      ]);
    } finally {
      parser?.dispose();
    }
  });
});
