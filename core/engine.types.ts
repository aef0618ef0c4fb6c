import type { EventName, EventPayload } from './api';
import type { Disposable, Event } from './common';

export interface EngineEvent<E extends EventName = EventName> {
  readonly event: E;
  readonly payload: EventPayload<E>;
}

/**
 * The one engine every host drives. `invoke` takes a method name and raw input, validates both ways
 * against the contract, and throws `AtelierError` for anything a caller did wrong.
 */
export interface Engine extends Disposable {
  invoke(method: string, input: unknown): Promise<unknown>;
  readonly onEvent: Event<EngineEvent>;
}

export interface EngineOptions {
  /** Folder for the database, caches and exports. */
  readonly dataDir: string;
  /** Path to a better-sqlite3 `.node` built for this runtime's ABI (Electron); default: the package's own. */
  readonly sqliteBinding?: string;
  /** Watch the library folders and rescan on changes: for hosts that stay open (desktop, serve). */
  readonly watch?: boolean;
  /** Version strings of the host (Electron, Chrome) for `app.status`. */
  readonly hostVersions?: { electron?: string; chrome?: string };
}
