import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames, methods } from '../api';
import { createEngine } from '../engine';
import type { Engine } from '../engine.types';
import { tempDir } from '../testing';
import { buildProgram, commandPaths } from './cli';
import { startHttpHost } from './http';
import type { HttpHost } from './http';

// Every host must answer every method of the contract; a method any host misses fails here.
let dir: ReturnType<typeof tempDir>;
let engine: Engine;
let host: HttpHost;

beforeAll(async () => {
  dir = tempDir('atelier-parity-');
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
  host = await startHttpHost({ engine });
});
afterAll(async () => {
  await host.close();
  engine.dispose();
  dir.dispose();
});

describe('host parity with the contract', () => {
  it('the engine handles every method (it may refuse the empty input, but knows the method)', async () => {
    for (const method of methodNames) {
      const outcome = await engine.invoke(method, {}).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
      expect(outcome, method).not.toBe('UNKNOWN_METHOD');
    }
  });

  it('the HTTP bridge routes every method', async () => {
    expect([...host.routes].sort()).toEqual(methodNames.map((m) => `/api/invoke/${m}`).sort());
    for (const method of methodNames) {
      const response = await fetch(`http://127.0.0.1:${host.port}/api/invoke/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.token}` },
        body: '{}',
      });
      const body = (await response.json()) as { ok: boolean; error?: { code: string } };
      expect(body.error?.code, method).not.toBe('UNKNOWN_METHOD');
    }
  });

  it('the CLI has a command for every method, and every alias', () => {
    const program = buildProgram({ invoke: () => Promise.resolve(), serve: () => Promise.resolve() });
    const paths = new Set(commandPaths(program));
    for (const method of methodNames) {
      expect(paths.has(method.replace('.', ' ')), method).toBe(true);
      for (const alias of methods[method].cli?.aliases ?? []) expect(paths.has(alias), alias).toBe(true);
    }
  });
});
