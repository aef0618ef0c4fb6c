import { describe, expect, it } from 'vitest';
import { ImageListQuery } from '../api';
import { FULL_TEXT_COUNT_CAP, imageListSql, imageListWhere } from './image-list.query';
import { IMAGE_QUERIES, SqliteImageRepository } from './image.repository';
import type { ImageLoraLinkInput, ScannedImage } from './image.types';
import { useTestDatabase } from './store.test-support';

const LOCAL = 1;

function scanned(path: string, overrides: Partial<ScannedImage> = {}): ScannedImage {
  return {
    path,
    folderId: 1,
    size: 100,
    mtimeMs: 1_700_000_000_000,
    createdAt: '2024-01-01T00:00:00.000Z',
    width: 832,
    height: 1216,
    prompt: 'a watercolor fox',
    negativePrompt: 'blurry',
    seed: 3847123901,
    steps: 30,
    sampler: 'DPM++ 2M',
    cfg: 6.5,
    clipSkip: 2,
    modelHash: '31e35c80fc',
    meta: { tool: 'a1111', problems: [] },
    loras: [],
    ...overrides,
  };
}

function link(overrides: Partial<ImageLoraLinkInput>): ImageLoraLinkInput {
  return {
    name: 'x',
    weight: 1,
    loraFileId: null,
    modelVersionId: null,
    matchRule: 'unmatched',
    ...overrides,
  };
}

