import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectComfyUiLayout, readExtraLoraPaths } from './comfyui-layout';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'atelier-comfy-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function makeRoot(name = 'ComfyUI'): string {
  const root = path.join(tmp, name);
  mkdirSync(path.join(root, 'models', 'loras'), { recursive: true });
  return root;
}

describe('detectComfyUiLayout', () => {
  it('returns null for a folder without models/loras', () => {
    mkdirSync(path.join(tmp, 'plain'));
    expect(detectComfyUiLayout(path.join(tmp, 'plain'))).toBeNull();
  });

  it('lists models/loras and output/loras of a root', () => {
    const root = makeRoot();
    mkdirSync(path.join(root, 'output', 'loras'), { recursive: true });
    const layout = detectComfyUiLayout(root);
    expect(layout?.loraFolders).toEqual([
      path.join(root, 'models', 'loras'),
      path.join(root, 'output', 'loras'),
    ]);
    expect(layout?.outputFolder).toBe(path.join(root, 'output'));
    expect(layout?.extraModelPathsFile).toBeNull();
  });

  it('adds every loras: entry of extra_model_paths.yaml, resolving base_path and multi-line lists', () => {
    const root = makeRoot();
    const shared = path.join(tmp, 'shared');
    mkdirSync(path.join(shared, 'loras', 'sdxl'), { recursive: true });
    mkdirSync(path.join(shared, 'more'), { recursive: true });
    mkdirSync(path.join(tmp, 'a1111', 'models', 'Lora'), { recursive: true });
    writeFileSync(
      path.join(root, 'extra_model_paths.yaml'),
      [
        'comfyui:',
        `  base_path: ${shared}`,
        '  is_default: true',
        '  checkpoints: checkpoints/',
        '  loras: |',
        '    loras/sdxl',
        '    more',
        'a111:',
        '  base_path: ../a1111/',
        '  loras: models/Lora',
        'broken: just a string',
      ].join('\n'),
    );
    const layout = detectComfyUiLayout(root);
    expect(layout?.loraFolders).toEqual([
      path.join(root, 'models', 'loras'),
      path.join(shared, 'loras', 'sdxl'),
      path.join(shared, 'more'),
      path.join(tmp, 'a1111', 'models', 'Lora'),
    ]);
    expect(layout?.warnings).toEqual(['Group "broken" in extra_model_paths.yaml is not a mapping; ignored.']);
  });

  it('keeps detecting when the yaml is malformed or points nowhere, with warnings', () => {
    const root = makeRoot();
    writeFileSync(path.join(root, 'extra_model_paths.yaml'), 'comfyui:\n  loras: [unclosed\n');
    const layout = detectComfyUiLayout(root);
    expect(layout?.loraFolders).toEqual([path.join(root, 'models', 'loras')]);
    expect(layout?.warnings[0]).toMatch(/could not be read/);

    writeFileSync(path.join(root, 'extra_model_paths.yaml'), 'x:\n  loras: /nowhere/at/all\n');
    expect(detectComfyUiLayout(root)?.warnings).toEqual([
      'LoRA folder from extra_model_paths.yaml does not exist: /nowhere/at/all',
    ]);
  });

  it('reads an empty yaml as no extra paths', () => {
    const file = path.join(tmp, 'extra_model_paths.yaml');
    writeFileSync(file, '# all commented out\n');
    expect(readExtraLoraPaths(file)).toEqual({ paths: [], warnings: [] });
  });
});
