import type { AtelierBridge } from '../../../core/api';
import { createBridgeTransport } from './bridge.transport';
import { createClient, type RendererClient } from './client';
import { createHttpTransport } from './http.transport';
import { takeToken } from './token';

export type Startup = { kind: 'ready'; client: RendererClient } | { kind: 'missing-token' };

/** Picks the transport once: Electron's preload bridge when present, else the serve-mode HTTP host that served this page. */
export function connect(win: Window, validate: boolean): Startup {
  const bridge = (win as Window & { atelier?: AtelierBridge }).atelier;
  if (bridge)
    return {
      kind: 'ready',
      client: createClient(createBridgeTransport(bridge), { mode: 'electron', validate }),
    };
  const token = takeToken({ location: win.location, storage: win.sessionStorage, history: win.history });
  if (!token) return { kind: 'missing-token' };
  const transport = createHttpTransport({ origin: win.location.origin, token });
  return { kind: 'ready', client: createClient(transport, { mode: 'serve', validate }) };
}
