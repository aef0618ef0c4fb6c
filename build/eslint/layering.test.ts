import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// Real files in the typed projects, so type-aware rules run on the text we hand them.
const CORE_FILE = path.join(root, 'core/engine.ts');
const PORTABLE_FILE = path.join(root, 'core/api/errors.ts');
const RENDERER_FILE = path.join(root, 'renderer/src/main.tsx');
const SERVICE_FILE = path.join(root, 'core/ingest/folder.service.ts');

// In "single run" mode (on when CI=true) typescript-eslint type-checks the files on disk and ignores the
// text handed to lintText; these tests lint text that is not on disk, so they need the watch mode.
process.env.TSESTREE_SINGLE_RUN = 'false';
const eslint = new ESLint({ cwd: root });

async function rulesHit(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layering rules (DESIGN.md "Dependency direction")', () => {
  it('reject core importing electron', async () => {
    const hits = await rulesHit("import { app } from 'electron';\nexport const x = app;\n", CORE_FILE);
    expect(
      hits.some((h) => h.startsWith('no-restricted-imports') && h.includes('core never imports Electron')),
    ).toBe(true);
  });

  it('reject core importing React or the renderer', async () => {
    const hits = await rulesHit("import { useState } from 'react';\nexport const x = useState;\n", CORE_FILE);
    expect(hits.some((h) => h.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('reject the renderer importing node:fs', async () => {
    const hits = await rulesHit(
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      RENDERER_FILE,
    );
    expect(hits.some((h) => h.startsWith('no-restricted-imports') && h.includes('nothing from Node'))).toBe(
      true,
    );
  });

  it('reject the renderer importing core beyond core/api', async () => {
    const hits = await rulesHit(
      "import { createEngine } from '../../core/engine';\nexport const x = createEngine;\n",
      RENDERER_FILE,
    );
    expect(hits.some((h) => h.startsWith('no-restricted-imports') && h.includes('only core/api'))).toBe(true);
  });

  it('reject Node built-ins in the portable core folders', async () => {
    const hits = await rulesHit("import path from 'node:path';\nexport const x = path;\n", PORTABLE_FILE);
    expect(hits.some((h) => h.includes('portable'))).toBe(true);
  });

  it('reject native modules in services', async () => {
    const hits = await rulesHit(
      "import Database from 'better-sqlite3';\nexport const x = Database;\n",
      SERVICE_FILE,
    );
    expect(hits.some((h) => h.includes('native modules'))).toBe(true);
  });

  it("reject deep imports into another folder's internals", async () => {
    const hits = await rulesHit(
      "import { openDatabase } from '../store/database';\nexport const x = openDatabase;\n",
      SERVICE_FILE,
    );
    expect(hits.some((h) => h.startsWith('atelier/no-deep-imports'))).toBe(true);
  });

  it('accept the allowed directions', async () => {
    const coreOk = await rulesHit(
      "import { AtelierError } from '../api';\nexport const x = AtelierError;\n",
      SERVICE_FILE,
    );
    expect(coreOk.filter((h) => h.includes('restricted') || h.includes('deep'))).toEqual([]);
    const rendererOk = await rulesHit(
      "import { methods } from '../../core/api';\nexport const x = methods;\n",
      RENDERER_FILE,
    );
    expect(rendererOk.filter((h) => h.includes('restricted') || h.includes('deep'))).toEqual([]);
  });
});
