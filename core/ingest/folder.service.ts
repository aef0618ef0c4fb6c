import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../api';
import type { Folder, FolderDetection, FolderKind } from '../api';
import type { FolderRepository } from '../store';
import { detectComfyUiLayout } from './comfyui-layout';

/** The file-system calls the service needs; tests swap them to simulate what root cannot (EACCES). */
export interface FolderProbe {
  stat(p: string): { isDirectory(): boolean };
  list(p: string): void;
}

const nodeProbe: FolderProbe = {
  stat: (p) => statSync(p),
  list: (p) => void readdirSync(p),
};

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export class FolderService {
  constructor(
    private readonly folders: FolderRepository,
    private readonly probe: FolderProbe = nodeProbe,
  ) {}

  list(): Folder[] {
    return this.folders.list();
  }

  detect(rawPath: string): FolderDetection {
    const resolved = path.resolve(rawPath);
    let isDirectory = false;
    try {
      isDirectory = this.probe.stat(resolved).isDirectory();
    } catch {
      return { path: resolved, exists: false, isDirectory: false, comfyUi: null, suggestedKind: null };
    }
    const comfyUi = isDirectory ? detectComfyUiLayout(resolved) : null;
    const suggestedKind: FolderKind | null = !isDirectory ? null : comfyUi ? 'comfyui' : 'loras';
    return { path: resolved, exists: true, isDirectory, comfyUi, suggestedKind };
  }

  /** Adds a folder after checking it is a readable directory; nothing is stored when a check fails. */
  add(rawPath: string, kind?: FolderKind): Folder {
    const resolved = path.resolve(rawPath);
    this.assertReadableDirectory(resolved);
    if (this.folders.findByPath(resolved)) {
      throw new AtelierError('ALREADY_EXISTS', `${resolved} is already in your folders.`);
    }
    const comfyUi = detectComfyUiLayout(resolved);
    const chosenKind = kind ?? (comfyUi ? 'comfyui' : 'loras');
    if (chosenKind === 'comfyui' && !comfyUi) {
      throw new AtelierError(
        'INVALID_INPUT',
        `${resolved} does not look like a ComfyUI folder (no models/loras inside). Choose the folder that contains ComfyUI's "models" folder, or add it as a LoRA folder.`,
      );
    }
    return this.folders.add({
      path: resolved,
      kind: chosenKind,
      comfyUi: chosenKind === 'comfyui' ? comfyUi : null,
    });
  }

  remove(id: number): boolean {
    return this.folders.remove(id);
  }

  private assertReadableDirectory(p: string): void {
    let isDirectory: boolean;
    try {
      isDirectory = this.probe.stat(p).isDirectory();
    } catch (error) {
      if (errnoOf(error) === 'EACCES' || errnoOf(error) === 'EPERM') throw unreadable(p);
      throw new AtelierError(
        'PATH_NOT_FOUND',
        `${p} does not exist. Check the path, or pick the folder again.`,
      );
    }
    if (!isDirectory) {
      throw new AtelierError(
        'NOT_A_DIRECTORY',
        `${p} is a file, not a folder. Choose the folder that contains it.`,
      );
    }
    try {
      this.probe.list(p);
    } catch {
      throw unreadable(p);
    }
  }
}

function unreadable(p: string): AtelierError {
  return new AtelierError(
    'PATH_UNREADABLE',
    `Atelier cannot read ${p}. Give your user read permission on it, or choose another folder.`,
  );
}
