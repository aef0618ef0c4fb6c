import { describe, expect, it } from 'vitest';
import type { Folder, FolderDetection } from '../../api';
import { describeDetection, groupFolders } from './folders';

const base: FolderDetection = {
  path: '/p',
  exists: true,
  isDirectory: true,
  comfyUi: null,
  suggestedKind: null,
};
const comfy = {
  root: '/c',
  loraFolders: ['/c/models/loras', '/c/output/loras', '/x/loras'],
  outputFolder: '/c/output',
  extraModelPathsFile: '/c/extra_model_paths.yaml',
  warnings: [],
};

describe('describeDetection', () => {
  it('says when the path is missing or a file', () => {
    expect(describeDetection({ ...base, exists: false, isDirectory: false })).toMatchObject({
      tone: 'error',
      text: expect.stringMatching(/^Does not exist/),
    });
    expect(describeDetection({ ...base, isDirectory: false })).toMatchObject({
      tone: 'error',
      text: expect.stringMatching(/^Not a folder/),
    });
  });

  it('counts the LoRA folders of a ComfyUI install', () => {
    expect(describeDetection({ ...base, comfyUi: comfy, suggestedKind: 'comfyui' })).toEqual({
      tone: 'success',
      text: 'ComfyUI install detected — 3 LoRA folders',
    });
  });

  it('flags a ComfyUI install whose extra paths had problems', () => {
    const result = describeDetection({
      ...base,
      comfyUi: { ...comfy, loraFolders: ['/c/models/loras'], warnings: ['bad yaml'] },
      suggestedKind: 'comfyui',
    });
    expect(result).toEqual({ tone: 'warning', text: 'ComfyUI install detected — 1 LoRA folder (1 warning)' });
  });

  it('names plain folders by their suggested kind', () => {
    expect(describeDetection({ ...base, suggestedKind: 'loras' }).text).toBe('Folder with LoRA files');
    expect(describeDetection({ ...base, suggestedKind: 'images' }).text).toBe('Folder with images');
    expect(describeDetection(base).tone).toBe('info');
  });
});

describe('groupFolders', () => {
  const folder = (id: number, kind: Folder['kind']): Folder => ({
    id,
    path: `/f${id}`,
    kind,
    addedAt: '2025-01-01T00:00:00.000Z',
    comfyUi: null,
  });

  it('puts ComfyUI installs first and leaves out empty groups', () => {
    const groups = groupFolders([folder(1, 'images'), folder(2, 'comfyui'), folder(3, 'images')]);
    expect(groups.map((group) => [group.kind, group.folders.map((f) => f.id)])).toEqual([
      ['comfyui', [2]],
      ['images', [1, 3]],
    ]);
  });
});
