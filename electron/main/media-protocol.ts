import { pathToFileURL } from 'node:url';
import type { CustomScheme, Net, Protocol } from 'electron';
import { isAtelierError, methods } from '../../core/api';
import type { Engine } from '../../core/engine.types';

/** `atelier-media://image/<id>`: the renderer names media by id and never sees a path. */
export const MEDIA_SCHEME = 'atelier-media';

// The kinds `media.locate` accepts, read from the contract so a new kind needs no change here.
const MEDIA_KINDS = methods['media.locate'].input.shape.kind.options;
type MediaKind = (typeof MEDIA_KINDS)[number];

export const MEDIA_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: MEDIA_SCHEME,
  // Standard and secure so URLs have a host (the kind) and images load on the app's secure page.
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

export type MediaRequest =
  | { readonly ok: true; readonly kind: MediaKind; readonly id: number }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

/** Parses `atelier-media://<kind>/<id>`. Unknown kinds are a malformed request (400); a bad id names nothing (404). */
export function parseMediaUrl(url: string): MediaRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:`) return { ok: false, status: 400, reason: 'wrong scheme' };
  const kind = MEDIA_KINDS.find((known) => known === parsed.host);
  if (kind === undefined) return { ok: false, status: 400, reason: `unknown media kind "${parsed.host}"` };
  const segment = parsed.pathname.replace(/^\/+|\/+$/g, '');
  if (!/^[1-9]\d{0,15}$/.test(segment)) return { ok: false, status: 404, reason: `no ${kind} "${segment}"` };
  const id = Number(segment);
  if (!Number.isSafeInteger(id)) return { ok: false, status: 404, reason: `no ${kind} "${segment}"` };
  return { ok: true, kind, id };
}

export interface MediaProtocolOptions {
  readonly engine: Pick<Engine, 'invoke'>;
  /** Electron's `net.fetch`, injected so tests need no Electron. */
  readonly fetchFile: Net['fetch'];
}

/** The `protocol.handle` callback: asks the engine where the file is, then streams it. */
export function mediaHandler(options: MediaProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(405, 'Only GET and HEAD are supported.');
    const media = parseMediaUrl(request.url);
    if (!media.ok) return plain(media.status, media.reason);
    let located: { path: string; mimeType: string };
    try {
      located = (await options.engine.invoke('media.locate', {
        kind: media.kind,
        id: media.id,
      })) as typeof located;
    } catch (error) {
      if (isAtelierError(error) && error.code === 'NOT_FOUND') return plain(404, error.message);
      console.error('[media] locate failed:', error);
      return plain(500, 'Could not locate the file.');
    }
    let file: Response;
    try {
      file = await options.fetchFile(pathToFileURL(located.path).toString());
    } catch {
      return plain(404, `The file for ${media.kind} ${media.id} is missing on disk.`);
    }
    if (!file.ok) return plain(404, `The file for ${media.kind} ${media.id} is missing on disk.`);
    return new Response(request.method === 'HEAD' ? null : file.body, {
      status: 200,
      headers: { 'Content-Type': located.mimeType, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}

export function registerMediaProtocol(protocol: Protocol, options: MediaProtocolOptions): void {
  protocol.handle(MEDIA_SCHEME, mediaHandler(options));
}

function plain(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
