import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder under the OS temp dir; `dispose` removes it with everything inside. */
export function tempDir(prefix = 'atelier-'): { path: string; dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
