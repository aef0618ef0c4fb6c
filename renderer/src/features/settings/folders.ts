import type { Folder, FolderDetection, FolderKind } from '../../api';
import type { Tone } from '../../components/Notice';

export const kindLabels: Record<FolderKind, { one: string; group: string; hint: string }> = {
  comfyui: {
    one: 'ComfyUI install',
    group: 'ComfyUI installs',
    hint: 'Its LoRA folders are found for you, including extra_model_paths.yaml.',
  },
  loras: { one: 'LoRA folder', group: 'LoRA folders', hint: '.safetensors LoRA files, in any subfolders.' },
  images: {
    one: 'Image folder',
    group: 'Image folders',
    hint: 'Generated images; their prompts and LoRAs are read from the PNG metadata.',
  },
};

/** ComfyUI first: one install usually brings most of an artist's LoRAs. */
export const kindOrder: readonly FolderKind[] = ['comfyui', 'loras', 'images'];

export function groupFolders(folders: readonly Folder[]): { kind: FolderKind; folders: Folder[] }[] {
  return kindOrder
    .map((kind) => ({ kind, folders: folders.filter((folder) => folder.kind === kind) }))
    .filter((group) => group.folders.length > 0);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** One line that tells the user what the path they typed is, before they commit to adding it. */
export function describeDetection(detection: FolderDetection): { tone: Tone; text: string } {
  if (!detection.exists)
    return {
      tone: 'error',
      text: 'Does not exist. Check the spelling, or paste the path from your file manager.',
    };
  if (!detection.isDirectory)
    return { tone: 'error', text: 'Not a folder: this path is a file. Choose the folder that contains it.' };
  const comfy = detection.comfyUi;
  if (comfy) {
    const warnings = comfy.warnings.length > 0 ? ` (${plural(comfy.warnings.length, 'warning')})` : '';
    return {
      tone: comfy.warnings.length > 0 ? 'warning' : 'success',
      text: `ComfyUI install detected — ${plural(comfy.loraFolders.length, 'LoRA folder')}${warnings}`,
    };
  }
  switch (detection.suggestedKind) {
    case 'loras':
      return { tone: 'success', text: 'Folder with LoRA files' };
    case 'images':
      return { tone: 'success', text: 'Folder with images' };
    case 'comfyui':
      return { tone: 'success', text: 'ComfyUI install detected' };
    case null:
      return { tone: 'info', text: 'Folder found. Choose what it holds below.' };
  }
}
