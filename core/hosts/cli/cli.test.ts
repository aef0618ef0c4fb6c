import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing';
import { writePlantedCollection } from '../../w2w';
import { runCli } from './main';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('atelier-cli-');
});
afterEach(() => dir.dispose());

async function cli(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(['--data-dir', path.join(dir.path, 'data'), ...argv], {
    stdout,
    stderr,
    env: {},
  });
  return { code, out, err };
}

describe('atelier CLI', () => {
  it('status --json prints versions, the data folder and the database path', async () => {
    const { code, out } = await cli('status', '--json');
    expect(code).toBe(0);
    const status = JSON.parse(out) as { dataDir: string; databasePath: string; versions: { node: string } };
    expect(status.dataDir).toBe(path.join(dir.path, 'data'));
    expect(status.databasePath).toBe(path.join(dir.path, 'data', 'atelier.db'));
    expect(status.versions.node).toBe(process.versions.node);
  });

  it('folders add <path> then folders list, in human and JSON form', async () => {
    const loras = path.join(dir.path, 'my loras');
    mkdirSync(loras);
    const added = await cli('folders', 'add', loras, '--kind', 'loras');
    expect(added.code).toBe(0);
    expect(added.out).toContain(`path: ${loras}`);
    const listed = await cli('folders', 'list', '--json');
    expect(JSON.parse(listed.out)).toMatchObject([{ path: loras, kind: 'loras' }]);
    const table = await cli('folders', 'list');
    expect(table.out.split('\n')[0]).toMatch(/^id\s+path\s+kind\s+addedAt$/);
  });

  it('reports typed errors on stderr with a non-zero exit code', async () => {
    const missing = await cli('folders', 'add', path.join(dir.path, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('error [PATH_NOT_FOUND]');
    const json = await cli('--json', 'folders', 'add', path.join(dir.path, 'nope'));
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { code: 'PATH_NOT_FOUND' } });
    const invalid = await cli('settings', 'set', '--comfy-ui-url', 'nonsense');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('INVALID_INPUT');
  });

  it('coerces typed options from the schema', async () => {
    const { code, out } = await cli(
      'settings',
      'set',
      '--follow-symlinks',
      'false',
      '--execution-provider',
      'cpu',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ followSymlinks: false, executionProvider: 'cpu' });
    const bad = await cli('settings', 'set', '--execution-provider', 'tpu');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Allowed choices are auto, cuda, dml, coreml, cpu');
  });

  it('follows a job to the end', async () => {
    const { code, out } = await cli('store', 'backup', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ state: 'done', progress: 1 });
  });

  it('lora reduce <file> --rank 1 --layers attn_v --out <file>, then lora inspect --json reports rank 1', async () => {
    const { generateSdxlLora } = await import('../../lora');
    const source = path.join(dir.path, 'style.safetensors');
    await generateSdxlLora(source, { rank: 8, scale: 16, seed: 2 });
    const out = path.join(dir.path, 'style-r1.safetensors');
    const reduced = await cli(
      'lora',
      'reduce',
      source,
      '--rank',
      '1',
      '--layers',
      'attn_v',
      '--out',
      out,
      '--json',
    );
    expect(reduced.code).toBe(0);
    expect(JSON.parse(reduced.out)).toMatchObject({ state: 'done', result: { destination: out } });
    const inspected = await cli('lora', 'inspect', out, '--json');
    expect(JSON.parse(inspected.out)).toMatchObject({ moduleCount: 140, ranks: [{ rank: 1, modules: 140 }] });
    const again = await cli('lora', 'reduce', source, '--out', out);
    expect(again.code).toBe(1);
    const forced = await cli(
      'lora',
      'reduce',
      source,
      '--dynamic',
      'sv_fro:0.5',
      '--out',
      out,
      '--overwrite',
      '--json',
    );
    expect(forced.code).toBe(0);
  });

  it('w2w build <loras...>, direction, then edit with a repeated --direction before the LoRA', async () => {
    const loras = path.join(dir.path, 'loras');
    mkdirSync(loras);
    const { files } = await writePlantedCollection({ dir: loras, count: 8, scale: 32 });
    const paths = files.map((f) => f.path);
    const built = await cli('w2w', 'build', '--name', 'demo', '--layers', 'attn_v', ...paths, '--json');
    expect(built.err).toBe('');
    expect((JSON.parse(built.out) as { result: { memberCount: number } }).result.memberCount).toBe(8);
    const positive = paths.filter((_, i) => i % 2 === 0);
    const negative = paths.filter((_, i) => i % 2 === 1);
    const learned = await cli(
      'w2w',
      'direction',
      '--space',
      'demo',
      '--name',
      'even',
      '--positive',
      ...positive,
      '--negative',
      ...negative,
      '--json',
    );
    expect(learned.code).toBe(0);
    const out = path.join(dir.path, 'edited.safetensors');
    const edited = await cli(
      'w2w',
      'edit',
      '--space',
      'demo',
      '--direction',
      'even=1',
      '--direction',
      'even=0.5',
      paths[1]!,
      '--out',
      out,
      '--json',
    );
    expect(edited.err).toBe('');
    const result = JSON.parse(edited.out) as { path: string; directions: { strength: number }[] };
    expect(result.path).toBe(out);
    expect(result.directions.map((d) => d.strength)).toEqual([1, 0.5]);
  }, 30_000);

  it('works as `npx atelier` through its bin script', () => {
    const bin = path.resolve(import.meta.dirname, 'bin.mjs');
    const result = spawnSync(
      process.execPath,
      [bin, 'status', '--json', '--data-dir', path.join(dir.path, 'bin-data')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dataDir: path.join(dir.path, 'bin-data') });
  });
});
