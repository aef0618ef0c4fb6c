import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtelierError } from '../../core/api';
import { EngineClient } from './engine-client';
import type { EngineChild } from './engine-client';
import { ENGINE_ENV } from './engine-protocol';
import type { ToEngineMessage } from './engine-protocol';

// Electron's utility process cannot start here (no Electron binary), so this runs the real entry
// and the real engine (SQLite in a temp folder) in a Node child whose `process.parentPort` is a
// shim over child_process IPC with structured-clone serialization, like a MessagePort.
const PARENT_PORT_SHIM = `
process.parentPort = {
  on(event, listener) { if (event === 'message') process.on('message', (data) => listener({ data })); return this; },
  postMessage(message) { process.send(message); },
};
`;

let dir: string;
let children: ChildProcess[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-engine-process-'));
  children = [];
});

afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

function forkEntry(dataDir = path.join(dir, 'data')): EngineChild {
  const shim = path.join(dir, 'parent-port-shim.mjs');
  writeFileSync(shim, PARENT_PORT_SHIM);
  const child = fork(path.join(import.meta.dirname, 'engine-process.ts'), [], {
    execArgv: ['--import', 'tsx', '--import', pathToFileURL(shim).href],
    env: { ...process.env, [ENGINE_ENV.dataDir]: dataDir, [ENGINE_ENV.electronVersion]: '39.0.0' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new ChildProcessAdapter(child);
}

/** Presents a Node child process with the UtilityProcess surface EngineClient uses. */
class ChildProcessAdapter implements EngineChild {
  constructor(private readonly child: ChildProcess) {}
  postMessage(message: ToEngineMessage): void {
    this.child.send(message);
  }
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message' | 'exit', listener: (value: never) => void): unknown {
    if (event === 'exit') return this.child.on('exit', (code) => listener((code ?? 1) as never));
    return this.child.on('message', (message) => listener(message as never));
  }
  kill(): boolean {
    return this.child.kill();
  }
}

describe('engine process', () => {
  it('answers the contract through EngineClient and shuts down cleanly', async () => {
    const client = new EngineClient({ fork: () => forkEntry(), shutdownTimeoutMs: 10_000 });
    const status = (await client.invoke('app.status', {})) as {
      dataDir: string;
      versions: { electron: string | null };
    };
    expect(status.dataDir).toBe(path.join(dir, 'data'));
    expect(status.versions.electron).toBe('39.0.0');

    const error = await client.invoke('jobs.get', { id: 12345 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtelierError);
    expect((error as AtelierError).code).toBe('NOT_FOUND');

    await expect(client.invoke('folders.add', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    await client.shutdown();
    expect(children[0]!.exitCode).toBe(0);
  });

  it('forwards job progress events from the engine', async () => {
    const client = new EngineClient({ fork: () => forkEntry(), shutdownTimeoutMs: 10_000 });
    const finished = new Promise<unknown>((resolve) => {
      client.onEvent(({ event, payload }) => {
        if (event === 'jobs.onDidProgress' && ['done', 'failed'].includes(payload.state)) resolve(payload);
      });
    });
    const job = (await client.invoke('store.backup', {})) as { id: number };
    await expect(finished).resolves.toMatchObject({ id: job.id, state: 'done' });
    await client.shutdown();
  });

  it('answers every call with the startup error when the engine cannot open its folder', async () => {
    const notAFolder = path.join(dir, 'file');
    writeFileSync(notAFolder, '');
    const client = new EngineClient({ fork: () => forkEntry(notAFolder), shutdownTimeoutMs: 10_000 });
    await expect(client.invoke('app.status', {})).rejects.toBeInstanceOf(AtelierError);
    await expect(client.invoke('folders.list', {})).rejects.toBeInstanceOf(AtelierError);
    await client.shutdown();
    expect(children).toHaveLength(1);
  });
});
