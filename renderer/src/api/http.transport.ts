import { AtelierError } from '../../../core/api';
import { EventSocket, type Backoff, type SocketLike, type Timers } from './event.socket';
import type { MediaKind, Transport } from './transport';
import { errorFromEnvelope, isObject } from './wire';

export interface HttpTransportOptions {
  /** Where the serve-mode host listens, e.g. `http://127.0.0.1:5123` (the page's own origin in production). */
  origin: string;
  token: string;
  fetch?: typeof fetch;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  backoff?: Backoff;
}

/** Serve mode: methods over `POST /api/invoke/<method>`, events over one WebSocket, both carrying the token. */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const origin = options.origin.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as SocketLike);
  const token = encodeURIComponent(options.token);
  const events = new EventSocket(
    `${origin.replace(/^http/, 'ws')}/api/events?token=${token}`,
    createSocket,
    options.timers,
    options.backoff,
  );

  async function invoke(method: string, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchImpl(`${origin}/api/invoke/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new AtelierError(
        'INTERNAL',
        'Cannot reach the Atelier server. Check that `atelier serve` is still running.',
      );
    }
    const body = await readJson(response);
    if (response.ok && isObject(body) && body.ok === true) return body.value;
    if (response.status === 401 && !isObject(body)) {
      throw new AtelierError(
        'UNAUTHORIZED',
        'The access token was refused. Open the link that `atelier serve` printed.',
      );
    }
    throw errorFromEnvelope(body, `The server answered ${response.status} to ${method}.`);
  }

  return {
    invoke,
    subscribe: (event, listener) => events.subscribe(event, listener),
    onConnectionChange: (listener) => events.onConnectionChange(listener),
    mediaUrl: (kind: MediaKind, id: number) => `${origin}/media/${kind}/${id}?token=${token}`,
    dispose: () => events.dispose(),
  };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}
