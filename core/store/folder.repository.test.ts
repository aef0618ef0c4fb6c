import { describe, expect, it } from 'vitest';
import type { ComfyUiLayout } from '../api';
import { useTestDatabase } from './store.test-support';

const layout: ComfyUiLayout = {
  root: '/art/ComfyUI',
  loraFolders: ['/art/ComfyUI/models/loras', '/mnt/shared/loras'],
  outputFolder: '/art/ComfyUI/output',
  extraModelPathsFile: '/art/ComfyUI/extra_model_paths.yaml',
  warnings: ['a group without base_path was skipped'],
};

describe('FolderRepository', () => {
  const database = useTestDatabase();

  it('adds folders and reads them back by id, path and in path order', () => {
    const { folders } = database();
    const comfy = folders.add({ path: '/art/ComfyUI', kind: 'comfyui', comfyUi: layout });
    const loras = folders.add({ path: '/art/loras', kind: 'loras', comfyUi: null });

    expect(comfy).toMatchObject({ path: '/art/ComfyUI', kind: 'comfyui', comfyUi: layout });
    expect(comfy.addedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(loras.id).not.toBe(comfy.id);
    expect(folders.get(loras.id)).toEqual(loras);
    expect(folders.findByPath('/art/ComfyUI')).toEqual(comfy);
    expect(folders.findByPath('/art/elsewhere')).toBeUndefined();
    expect(folders.list().map((f) => f.path)).toEqual(['/art/ComfyUI', '/art/loras']);
  });

  it('refuses the same path twice with ALREADY_EXISTS', () => {
    const { folders } = database();
    folders.add({ path: '/art/loras', kind: 'loras', comfyUi: null });
    expect(() => folders.add({ path: '/art/loras', kind: 'images', comfyUi: null })).toThrow(
      expect.objectContaining({ code: 'ALREADY_EXISTS' }),
    );
    expect(folders.list()).toHaveLength(1);
  });

  it('removes a folder once', () => {
    const { folders } = database();
    const folder = folders.add({ path: '/art/images', kind: 'images', comfyUi: null });
    expect(folders.remove(folder.id)).toBe(true);
    expect(folders.get(folder.id)).toBeUndefined();
    expect(folders.remove(folder.id)).toBe(false);
  });
});
