/**
 * IPC channel names shared by main and preload. This file must import nothing: the sandboxed preload
 * may only `require('electron')`, so whatever it imports is inlined into its bundle.
 */
export const INVOKE_CHANNEL = 'atelier:invoke';
export const EVENT_CHANNEL = 'atelier:event';

/** What main sends on EVENT_CHANNEL for every engine event. */
export interface EventMessage {
  readonly event: string;
  readonly payload: unknown;
}
