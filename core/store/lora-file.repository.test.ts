import { describe, expect, it } from 'vitest';
import { LoraListQuery } from '../api';
import { LORA_FILE_QUERIES, SqliteLoraFileRepository } from './lora-file.repository';
import type { ModelIdentity, ScannedLoraFile } from './lora-file.types';
import { ftsMatchOf, listStatements } from './lora-list.query';
import { useTestDatabase } from './store.test-support';

function identity(overrides: Partial<ModelIdentity> = {}): ModelIdentity {
  return {
    civitaiModelId: null,
    civitaiVersionId: null,
    modelName: 'Model',
    versionName: 'v1',
    baseModel: 'sdxl',
    trainedWords: [],
    tags: null,
    description: null,
    nsfw: null,
    versionMeta: null,
    ...overrides,
  };
}

function scanned(name: string, overrides: Partial<ScannedLoraFile> = {}): ScannedLoraFile {
  return {
    path: `/loras/${name}`,
    folderId: null,
    fileName: name,
    size: 1000,
    mtimeMs: 1_700_000_000_000.5,
    scanState: 'parsed',
    error: null,
    format: 'kohya',
    baseModel: 'sdxl',
    header: { moduleCount: 1 },
    previewPath: null,
    sidecarSig: null,
    sidecars: null,
    identity: identity({ modelName: name.replace('.safetensors', '') }),
    ...overrides,
  };
}

const HASHES = {
  sha256: 'a'.repeat(64),
  autoV2: 'a'.repeat(10),
  tensorHash: 'b'.repeat(64),
  autoV3: 'b'.repeat(12),
};

describe('ftsMatchOf', () => {
  it('quotes every word as a prefix term and drops FTS syntax', () => {
    expect(ftsMatchOf('water colour')).toBe('"water"* "colour"*');
    expect(ftsMatchOf('name:"knight" OR (x*')).toBe('"name"* "knight"* "OR"* "x"*');
    expect(ftsMatchOf('  "*^-()  ')).toBeNull();
    expect(ftsMatchOf('café ｗｉｄｅ')).toBe('"café"* "wide"*');
  });
});

describe('SqliteLoraFileRepository', () => {
  const database = useTestDatabase();
  const repository = () => new SqliteLoraFileRepository(database().connection);
  const count = (sql: string) => (database().connection.prepare(sql).get() as { n: number }).n;

  it('lists stored files under a folder prefix only', () => {
    const files = repository();
    files.saveScanned([
      scanned('a.safetensors'),
      scanned('b.safetensors', { path: '/loras2/b.safetensors' }),
    ]);
    expect(files.listUnder('/loras/').map((f) => f.path)).toEqual(['/loras/a.safetensors']);
  });

  it('keeps hashes when only sidecars changed, drops them when the file changed', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    const [row] = files.nextUnhashed(0, 10);
    expect(files.saveHashes(row!.id, { size: 1000, mtimeMs: 1_700_000_000_000.5 }, HASHES)).toBe(true);

    files.saveScanned([scanned('a.safetensors', { sidecarSig: 'a.civitai.info:10:1' })]);
    expect(files.get(row!.id)!.lora).toMatchObject({ scanState: 'hashed', tensorHash: HASHES.tensorHash });

    files.saveScanned([scanned('a.safetensors', { size: 2000 })]);
    expect(files.get(row!.id)!.lora).toMatchObject({ scanState: 'parsed', tensorHash: null, sha256: null });
  });

  it('refuses hashes of a file that changed while it was hashed', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    const [row] = files.nextUnhashed(0, 10);
    expect(files.saveHashes(row!.id, { size: 1000, mtimeMs: 5 }, HASHES)).toBe(false);
    expect(files.countUnhashed()).toBe(1);
  });

  it('records the hash on a local version so imports can match it', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    const [row] = files.nextUnhashed(0, 10);
    files.saveHashes(row!.id, { size: 1000, mtimeMs: 1_700_000_000_000.5 }, HASHES);
    expect(database().connection.prepare('SELECT sha256 FROM model_versions').get()).toEqual({
      sha256: HASHES.sha256,
    });
  });

  it('moves a file from its local version to a Civitai one and deletes the orphaned local model', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    expect(count('SELECT count(*) AS n FROM models WHERE civitai_id IS NULL')).toBe(1);

    files.saveScanned([
      scanned('a.safetensors', {
        identity: identity({
          civitaiModelId: 10,
          civitaiVersionId: 100,
          modelName: 'Civitai Name',
          tags: ['style'],
        }),
      }),
    ]);
    expect(count('SELECT count(*) AS n FROM models WHERE civitai_id IS NULL')).toBe(0);
    expect(count('SELECT count(*) AS n FROM model_versions')).toBe(1);
    const item = files.list(LoraListQuery.parse({})).items[0]!;
    expect(item).toMatchObject({ modelName: 'Civitai Name', civitaiVersionId: 100, tags: ['style'] });
  });

  it('keeps a local version that images or interactions refer to', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    const versionId = (database().connection.prepare('SELECT id FROM model_versions').get() as { id: number })
      .id;
    database()
      .connection.prepare('INSERT INTO interactions (user_id, model_version_id, kind) VALUES (1, ?, ?)')
      .run(versionId, 'use');
    files.remove(files.listUnder('/loras/').map((f) => f.id));
    expect(count('SELECT count(*) AS n FROM lora_files')).toBe(0);
    expect(count('SELECT count(*) AS n FROM model_versions')).toBe(1);
  });

  it('two files of one Civitai version share it; renaming the model reaches both search rows', () => {
    const files = repository();
    const civitai = identity({ civitaiModelId: 1, civitaiVersionId: 2, modelName: 'Alpha' });
    files.saveScanned([
      scanned('x.safetensors', { identity: civitai }),
      scanned('y.safetensors', { identity: civitai }),
    ]);
    expect(files.list(LoraListQuery.parse({ query: 'alpha' })).total).toBe(2);
    files.saveScanned([scanned('x.safetensors', { identity: { ...civitai, modelName: 'Beta' } })]);
    expect(files.list(LoraListQuery.parse({ query: 'alpha' })).total).toBe(0);
    expect(files.list(LoraListQuery.parse({ query: 'beta' })).total).toBe(2);
  });

  it('refreshSearch picks up the artist’s own tags', () => {
    const files = repository();
    files.saveScanned([scanned('a.safetensors')]);
    const id = files.listUnder('/loras/')[0]!.id;
    const c = database().connection;
    c.prepare("INSERT INTO tags (name) VALUES ('favourite')").run();
    c.prepare(
      "INSERT INTO lora_file_tags (lora_file_id, tag_id) SELECT ?, id FROM tags WHERE name = 'favourite'",
    ).run(id);
    expect(files.list(LoraListQuery.parse({ query: 'favourite' })).total).toBe(0);
    files.refreshSearch([id]);
    expect(files.list(LoraListQuery.parse({ query: 'favourite' })).items[0]!.tags).toEqual(['favourite']);
    expect(files.list(LoraListQuery.parse({ tag: 'Favourite' })).total).toBe(1);
  });
});

