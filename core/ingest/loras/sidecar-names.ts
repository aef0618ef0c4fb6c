/** The tools that write metadata beside a LoRA, in the order their data wins when several agree to differ. */
export type SidecarTool = 'civitai-helper' | 'lora-manager' | 'stability-matrix' | 'a1111';

/** Civitai Helper copies Civitai's own record, so it goes first; A1111's file holds the artist's notes. */
export const METADATA_SIDECARS: readonly { readonly suffix: string; readonly tool: SidecarTool }[] = [
  { suffix: '.civitai.info', tool: 'civitai-helper' },
  { suffix: '.metadata.json', tool: 'lora-manager' },
  { suffix: '.cm-info.json', tool: 'stability-matrix' },
  { suffix: '.json', tool: 'a1111' },
];

/** `<stem>.preview.<ext>` names a preview on purpose, so it wins over a same-stem image. */
export const PREVIEW_SUFFIXES: readonly string[] = ['.preview', ''].flatMap((infix) =>
  ['.png', '.jpg', '.jpeg', '.webp', '.gif'].map((ext) => `${infix}${ext}`),
);

/** Pickled PyTorch files: reported so the artist sees them, never opened. */
export const PICKLE_EXTENSIONS: readonly string[] = ['.ckpt', '.pt', '.pth', '.bin'];

const SAFETENSORS = '.safetensors';

export type LoraFileKind = 'safetensors' | 'pickle';

export function loraFileKind(name: string): LoraFileKind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(SAFETENSORS) && lower.length > SAFETENSORS.length) return 'safetensors';
  const dot = lower.lastIndexOf('.');
  if (dot > 0 && PICKLE_EXTENSIONS.includes(lower.slice(dot))) return 'pickle';
  return null;
}

/** The file name without `.safetensors` (or the pickle extension): what sidecars are named after. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Whether a change to this file can change the library: LoRAs, pickles, sidecars and previews. */
export function isLibraryFileName(name: string): boolean {
  if (loraFileKind(name) !== null) return true;
  const lower = name.toLowerCase();
  return (
    METADATA_SIDECARS.some((s) => lower.endsWith(s.suffix)) || PREVIEW_SUFFIXES.some((s) => lower.endsWith(s))
  );
}
