import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageListQuery } from '../../api';
import type { SqliteAtelierDatabase } from '../../store';
import { openDatabase, SqliteImageRepository } from '../../store';
import { tempDir } from '../../testing';
import { encodeTestImage, ThumbnailCache } from '../../vision';
import { insertPngChunks, tEXt } from '../metadata/fixtures/metadata-writer';
import { ImageLibraryService } from './image-library.service';
import type { ImageLibraryServiceOptions } from './image-library.service';
import { countingFs, FIXTURE_NAMES, writeAt, writeImageFolder } from './images.test-support';

/** Every file under `dir` with a hash of its bytes and its mtime: what "never modified" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] =
      `${createHash('sha256').update(readFileSync(file)).digest('hex')}@${statSync(file).mtimeMs}`;
  }
  return out;
}

describe('ImageLibraryService', () => {
  let temp: ReturnType<typeof tempDir>;
  let db: SqliteAtelierDatabase;
  let thumbnails: ThumbnailCache;
  let root: string;

  beforeEach(() => {
    temp = tempDir('atelier-images-');
    db = openDatabase({ path: path.join(temp.path, 'atelier.db') });
    thumbnails = new ThumbnailCache(path.join(temp.path, 'cache'));
    root = path.join(temp.path, 'outputs');
    mkdirSync(root);
    db.connection.prepare("INSERT INTO folders (id, path, kind) VALUES (1, ?, 'images')").run(root);
  });
  afterEach(() => {
    thumbnails.dispose();
    db.dispose();
    temp.dispose();
  });

  const service = (options: ImageLibraryServiceOptions = {}) =>
    new ImageLibraryService(new SqliteImageRepository(db.connection), thumbnails, options);
  const roots = () => [{ folderId: 1, path: root }];
  const list = (s: ImageLibraryService, query: Record<string, unknown> = {}) =>
    s.list(ImageListQuery.parse(query));
  const byPath = (s: ImageLibraryService, name: string) =>
    list(s).items.find((i) => i.path === path.join(root, name))!;

  function addVersion(name: string): number {
    const model = db.connection.prepare('INSERT INTO models (name) VALUES (?) RETURNING id').get(name) as {
      id: number;
    };
    return (
      db.connection
        .prepare('INSERT INTO model_versions (model_id, name) VALUES (?, ?) RETURNING id')
        .get(model.id, name) as { id: number }
    ).id;
  }

  function addLoraFile(
    fileName: string,
    hashes: { autov3?: string; autov2?: string } = {},
    modelVersionId: number | null = null,
  ): number {
    return (
      db.connection
        .prepare(
          `INSERT INTO lora_files (path, file_name, size, mtime_ms, autov3, autov2, model_version_id, scan_state)
           VALUES (?, ?, 1, 1, ?, ?, ?, 'hashed') RETURNING id`,
        )
        .get(
          `/loras/${fileName}`,
          fileName,
          hashes.autov3 ?? null,
          hashes.autov2 ?? null,
          modelVersionId,
        ) as { id: number }
    ).id;
  }

  it('scans every format, stores settings and problems, and skips what is not an image', async () => {
    await writeImageFolder(root);
    const counts = await service().scan(roots());
    expect(counts).toEqual({ seen: 6, added: 6, changed: 0, unchanged: 0, removed: 0, moved: 0, errors: 2 });
    const s = service();

    expect(byPath(s, FIXTURE_NAMES.a1111Png)).toMatchObject({
      source: 'local',
      userId: 1,
      width: 64,
      height: 96,
      steps: 30,
      seed: 3847123901,
      sampler: 'DPM++ 2M',
      cfg: 6.5,
      negativePrompt: 'lowres, bad anatomy, (worst quality:1.4),\ntext, watermark',
      createdAt: '2024-01-01T12:01:00.000Z',
    });
    expect(byPath(s, FIXTURE_NAMES.civitaiJpeg)).toMatchObject({
      width: 48,
      height: 32,
      seed: 42,
      steps: 25,
    });
    expect(byPath(s, FIXTURE_NAMES.a1111Webp)).toMatchObject({
      width: 40,
      height: 40,
      prompt: 'a quiet harbor <lora:ink:0.5>',
    });
    expect(byPath(s, FIXTURE_NAMES.comfyPng)).toMatchObject({
      prompt: 'a watercolor fox in a misty forest',
      steps: 25,
      sampler: 'dpmpp_2m',
    });

    const broken = byPath(s, FIXTURE_NAMES.badCrcPng);
    expect(broken.prompt).toBeNull();
    expect(s.problems(broken.id)).toEqual([expect.stringContaining('CRC')]);
    expect(s.problems(byPath(s, FIXTURE_NAMES.notAnImage).id)).toEqual(['Not a PNG, JPEG or WebP file.']);
    expect(list(s).items.map((i) => path.relative(root, i.path!))).toEqual([
      FIXTURE_NAMES.notAnImage,
      FIXTURE_NAMES.badCrcPng,
      FIXTURE_NAMES.comfyPng,
      FIXTURE_NAMES.a1111Webp,
      FIXTURE_NAMES.civitaiJpeg,
      FIXTURE_NAMES.a1111Png,
    ]);
    expect(list(s, { query: 'watercolor' }).items.map((i) => path.relative(root, i.path!))).toEqual([
      FIXTURE_NAMES.comfyPng,
      FIXTURE_NAMES.a1111Png,
    ]);
  });

  it('links LoRAs by AutoV3, then AutoV2, then file name, records the rule, and logs generated interactions', async () => {
    const detailVersion = addVersion('Add Detail XL');
    const detail = addLoraFile('add-detail-xl.safetensors', { autov3: '0a1b2c3d4e5f' }, detailVersion);
    const watercolor = addLoraFile('Watercolor_Style_SDXL.safetensors');
    const lighthouse = addLoraFile('lighthouse_v3.safetensors', { autov2: '2d2bcc2f3a' });
    // Same stem as the AutoV3 match, other file: the hash must win over the name.
    addLoraFile('sub/ADD-DETAIL-XL.safetensors');
    await writeImageFolder(root);
    await service().scan(roots());
    const s = service();

    expect(byPath(s, FIXTURE_NAMES.a1111Png).loras).toEqual([
      {
        name: 'add-detail-xl',
        weight: 0.8,
        loraFileId: detail,
        modelVersionId: detailVersion,
        matchRule: 'autov3',
      },
      {
        name: 'Watercolor_Style_SDXL',
        weight: 1.2,
        loraFileId: watercolor,
        modelVersionId: null,
        matchRule: 'file_name',
      },
    ]);
    expect(byPath(s, FIXTURE_NAMES.civitaiJpeg).loras).toEqual([
      {
        name: 'LighthouseXL',
        weight: 0.7,
        loraFileId: lighthouse,
        modelVersionId: null,
        matchRule: 'autov2',
      },
      { name: 'film_grain', weight: 1, loraFileId: null, modelVersionId: null, matchRule: 'unmatched' },
    ]);
    expect(byPath(s, FIXTURE_NAMES.comfyPng).loras).toEqual([
      {
        name: 'styles\\Watercolor_Style_SDXL.safetensors',
        weight: 0.9,
        loraFileId: watercolor,
        modelVersionId: null,
        matchRule: 'file_name',
      },
      {
        name: 'add-detail-xl.safetensors',
        weight: 0.6,
        loraFileId: detail,
        modelVersionId: detailVersion,
        matchRule: 'file_name',
      },
    ]);

    expect(list(s, { loraFileId: detail }).items.map((i) => path.relative(root, i.path!))).toEqual([
      FIXTURE_NAMES.comfyPng,
      FIXTURE_NAMES.a1111Png,
    ]);
    const interactions = db.connection
      .prepare(
        "SELECT user_id, model_version_id, image_id FROM interactions WHERE kind = 'generated' ORDER BY image_id",
      )
      .all();
    expect(interactions).toEqual([
      { user_id: 1, model_version_id: detailVersion, image_id: byPath(s, FIXTURE_NAMES.a1111Png).id },
      { user_id: 1, model_version_id: detailVersion, image_id: byPath(s, FIXTURE_NAMES.comfyPng).id },
    ]);
  });

  it('relinks unmatched and name-only links once hashes are known', async () => {
    await writeImageFolder(root);
    await service().scan(roots());
    const watercolor = addLoraFile('Watercolor_Style_SDXL.safetensors');
    const s = service();
    expect(s.relink()).toEqual({ images: 4, relinked: 2 });
    expect(byPath(s, FIXTURE_NAMES.a1111Png).loras.map((l) => [l.matchRule, l.loraFileId])).toEqual([
      ['unmatched', null],
      ['file_name', watercolor],
    ]);

    const version = addVersion('Watercolor');
    db.connection
      .prepare("UPDATE lora_files SET autov3 = '9f8e7d6c5b4a', model_version_id = ? WHERE id = ?")
      .run(version, watercolor);
    s.relink();
    expect(byPath(s, FIXTURE_NAMES.a1111Png).loras[1]).toMatchObject({
      matchRule: 'autov3',
      loraFileId: watercolor,
      modelVersionId: version,
    });
    expect(
      db.connection
        .prepare("SELECT count(*) AS n FROM interactions WHERE model_version_id = ? AND kind = 'generated'")
        .get(version),
    ).toEqual({ n: 2 });
    expect(s.relink().relinked).toBe(0);
  });

  it('rescans incrementally: unchanged files are not opened, changed ones are re-read, deleted ones removed', async () => {
    const files = await writeImageFolder(root);
    await service().scan(roots());

    const fs = countingFs();
    expect(await service({ fs }).scan(roots())).toEqual({
      seen: 6,
      added: 0,
      changed: 0,
      unchanged: 6,
      removed: 0,
      moved: 0,
      errors: 0,
    });
    expect(fs.opened).toEqual([]);

    const png = await encodeTestImage('png', 20, 20);
    writeAt(
      files.a1111Png,
      insertPngChunks(png, [tEXt('parameters', 'a new prompt\nSteps: 5, Seed: 1, CFG scale: 3')]),
      30,
    );
    rmSync(files.civitaiJpeg);
    const again = countingFs();
    expect(await service({ fs: again }).scan(roots())).toEqual({
      seen: 5,
      added: 0,
      changed: 1,
      unchanged: 4,
      removed: 1,
      moved: 0,
      errors: 0,
    });
    expect(again.opened).toEqual([files.a1111Png]);
    const s = service();
    expect(byPath(s, FIXTURE_NAMES.a1111Png)).toMatchObject({
      prompt: 'a new prompt',
      width: 20,
      steps: 5,
      createdAt: '2024-01-01T12:01:00.000Z',
    });
    expect(list(s).total).toBe(5);
  });

  it('never writes to the image folders, thumbnails included', async () => {
    await writeImageFolder(root);
    const before = snapshot(root);
    const s = service({ batchSize: 2 });
    await s.scan(roots());
    for (const item of list(s).items.slice(0, 3)) await s.locate('thumbnail', item.id).catch(() => undefined);
    await s.scan(roots());
    expect(snapshot(root)).toEqual(before);
  });

  it('handles files vanishing or failing between listing and reading, and folders it cannot list', async () => {
    const files = await writeImageFolder(root);
    await service().scan(roots());
    const failing = countingFs(
      new Map([
        [files.a1111Png, 'ENOENT'],
        [files.comfyPng, 'EACCES'],
        [path.dirname(files.civitaiJpeg), 'EACCES'],
      ]),
    );
    writeAt(files.a1111Png, await encodeTestImage('png', 8, 8), 40);
    writeAt(files.comfyPng, await encodeTestImage('png', 8, 8), 41);
    const counts = await service({ fs: failing }).scan(roots());
    // a1111.png vanished: not seen, its row removed. comfy: kept with an error. sub/ unlisted: kept.
    expect(counts).toEqual({ seen: 3, added: 0, changed: 0, unchanged: 2, removed: 1, moved: 0, errors: 1 });
    const s = service();
    expect(
      list(s)
        .items.map((i) => path.relative(root, i.path!))
        .sort(),
    ).toEqual(
      [
        FIXTURE_NAMES.notAnImage,
        FIXTURE_NAMES.badCrcPng,
        FIXTURE_NAMES.comfyPng,
        FIXTURE_NAMES.a1111Webp,
        FIXTURE_NAMES.civitaiJpeg,
      ].sort(),
    );
    expect(byPath(s, FIXTURE_NAMES.comfyPng).steps).toBe(25);
  });

  it('keeps everything when a root is unreachable, and reports it', async () => {
    await writeImageFolder(root);
    await service().scan(roots());
    const messages: string[] = [];
    const counts = await service().scan([{ folderId: 1, path: path.join(temp.path, 'unplugged') }], {
      report: (_p, message) => messages.push(message ?? ''),
    });
    expect(counts).toEqual({ seen: 0, added: 0, changed: 0, unchanged: 0, removed: 0, moved: 0, errors: 1 });
    expect(messages.join('\n')).toContain('not reachable');
    expect(list(service()).total).toBe(6);
  });

  it('follows symbolic links only when asked, and survives link loops', async () => {
    const elsewhere = path.join(temp.path, 'elsewhere');
    writeAt(path.join(elsewhere, 'linked.png'), await encodeTestImage('png', 8, 8), 1);
    writeAt(path.join(root, 'own.png'), await encodeTestImage('png', 8, 8), 2);
    symlinkSync(elsewhere, path.join(root, 'link-dir'));
    symlinkSync(root, path.join(root, 'loop'));
    symlinkSync(path.join(elsewhere, 'linked.png'), path.join(root, 'file-link.png'));

    expect((await service().scan(roots(), { followSymlinks: false })).seen).toBe(1);
    const followed = await service().scan(roots(), { followSymlinks: true });
    expect(followed).toMatchObject({ seen: 3, added: 2, unchanged: 1 });
    expect(
      list(service())
        .items.map((i) => path.relative(root, i.path!))
        .sort(),
    ).toEqual(['file-link.png', 'link-dir/linked.png', 'own.png']);
  });

  it('stops when cancelled, keeping what it read and removing nothing', async () => {
    await writeImageFolder(root);
    const controller = new AbortController();
    controller.abort();
    await expect(service().scan(roots(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });

    expect(list(service()).total).toBe(0);

    await service().scan(roots());
    rmSync(path.join(root, FIXTURE_NAMES.a1111Png));
    writeAt(path.join(root, 'late.png'), await encodeTestImage('png', 8, 8), 50);
    const midway = new AbortController();
    const fs = countingFs();
    const aborting = { ...fs, open: (p: string) => (midway.abort(), fs.open(p)) };
    await expect(service({ fs: aborting }).scan(roots(), { signal: midway.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    const s = service();
    expect(list(s).items.map((i) => path.basename(i.path!))).toContain('late.png');
    expect(list(s).items.map((i) => path.basename(i.path!))).toContain('a1111.png');
    expect((await s.scan(roots())).removed).toBe(1);
  });

  it('toggles reactions and filters by them; unknown images are NOT_FOUND', async () => {
    await writeImageFolder(root);
    const s = service();
    await s.scan(roots());
    const id = byPath(s, FIXTURE_NAMES.comfyPng).id;
    expect(s.react(1, id, 'heart')).toEqual({
      imageId: id,
      reactions: { heart: true, like: false, laugh: false, cry: false },
    });
    expect(list(s, { reaction: 'heart' }).items.map((i) => i.id)).toEqual([id]);
    expect(s.react(1, id, 'heart').reactions.heart).toBe(false);
    expect(s.react(1, id, 'like', true).reactions.like).toBe(true);
    expect(s.get(id).reactions.like).toBe(true);
    expect(() => s.react(1, 9999, 'like')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => s.get(9999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('a renamed or moved image keeps its row, and with it the reactions and LoRA links', async () => {
    const files = await writeImageFolder(root);
    const s = service();
    await s.scan(roots());
    const before = byPath(s, FIXTURE_NAMES.comfyPng);
    s.react(1, before.id, 'heart');
    const moved = path.join(root, 'favourites', 'renamed.png');
    mkdirSync(path.dirname(moved));
    renameSync(files.comfyPng, moved);

    const counts = await s.scan(roots());
    expect(counts).toMatchObject({ added: 1, removed: 0, moved: 1, unchanged: 5 });
    const after = list(s).items.find((i) => i.path === moved)!;
    expect(after.id).toBe(before.id);
    expect(after.reactions.heart).toBe(true);
    expect(after.loras).toEqual(before.loras);
    expect(list(s).total).toBe(6);
    expect(list(s, { reaction: 'heart' }).items.map((i) => i.path)).toEqual([moved]);
    // Moved back: the same row again.
    renameSync(moved, files.comfyPng);
    expect(await s.scan(roots())).toMatchObject({ moved: 1, removed: 0 });
    expect(byPath(s, FIXTURE_NAMES.comfyPng)).toMatchObject({ id: before.id, reactions: { heart: true } });
  });

  it('locates the image and an on-demand thumbnail for the media route', async () => {
    await writeImageFolder(root);
    const s = service();
    await s.scan(roots());
    const item = byPath(s, FIXTURE_NAMES.a1111Png);
    expect(await s.locate('image', item.id)).toBe(item.path);
    const thumb = await s.locate('thumbnail', item.id);
    expect(thumb.startsWith(path.join(temp.path, 'cache'))).toBe(true);
    expect(thumb.endsWith('.webp')).toBe(true);
    await expect(s.locate('thumbnail', 9999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
