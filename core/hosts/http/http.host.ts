import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { AtelierError, httpStatusOf, isMethodName, methodNames, toWireError } from '../../api';
import type { WireError } from '../../api';
import type { Disposable } from '../../common';
import type { Engine } from '../../engine.types';
import { serveStatic } from './static-files';

export interface HttpHostOptions {
  readonly engine: Engine;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The built renderer (out/renderer); without it only the API is served. */
  readonly staticDir?: string;
  /** Fixed token for tests; a fresh random one per run otherwise. */
  readonly token?: string;
  readonly maxBodyBytes?: number;
}

export interface HttpHost extends Disposable {
  readonly port: number;
  readonly token: string;
  /** The address to open: the token rides in the fragment, which browsers never send to servers. */
  readonly url: string;
  /** The method routes this host answers, derived from the contract (checked by the parity test). */
  readonly routes: readonly string[];
  close(): Promise<void>;
}

const API_PREFIX = '/api/invoke/';
const EVENTS_PATH = '/api/events';
const MEDIA_PREFIX = '/media/';
const HOST = '127.0.0.1';

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: WireError): void {
  sendJson(response, httpStatusOf(error.code), { ok: false, error });
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit)
      throw new AtelierError('INVALID_INPUT', `The request body is larger than ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The browser bridge: the same contract as Electron IPC over HTTP (calls) and WebSocket (events), bound
 * to 127.0.0.1 only, with a per-run token on every call and a Host check against DNS rebinding.
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { engine } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : undefined;
  const routes = methodNames.map((name) => `${API_PREFIX}${name}`);
  let port = 0;

  const allowedHost = (request: IncomingMessage) => {
    const host = request.headers.host;
    return host === `${HOST}:${port}` || host === `localhost:${port}`;
  };

  async function handleInvoke(method: string, request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!isMethodName(method)) {
      sendError(response, { code: 'UNKNOWN_METHOD', message: `Atelier has no method "${method}".` });
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(request, maxBodyBytes);
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      const wire =
        error instanceof SyntaxError
          ? {
              code: 'INVALID_INPUT' as const,
              message: `The request body is not valid JSON: ${error.message}`,
            }
          : toWireError(error);
      sendError(response, wire);
      return;
    }
    try {
      sendJson(response, 200, { ok: true, value: await engine.invoke(method, input) });
    } catch (error) {
      sendError(response, toWireError(error));
    }
  }

  async function handleMedia(rest: string, response: ServerResponse) {
    const [kind, id] = rest.split('/');
    try {
      const media = (await engine.invoke('media.locate', { kind, id })) as { path: string; mimeType: string };
      response.writeHead(200, { 'content-type': media.mimeType, 'cache-control': 'private, max-age=3600' });
      createReadStream(media.path)
        .on('error', () => response.destroy())
        .pipe(response);
    } catch (error) {
      sendError(response, toWireError(error));
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    if (!allowedHost(request)) {
      sendJson(response, 403, {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'Unexpected Host header.' },
      });
      return;
    }
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith(MEDIA_PREFIX)) {
      const given = url.pathname.startsWith(MEDIA_PREFIX) ? url.searchParams.get('token') : bearerOf(request);
      if (!sameToken(given, token)) {
        sendError(response, {
          code: 'UNAUTHORIZED',
          message: 'Missing or wrong token. Open the address `atelier serve` printed.',
        });
        return;
      }
      if (url.pathname.startsWith(API_PREFIX))
        return handleInvoke(url.pathname.slice(API_PREFIX.length), request, response);
      if (url.pathname.startsWith(MEDIA_PREFIX))
        return handleMedia(url.pathname.slice(MEDIA_PREFIX.length), response);
      sendError(response, { code: 'NOT_FOUND', message: `No API route ${url.pathname}.` });
      return;
    }
    if (request.method === 'GET' && staticDir && serveStatic(staticDir, url.pathname, response)) return;
    if (request.method === 'GET' && !staticDir) {
      response
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('The UI is not built: run `npm run build:renderer`.');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, toWireError(error));
      else response.destroy();
    });
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    if (
      url.pathname !== EVENTS_PATH ||
      !allowedHost(request) ||
      !sameToken(url.searchParams.get('token'), token)
    ) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
    });
  });

  const subscription = engine.onEvent((message) => {
    const text = JSON.stringify(message);
    for (const client of clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      subscription.dispose();
      for (const client of clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closing;
  };

  return {
    port,
    token,
    url: `http://${HOST}:${port}/#token=${token}`,
    routes,
    close,
    dispose: () => void close(),
  };
}
