import { z } from 'zod';

/** What a folder holds: LoRA files, generated images, or a whole ComfyUI install (its LoRA folders are derived). */
export const FolderKind = z.enum(['loras', 'images', 'comfyui']);
export type FolderKind = z.infer<typeof FolderKind>;

export const ComfyUiLayout = z.object({
  root: z.string(),
  /** Every folder ComfyUI would list LoRAs from: models/loras, output/loras (if present), extra_model_paths.yaml entries. */
  loraFolders: z.array(z.string()),
  outputFolder: z.string().nullable(),
  extraModelPathsFile: z.string().nullable(),
  /** Problems found while reading extra_model_paths.yaml; detection still succeeds. */
  warnings: z.array(z.string()),
});
export type ComfyUiLayout = z.infer<typeof ComfyUiLayout>;

export const Folder = z.object({
  id: z.number().int(),
  path: z.string(),
  kind: FolderKind,
  addedAt: z.string(),
  comfyUi: ComfyUiLayout.nullable(),
});
export type Folder = z.infer<typeof Folder>;

export const FolderDetection = z.object({
  path: z.string(),
  exists: z.boolean(),
  isDirectory: z.boolean(),
  comfyUi: ComfyUiLayout.nullable(),
  /** The kind the UI should preselect. */
  suggestedKind: FolderKind.nullable(),
});
export type FolderDetection = z.infer<typeof FolderDetection>;