describe('LoRA library query plans', () => {
  const database = useTestDatabase();

  function plan(sql: string, params: Record<string, unknown> | unknown[] = []): string {
    const statement = database().connection.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const rows = (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as {
      detail: string;
    }[];
    return rows.map((r) => r.detail).join('\n');
  }

  /** A full table scan of lora_files (`SCAN f` or `SCAN lora_files` without an index). */
  const FULL_SCAN = /SCAN (f|lora_files)(?! USING)/;

  const filtered: Record<string, Record<string, unknown>> = {
    search: { query: 'knight' },
    base: { base: 'sdxl' },
    folder: { folderId: 1 },
    tag: { tag: 'style' },
    duplicates: { duplicates: true },
    'search + base': { query: 'knight', base: 'sdxl' },
    'folder + tag': { folderId: 1, tag: 'style' },
  };

  for (const [name, input] of Object.entries(filtered)) {
    for (const sort of ['name', 'recent', 'size'] as const) {
      it(`${name}, sorted by ${sort}: no full scan of lora_files`, () => {
        const sql = listStatements(LoraListQuery.parse({ ...input, sort }));
        const params = { ...sql.params, limit: 100, offset: 0 };
        expect(plan(sql.page, params)).not.toMatch(FULL_SCAN);
        expect(plan(sql.count, sql.params)).not.toMatch(FULL_SCAN);
      });
    }
  }

  it('the unfiltered list walks the name index in order instead of sorting', () => {
    const sql = listStatements(LoraListQuery.parse({}));
    const detail = plan(sql.ids, { limit: 100, offset: 0 });
    expect(detail).toMatch(/SCAN f USING (COVERING )?INDEX lora_files_file_name/);
    expect(detail).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('base model and folder filters sorted by name need no sort', () => {
    for (const input of [{ base: 'sdxl' }, { folderId: 1 }]) {
      const sql = listStatements(LoraListQuery.parse(input));
      const detail = plan(sql.ids, { ...sql.params, limit: 100, offset: 0 });
      expect(detail).toMatch(/SEARCH f USING (COVERING )?INDEX lora_files_(base_model|folder_id)_name/);
      expect(detail).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
  });

  it('recent and size sorts walk their indexes', () => {
    for (const [sort, index] of [
      ['recent', 'lora_files_mtime_ms'],
      ['size', 'lora_files_size'],
    ] as const) {
      const sql = listStatements(LoraListQuery.parse({ sort }));
      expect(plan(sql.ids, { limit: 100, offset: 0 })).toMatch(
        new RegExp(`SCAN f USING (COVERING )?INDEX ${index}`),
      );
    }
  });

  it('duplicate counts, scanner and hashing lookups use indexes', () => {
    const list = listStatements(LoraListQuery.parse({}));
    expect(plan(list.page, { limit: 100, offset: 0 })).toMatch(
      /SEARCH d USING COVERING INDEX lora_files_tensor_hash \(tensor_hash=\?\)/,
    );
    expect(plan(LORA_FILE_QUERIES.listUnder, ['/a/', '/a0'])).toMatch(
      /SEARCH lora_files USING INDEX sqlite_autoindex_lora_files_1 \(path>\? AND path<\?\)/,
    );
    expect(plan(LORA_FILE_QUERIES.nextUnhashed, [0, 10])).toMatch(
      /SEARCH lora_files USING (COVERING )?INDEX lora_files_scan_state \(scan_state=\? AND rowid>\?\)/,
    );
    expect(plan(LORA_FILE_QUERIES.filesOfModel, [1])).not.toMatch(FULL_SCAN);
    expect(plan(LORA_FILE_QUERIES.duplicatesOf, ['x', 1])).toMatch(/USING INDEX lora_files_tensor_hash/);
  });

  it('the base-model choices come from an index alone', () => {
    expect(plan(LORA_FILE_QUERIES.bases, [])).toMatch(
      /(SCAN|SEARCH) lora_files USING COVERING INDEX lora_files_base_model_name/,
    );
  });
});
