import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppStatus, Folder, Job, Settings } from './api';
import { createEngine } from './engine';
import type { Engine } from './engine.types';
import { tempDir } from './testing';

let dir: ReturnType<typeof tempDir>;
let engine: Engine;

beforeEach(() => {
  dir = tempDir('atelier-engine-');
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
});
afterEach(() => {
  engine.dispose();
  dir.dispose();
});

const call = <T>(method: string, input: unknown = {}) => engine.invoke(method, input) as Promise<T>;

describe('engine', () => {
  it('reports versions, the data folder and the database path', async () => {
    const status = await call<AppStatus>('app.status');
    expect(status.dataDir).toBe(path.join(dir.path, 'data'));
    expect(status.databasePath).toBe(path.join(dir.path, 'data', 'atelier.db'));
    expect(existsSync(status.databasePath)).toBe(true);
    expect(status.versions.node).toBe(process.versions.node);
    expect(status.versions.sqlite).toMatch(/^3\.\d+/);
    expect(status.executionProviders.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'cpu']);
  });

  it('rejects unknown methods and invalid input with typed errors', async () => {
    await expect(call('nope.nothing')).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    await expect(call('folders.add', { path: 42 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(call('settings.set', { comfyUiUrl: 'not a url' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(call('settings.set', { unknownKey: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('keeps settings with defaults for what was never set', async () => {
    const defaults = await call<Settings>('settings.get');
    expect(defaults).toEqual({
      comfyUiUrl: 'http://127.0.0.1:8188',
      executionProvider: 'auto',
      followSymlinks: true,
    });
    const changed = await call<Settings>('settings.set', { executionProvider: 'cpu' });
    expect(changed.executionProvider).toBe('cpu');
    expect(changed.comfyUiUrl).toBe('http://127.0.0.1:8188');
  });

  it('adds, lists and removes folders; a ComfyUI root brings its LoRA folders', async () => {
    const comfy = path.join(dir.path, 'ComfyUI');
    mkdirSync(path.join(comfy, 'models', 'loras'), { recursive: true });
    const added = await call<Folder>('folders.add', { path: comfy });
    expect(added.kind).toBe('comfyui');
    expect(added.comfyUi?.loraFolders).toEqual([path.join(comfy, 'models', 'loras')]);
    const plain = path.join(dir.path, 'loras');
    mkdirSync(plain);
    await call<Folder>('folders.add', { path: plain });
    expect((await call<Folder[]>('folders.list')).map((f) => [f.path, f.kind])).toEqual([
      [comfy, 'comfyui'],
      [plain, 'loras'],
    ]);
    await expect(call('folders.add', { path: plain })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await call('folders.remove', { id: added.id })).toEqual({ removed: true });
    expect(await call<Folder[]>('folders.list')).toHaveLength(1);
  });

  it('refuses folders that do not exist or are files, and stores nothing', async () => {
    await expect(call('folders.add', { path: path.join(dir.path, 'missing') })).rejects.toMatchObject({
      code: 'PATH_NOT_FOUND',
    });
    const file = path.join(dir.path, 'a.safetensors');
    writeFileSync(file, 'x');
    await expect(call('folders.add', { path: file })).rejects.toMatchObject({ code: 'NOT_A_DIRECTORY' });
    await expect(call('folders.add', { path: dir.path, kind: 'comfyui' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await call<Folder[]>('folders.list')).toEqual([]);
  });

  it('backs up the database as a job with progress events', async () => {
    const events: Job[] = [];
    engine.onEvent((e) => {
      if (e.event === 'jobs.onDidProgress') events.push(e.payload);
    });
    const job = await call<Job>('store.backup');
    await expect.poll(async () => (await call<Job>('jobs.get', { id: job.id })).state).toBe('done');
    const done = await call<Job>('jobs.get', { id: job.id });
    const { path: backupPath } = done.result as { path: string };
    expect(existsSync(backupPath)).toBe(true);
    expect(events.at(-1)?.state).toBe('done');
    expect((await call<Job[]>('jobs.list')).map((j) => j.id)).toContain(job.id);
  });

  it('answers media.locate only for known images', async () => {
    await expect(call('media.locate', { kind: 'image', id: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
