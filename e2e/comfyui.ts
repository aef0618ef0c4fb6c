import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FakeComfyUi {
  root: string;
  /** The LoRA folders Atelier should derive, in the order ComfyUI would list them. */
  loraFolders: string[];
  /** An extra_model_paths.yaml entry that points nowhere, which should surface as a warning. */
  missingFolder: string;
}

/** A ComfyUI root as an artist has it: models/loras plus a shared folder in extra_model_paths.yaml. */
export function makeFakeComfyUi(parent: string): FakeComfyUi {
  const root = path.join(parent, 'ComfyUI');
  const shared = path.join(parent, 'shared-models');
  const modelsLoras = path.join(root, 'models', 'loras');
  const sharedLoras = path.join(shared, 'loras');
  const sharedXl = path.join(shared, 'loras-xl');
  for (const dir of [modelsLoras, sharedLoras, sharedXl]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(root, 'extra_model_paths.yaml'),
    ['shared:', `  base_path: ${shared}`, '  loras: |', '    loras', '    loras-xl', '    gone', ''].join(
      '\n',
    ),
  );
  return {
    root,
    loraFolders: [modelsLoras, sharedLoras, sharedXl, path.join(shared, 'gone')],
    missingFolder: path.join(shared, 'gone'),
  };
}