describe('SqliteImageRepository', () => {
  const database = useTestDatabase();

  function setup() {
    const db = database();
    db.connection.prepare("INSERT INTO folders (id, path, kind) VALUES (1, '/images', 'images')").run();
    return { db, repo: new SqliteImageRepository(db.connection) };
  }

  function addVersion(name: string, sha256: string | null = null): number {
    const c = database().connection;
    const model = c.prepare('INSERT INTO models (name) VALUES (?) RETURNING id').get(name) as { id: number };
    return (
      c
        .prepare('INSERT INTO model_versions (model_id, name, sha256) VALUES (?, ?, ?) RETURNING id')
        .get(model.id, name, sha256) as { id: number }
    ).id;
  }

  function addLoraFile(file: {
    path: string;
    autov3?: string;
    autov2?: string;
    sha256?: string;
    tensorHash?: string;
    modelVersionId?: number;
    scanState?: string;
  }): number {
    const fileName = file.path.split('/').pop()!;
    return (
      database()
        .connection.prepare(
          `INSERT INTO lora_files (path, file_name, size, mtime_ms, autov3, autov2, sha256, tensor_hash, model_version_id, scan_state)
           VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          file.path,
          fileName,
          file.autov3 ?? null,
          file.autov2 ?? null,
          file.sha256 ?? null,
          file.tensorHash ?? null,
          file.modelVersionId ?? null,
          file.scanState ?? 'hashed',
        ) as { id: number }
    ).id;
  }

  const list = (repo: SqliteImageRepository, query: Record<string, unknown> = {}) =>
    repo.list(ImageListQuery.parse(query), LOCAL);

  it('inserts then updates by path, keeping created_at, and replaces links and generated interactions', () => {
    const { db, repo } = setup();
    const v1 = addVersion('fox');
    const v2 = addVersion('ink');
    const f1 = addLoraFile({ path: '/loras/fox.safetensors', modelVersionId: v1 });

    expect(
      repo.saveScanned([
        scanned('/images/a.png', {
          loras: [
            link({ name: 'fox', loraFileId: f1, modelVersionId: v1, matchRule: 'autov3', weight: 0.8 }),
            link({ name: 'ink', modelVersionId: v2, matchRule: 'sha256' }),
            link({ name: 'gone', matchRule: 'unmatched' }),
          ],
        }),
      ]),
    ).toEqual({ added: 1, changed: 0 });
    const interactions = () =>
      db.connection
        .prepare(
          "SELECT user_id, model_version_id, created_at FROM interactions WHERE kind = 'generated' ORDER BY model_version_id",
        )
        .all();
    expect(interactions()).toEqual([
      { user_id: 1, model_version_id: v1, created_at: '2024-01-01T00:00:00.000Z' },
      { user_id: 1, model_version_id: v2, created_at: '2024-01-01T00:00:00.000Z' },
    ]);

    expect(
      repo.saveScanned([
        scanned('/images/a.png', {
          prompt: 'an ink fox',
          createdAt: '2030-01-01T00:00:00.000Z',
          loras: [link({ name: 'ink', modelVersionId: v2, matchRule: 'sha256' })],
        }),
      ]),
    ).toEqual({ added: 0, changed: 1 });
    const [item] = list(repo).items;
    expect(item).toMatchObject({
      prompt: 'an ink fox',
      createdAt: '2024-01-01T00:00:00.000Z',
      source: 'local',
      userId: 1,
    });
    expect(item!.loras).toEqual([
      { name: 'ink', weight: 1, loraFileId: null, modelVersionId: v2, matchRule: 'sha256' },
    ]);
    expect(interactions()).toEqual([
      { user_id: 1, model_version_id: v2, created_at: '2024-01-01T00:00:00.000Z' },
    ]);
    expect(repo.versionsInFolder(1)).toEqual([
      { id: item!.id, path: '/images/a.png', size: 100, mtimeMs: 1_700_000_000_000 },
    ]);

    repo.remove([item!.id]);
    expect(list(repo).total).toBe(0);
    expect(interactions()).toEqual([]);
  });

  it('looks LoRAs up by each hash kind and by file stem, preferring files with a version', () => {
    const { repo } = setup();
    const v = addVersion('fox', 'AB'.repeat(32));
    const withVersion = addLoraFile({
      path: '/loras/Fox_Style.safetensors',
      autov3: '0a1b2c3d4e5f',
      autov2: '2d2bcc2f3a',
      sha256: '2d2bcc2f3a' + 'e'.repeat(54),
      tensorHash: '0a1b2c3d4e5f' + 'f'.repeat(52),
      modelVersionId: v,
    });
    addLoraFile({ path: '/other/fox_style.safetensors', autov3: '0a1b2c3d4e5f' });
    const broken = addLoraFile({ path: '/loras/ink.safetensors', scanState: 'error' });
    const ink = addLoraFile({ path: '/more/ink.safetensors' });
    const expected = { loraFileId: withVersion, modelVersionId: v };
    expect(repo.loraFileByAutoV3('0a1b2c3d4e5f')).toEqual(expected);
    expect(repo.loraFileByAutoV2('2d2bcc2f3a')).toEqual(expected);
    expect(repo.loraFileBySha256('2d2bcc2f3a' + 'e'.repeat(54))).toEqual(expected);
    expect(repo.loraFileBySha256Prefix('2d2bcc2f3ae')).toEqual(expected);
    expect(repo.loraFileBySha256Prefix('2d2bcc2f3af')).toBeUndefined();
    expect(repo.loraFileByTensorHash('0a1b2c3d4e5f' + 'f'.repeat(52))).toEqual(expected);
    expect(repo.loraFileByStem('fox_style')).toEqual(expected);
    expect(repo.loraFileByStem('ink')).toEqual({ loraFileId: ink, modelVersionId: null });
    expect(broken).toBeLessThan(ink);
    expect(repo.loraFileByStem('fox')).toBeUndefined();
    expect(repo.modelVersionBySha256('abab')).toEqual({ loraFileId: null, modelVersionId: v });
    expect(repo.modelVersionBySha256('ab'.repeat(32))).toEqual({ loraFileId: null, modelVersionId: v });
    expect(repo.modelVersionBySha256('abac')).toBeUndefined();
  });

  it('lists newest first with paging, filters, positive-prompt search and the local reactions', () => {
    const { db, repo } = setup();
    const v = addVersion('fox');
    const f = addLoraFile({ path: '/loras/fox.safetensors', modelVersionId: v });
    repo.saveScanned([
      scanned('/images/1.png', {
        createdAt: '2024-01-01T00:00:00.000Z',
        prompt: 'red fox in snow',
        loras: [link({ loraFileId: f, modelVersionId: v, matchRule: 'autov3' })],
      }),
      scanned('/images/2.png', {
        createdAt: '2024-01-03T00:00:00.000Z',
        prompt: 'blue cat',
        negativePrompt: 'fox',
      }),
      scanned('/images/3.png', { createdAt: '2024-01-02T00:00:00.000Z', prompt: 'Foxglove meadow' }),
    ]);
    db.connection.prepare("INSERT INTO users (id, name) VALUES (7, 'User 7')").run();
    const remote = db.connection
      .prepare(
        "INSERT INTO images (url, source, user_id, prompt, created_at) VALUES ('https://x/1.jpg', 'imagegem', 7, 'dataset fox', '2023-01-01') RETURNING id",
      )
      .get() as { id: number };
    db.connection
      .prepare('INSERT INTO image_reaction_counts (image_id, heart_count, like_count) VALUES (?, 12, 3)')
      .run(remote.id);

    const all = list(repo);
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.path ?? i.url)).toEqual([
      '/images/2.png',
      '/images/3.png',
      '/images/1.png',
      'https://x/1.jpg',
    ]);
    expect(all.items[3]!.reactionCounts).toEqual({ heart: 12, like: 3, laugh: 0, cry: 0 });
    expect(all.items[0]!.reactionCounts).toBeNull();

    const page = list(repo, { limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.path)).toEqual(['/images/3.png', '/images/1.png']);

    // Text search lists the newest added first (by id), so FTS can stop at the page.
    const foxes = list(repo, { query: 'fox' });
    expect(foxes.items.map((i) => i.path ?? i.url)).toEqual([
      'https://x/1.jpg',
      '/images/3.png',
      '/images/1.png',
    ]);
    expect(foxes).toMatchObject({ total: 3, totalIsLowerBound: false });
    expect(list(repo, { query: 'fox snow' }).items.map((i) => i.path)).toEqual(['/images/1.png']);
    expect(list(repo, { source: 'imagegem' }).items.map((i) => i.id)).toEqual([remote.id]);
    expect(list(repo, { userId: 7 }).total).toBe(1);
    expect(list(repo, { loraFileId: f }).items.map((i) => i.path)).toEqual(['/images/1.png']);
    expect(list(repo, { modelVersionId: v }).items.map((i) => i.path)).toEqual(['/images/1.png']);

    const second = all.items[1]!.id;
    repo.react(LOCAL, second, 'heart');
    repo.react(7, all.items[0]!.id, 'heart');
    const hearted = list(repo, { reaction: 'heart' });
    expect(hearted.items.map((i) => i.id)).toEqual([second]);
    expect(hearted.items[0]!.reactions).toEqual({ heart: true, like: false, laugh: false, cry: false });
    expect(list(repo).items[0]!.reactions.heart).toBe(false);
  });

  it('takes any search text without an FTS syntax error', () => {
    const { repo } = setup();
    repo.saveScanned([
      scanned('/images/1.png', { prompt: 'a "quoted" fox, (masterpiece:1.2) <lora:ink:0.5>' }),
    ]);
    for (const query of [
      '"',
      'fox AND OR (',
      'prompt:fox',
      '*',
      'NEAR(',
      '-fox',
      "'; DROP TABLE images; --",
      '',
    ]) {
      expect(() => list(repo, { query })).not.toThrow();
    }
    expect(list(repo, { query: '(masterpiece' }).total).toBe(1);
    expect(list(repo, { query: 'lora:ink' }).total).toBe(1);
    expect(list(repo, { query: '"""' }).total).toBe(1);
  });

  it('toggles and sets reactions, and refuses unknown images and users', () => {
    const { repo } = setup();
    repo.saveScanned([scanned('/images/1.png')]);
    const id = list(repo).items[0]!.id;
    expect(repo.react(LOCAL, id, 'like')).toEqual({ heart: false, like: true, laugh: false, cry: false });
    expect(repo.react(LOCAL, id, 'cry')).toEqual({ heart: false, like: true, laugh: false, cry: true });
    expect(repo.react(LOCAL, id, 'like')).toEqual({ heart: false, like: false, laugh: false, cry: true });
    expect(repo.react(LOCAL, id, 'cry', true)).toEqual({
      heart: false,
      like: false,
      laugh: false,
      cry: true,
    });
    expect(repo.react(LOCAL, id, 'heart', false)).toEqual({
      heart: false,
      like: false,
      laugh: false,
      cry: true,
    });
    expect(repo.react(LOCAL, id + 1, 'like')).toBeUndefined();
    expect(repo.react(99, id, 'like')).toBeUndefined();
    expect(repo.get(id, LOCAL)!.reactions.cry).toBe(true);
    expect(repo.get(id + 1, LOCAL)).toBeUndefined();
  });

  it('finds images to relink: unmatched, by name, or whose file is gone — local ones only', () => {
    const { db, repo } = setup();
    const f = addLoraFile({ path: '/loras/fox.safetensors' });
    repo.saveScanned([
      scanned('/images/1.png', { loras: [link({ loraFileId: f, matchRule: 'autov3' })] }),
      scanned('/images/2.png', {
        loras: [link({ matchRule: 'unmatched' })],
        meta: { loraRefs: [{ name: 'x', weight: 1, hashes: [] }] },
      }),
      scanned('/images/3.png', { loras: [link({ loraFileId: f, matchRule: 'file_name' })] }),
      scanned('/images/4.png', { loras: [link({ loraFileId: f, matchRule: 'autov2', name: 'y' })] }),
    ]);
    db.connection.prepare("INSERT INTO images (url, source) VALUES ('u', 'imagegem')").run();
    const remoteId = (
      db.connection.prepare("SELECT id FROM images WHERE source = 'imagegem'").get() as { id: number }
    ).id;
    db.connection
      .prepare("INSERT INTO image_loras (image_id, name, match_rule) VALUES (?, 'z', 'unmatched')")
      .run(remoteId);
    const ids = (path: string) => list(repo).items.find((i) => i.path === path)!.id;

    expect(repo.nextToRelink(0, 10).map((c) => c.id)).toEqual([ids('/images/2.png'), ids('/images/3.png')]);
    expect(repo.nextToRelink(0, 10)[0]!.loraRefs).toEqual([{ name: 'x', weight: 1, hashes: [] }]);
    db.connection.prepare('DELETE FROM lora_files WHERE id = ?').run(f);
    expect(repo.nextToRelink(0, 10).map((c) => c.id)).toEqual(
      ['/images/1.png', '/images/2.png', '/images/3.png', '/images/4.png'].map(ids),
    );
    expect(repo.nextToRelink(ids('/images/2.png'), 1).map((c) => c.id)).toEqual([ids('/images/3.png')]);
  });

  it('keeps scan problems readable per image', () => {
    const { repo } = setup();
    repo.saveScanned([
      scanned('/images/1.png', {
        meta: { problems: [{ code: 'bad_crc', message: 'The tEXt chunk fails its CRC.' }] },
      }),
    ]);
    const id = list(repo).items[0]!.id;
    expect(repo.problemsOf(id)).toEqual(['The tEXt chunk fails its CRC.']);
    expect(repo.pathOf(id)).toBe('/images/1.png');
    expect(repo.pathOf(id + 5)).toBeUndefined();
  });
});

describe('image query plans', () => {
  const database = useTestDatabase();

  function plan(sql: string, params: unknown = {}): string {
    const statement = database().connection.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const rows = (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as {
      detail: string;
    }[];
    return rows.map((r) => r.detail).join('\n');
  }

  function listPlan(query: Record<string, unknown>): string {
    const params = ImageListQuery.parse(query);
    const { where, values, fullText, byReaction } = imageListWhere(params);
    return plan(imageListSql(where, fullText, byReaction).rows, {
      ...values,
      localUserId: 1,
      limit: 100,
      offset: 0,
    });
  }

  it('walks the gallery order from an index, with no sort, unfiltered and by source or user', () => {
    const all = listPlan({});
    expect(all).toMatch(/SCAN i USING (COVERING )?INDEX images_created_at/);
    expect(all).not.toMatch(/TEMP B-TREE/);
    const bySource = listPlan({ source: 'local' });
    expect(bySource).toMatch(/SEARCH i USING INDEX images_source_created_at \(source=\?\)/);
    expect(bySource).not.toMatch(/TEMP B-TREE/);
    const byUser = listPlan({ userId: 3 });
    expect(byUser).toMatch(/SEARCH i USING INDEX images_user_id_created_at \(user_id=\?\)/);
    expect(byUser).not.toMatch(/TEMP B-TREE/);
  });

  it('filters by LoRA, version, reaction and search through indexes', () => {
    expect(listPlan({ loraFileId: 1 })).toMatch(
      /SEARCH image_loras USING INDEX image_loras_lora_file_id \(lora_file_id=\?\)/,
    );
    expect(listPlan({ modelVersionId: 1 })).toMatch(
      /SEARCH image_loras USING INDEX image_loras_model_version_id \(model_version_id=\?\)/,
    );
    const byReaction = listPlan({ reaction: 'heart' });
    expect(byReaction).toMatch(
      /SEARCH r USING (COVERING )?INDEX reactions_user_kind_created_at \(user_id=\? AND kind=\?\)/,
    );
    expect(byReaction).not.toMatch(/TEMP B-TREE/);
    expect(listPlan({ query: 'fox' })).toMatch(/SCAN f VIRTUAL TABLE INDEX/);
    expect(listPlan({ query: 'fox' })).not.toMatch(/TEMP B-TREE/);
    for (const query of [{ loraFileId: 1 }, { reaction: 'like' }, { query: 'fox' }]) {
      expect(listPlan(query)).not.toMatch(/SCAN i\b(?! USING)/);
    }
  });

  it('names a dataset link after its model, which the link itself does not carry', () => {
    const { connection } = database();
    connection.prepare("INSERT INTO models (id, name) VALUES (5, 'Ink Wash Style')").run();
    connection.prepare("INSERT INTO model_versions (id, model_id, name) VALUES (9, 5, 'v2')").run();
    const { id } = connection
      .prepare(
        "INSERT INTO images (url, source, prompt) VALUES ('https://x/9.jpg', 'imagegem', 'ink') RETURNING id",
      )
      .get() as { id: number };
    connection
      .prepare("INSERT INTO image_loras (image_id, model_version_id, match_rule) VALUES (?, 9, 'dataset')")
      .run(id);
    const item = new SqliteImageRepository(connection).get(id, 1);
    expect(item?.loras).toEqual([
      { name: 'Ink Wash Style', weight: null, loraFileId: null, modelVersionId: 9, matchRule: 'dataset' },
    ]);
  });

  it('stops counting a common search term at the cap and says so', () => {
    const { connection } = database();
    const insert = connection.prepare(
      "INSERT INTO images (url, source, prompt) VALUES (?, 'imagegem', 'a red fox')",
    );
    connection.transaction(() => {
      for (let i = 0; i <= FULL_TEXT_COUNT_CAP + 5; i++) insert.run(`https://x/${i}.jpg`);
    })();
    const repo = new SqliteImageRepository(connection);
    const page = repo.list(ImageListQuery.parse({ query: 'fox', limit: 10 }), 1);
    expect(page).toMatchObject({ total: FULL_TEXT_COUNT_CAP, totalIsLowerBound: true });
    expect(page.items.map((i) => i.url)).toEqual(
      Array.from({ length: 10 }, (_, k) => `https://x/${FULL_TEXT_COUNT_CAP + 5 - k}.jpg`),
    );
  });

  it('reads each page’s links, reactions and counts by key', () => {
    const links = plan(IMAGE_QUERIES.linksOf, ['[1]']);
    expect(links).toMatch(/SEARCH l USING INDEX image_loras_image_id \(image_id=\?\)/);
    expect(links).toMatch(/SEARCH v USING INTEGER PRIMARY KEY/);
    expect(links).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    const reactions = plan(IMAGE_QUERIES.reactionsOf, [1, '[1]']);
    expect(reactions).toMatch(
      /SEARCH reactions USING .*\((image_id=\? AND user_id=\?|user_id=\? AND image_id=\?)\)/,
    );
    expect(plan(IMAGE_QUERIES.countsOf, ['[1]'])).toMatch(
      /SEARCH image_reaction_counts USING INTEGER PRIMARY KEY \(rowid=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.versionsInFolder, [1])).toMatch(
      /SEARCH images USING INDEX images_folder_id \(folder_id=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.toRelink, [0, 10])).toMatch(/image_loras_match_rule/);
  });

  it('resolves LoRA references through the hash and name indexes', () => {
    expect(plan(IMAGE_QUERIES.autoV3, ['x'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_autov3 \(autov3=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.autoV2, ['x'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_autov2 \(autov2=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.tensorHash, ['x'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_tensor_hash \(tensor_hash=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.sha256, ['x'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_sha256 \(sha256=\?\)/,
    );
    expect(plan(IMAGE_QUERIES.sha256Prefix, ['a', 'b'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_sha256 \(sha256>\? AND sha256<\?\)/,
    );
    expect(plan(IMAGE_QUERIES.byStem, ['a', 'b', 'c', 'd', 'e'])).toMatch(
      /SEARCH lora_files USING INDEX lora_files_file_name \(file_name=\?\)/,
    );
    const versions = plan(IMAGE_QUERIES.versionBySha256, {
      lower: 'a',
      lowerEnd: 'b',
      upper: 'A',
      upperEnd: 'B',
    });
    expect(versions).toMatch(/model_versions_sha256/);
    expect(versions).not.toMatch(/SCAN model_versions\b(?! USING)/);
  });
});
