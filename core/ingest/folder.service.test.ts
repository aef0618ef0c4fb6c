import { describe, expect, it } from 'vitest';
import type { Folder } from '../api';
import type { FolderRepository } from '../store';
import { FolderService } from './folder.service';
import type { FolderProbe } from './folder.service';

function memoryRepository(): FolderRepository & { rows: Folder[] } {
  const rows: Folder[] = [];
  return {
    rows,
    list: () => rows,
    get: (id) => rows.find((r) => r.id === id),
    findByPath: (p) => rows.find((r) => r.path === p),
    add: (input) => {
      const folder = { id: rows.length + 1, addedAt: 'now', ...input };
      rows.push(folder);
      return folder;
    },
    remove: () => false,
  };
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('FolderService', () => {
  // Tests run as root here, where chmod cannot make a folder unreadable; the probe stands in for the OS.
  it('refuses a folder it cannot list, and stores nothing', () => {
    const repository = memoryRepository();
    const probe: FolderProbe = {
      stat: () => ({ isDirectory: () => true }),
      list: () => {
        throw errno('EACCES');
      },
    };
    expect(() => new FolderService(repository, probe).add('/locked')).toThrowError(
      expect.objectContaining({ code: 'PATH_UNREADABLE' }),
    );
    expect(repository.rows).toEqual([]);
  });

  it('refuses a folder whose parent it cannot enter', () => {
    const repository = memoryRepository();
    const probe: FolderProbe = {
      stat: () => {
        throw errno('EACCES');
      },
      list: () => undefined,
    };
    expect(() => new FolderService(repository, probe).add('/secret/loras')).toThrowError(
      expect.objectContaining({ code: 'PATH_UNREADABLE' }),
    );
    expect(repository.rows).toEqual([]);
  });

  it('detects without storing', () => {
    const repository = memoryRepository();
    const probe: FolderProbe = { stat: () => ({ isDirectory: () => false }), list: () => undefined };
    const detection = new FolderService(repository, probe).detect('/some/file.safetensors');
    expect(detection).toMatchObject({ exists: true, isDirectory: false, suggestedKind: null });
    expect(repository.rows).toEqual([]);
  });
});
