import { createEngine } from '../../core/engine';
import { serveEngine } from './engine-host';
import { ENGINE_ENV } from './engine-protocol';

/**
 * Entry of the utility process that hosts the engine, so SQLite, hashing and model runtimes never
 * block the main process's event loop (window events, menus, IPC routing).
 */
const env = process.env;
const dataDir = env[ENGINE_ENV.dataDir];
const port = process.parentPort as typeof process.parentPort | null | undefined;
if (port === null || port === undefined) {
  throw new Error('engine-process must be started by Electron main with utilityProcess.fork');
}
if (dataDir === undefined || dataDir === '') {
  throw new Error(`engine-process needs ${ENGINE_ENV.dataDir}`);
}

serveEngine(
  port,
  () =>
    createEngine({
      dataDir,
      watch: true,
      sqliteBinding: nonEmpty(env[ENGINE_ENV.sqliteBinding]),
      hostVersions: {
        electron: nonEmpty(env[ENGINE_ENV.electronVersion]),
        chrome: nonEmpty(env[ENGINE_ENV.chromeVersion]),
      },
    }),
  (code) => process.exit(code),
);

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
