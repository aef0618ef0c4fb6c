import { utilityProcess } from 'electron';
import type { EngineChild } from './engine-client';
import { ENGINE_ENV } from './engine-protocol';

export interface EngineLaunch {
  /** The built engine-process.js beside main's bundle. */
  readonly entry: string;
  readonly dataDir: string;
  readonly sqliteBinding: string | undefined;
}

/** Forks the engine's utility process; the child inherits stdout/stderr so its log lands in the terminal. */
export function forkEngine(launch: EngineLaunch): EngineChild {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env[ENGINE_ENV.dataDir] = launch.dataDir;
  if (launch.sqliteBinding !== undefined) env[ENGINE_ENV.sqliteBinding] = launch.sqliteBinding;
  env[ENGINE_ENV.electronVersion] = process.versions.electron ?? '';
  env[ENGINE_ENV.chromeVersion] = process.versions.chrome ?? '';
  return utilityProcess.fork(launch.entry, [], { serviceName: 'Atelier Engine', stdio: 'inherit', env });
}
