import { z } from 'zod';

export const ExecutionProvider = z.enum(['cuda', 'dml', 'coreml', 'cpu']);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

export const ExecutionProviderStatus = z.object({
  name: ExecutionProvider,
  /** True when this build of onnxruntime-node can use it on this machine as far as can be told without a model. */
  available: z.boolean(),
  /** Why it is or is not available, in words a user can act on. */
  reason: z.string(),
});
export type ExecutionProviderStatus = z.infer<typeof ExecutionProviderStatus>;

export const AppStatus = z.object({
  appVersion: z.string(),
  versions: z.object({
    node: z.string(),
    electron: z.string().nullable(),
    chrome: z.string().nullable(),
    sqlite: z.string(),
    onnxruntime: z.string().nullable(),
  }),
  platform: z.string(),
  arch: z.string(),
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  executionProviders: z.array(ExecutionProviderStatus),
});
export type AppStatus = z.infer<typeof AppStatus>;
