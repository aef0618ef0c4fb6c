import type { BridgeResult } from '../../core/api';

/** Messages main sends to the engine's utility process. */
export type ToEngineMessage =
  | { readonly type: 'invoke'; readonly id: number; readonly method: string; readonly input: unknown }
  /** Close the database cleanly, then exit; main kills the process if it takes too long. */
  | { readonly type: 'dispose' };

/** Messages the engine's utility process sends to main. */
export type FromEngineMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: BridgeResult }
  | { readonly type: 'event'; readonly event: string; readonly payload: unknown };

/** Environment variables main sets on the utility process; the child has no other way to learn them. */
export const ENGINE_ENV = {
  dataDir: 'ATELIER_DATA_DIR',
  sqliteBinding: 'ATELIER_SQLITE_BINDING',
  electronVersion: 'ATELIER_HOST_ELECTRON',
  chromeVersion: 'ATELIER_HOST_CHROME',
} as const;

export function isToEngineMessage(value: unknown): value is ToEngineMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message['type'] === 'dispose') return true;
  return (
    message['type'] === 'invoke' && typeof message['id'] === 'number' && typeof message['method'] === 'string'
  );
}

export function isFromEngineMessage(value: unknown): value is FromEngineMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message['type'] === 'event') return typeof message['event'] === 'string';
  if (message['type'] !== 'result' || typeof message['id'] !== 'number') return false;
  const result = message['result'];
  return (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as Record<string, unknown>)['ok'] === 'boolean'
  );
}
