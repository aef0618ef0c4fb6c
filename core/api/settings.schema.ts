import { z } from 'zod';
import { ExecutionProvider } from './app.schema';

export const Settings = z.object({
  /** Where a running ComfyUI listens; used for previews and exports in later features. */
  comfyUiUrl: z.url().default('http://127.0.0.1:8188'),
  /** `auto` picks the first available of cuda, dml, coreml, then cpu. */
  executionProvider: z.union([z.literal('auto'), ExecutionProvider]).default('auto'),
  /** Whether folder scans follow symbolic links (artists often link shared model folders). */
  followSymlinks: z.boolean().default(true),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
