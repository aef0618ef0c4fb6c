import { describe, expect, it, vi } from 'vitest';
import { AtelierError } from '../../../core/api';
import type { SocketLike } from './event.socket';
import { createHttpTransport } from './http.transport';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = vi.fn((url: string, init?: RequestInit) => {
    const call = { url, init: init ?? {} };
    calls.push(call);
    return Promise.resolve(respond(call));
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
}

describe('createHttpTransport', () => {
  it('posts the input as JSON with the bearer token and returns the value', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { ok: true, value: [{ id: 1 }] }));
    const transport = createHttpTransport({ origin: 'http://127.0.0.1:5123/', token: 'tok en', fetch });

    await expect(transport.invoke('folders.list', {})).resolves.toEqual([{ id: 1 }]);

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.url).toBe('http://127.0.0.1:5123/api/invoke/folders.list');
    expect(call!.init.method).toBe('POST');
    expect(call!.init.headers).toMatchObject({
      Authorization: 'Bearer tok en',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(call!.init.body as string)).toEqual({});
  });

  it('turns an error envelope into an AtelierError with its code, message and details', async () => {
    const { fetch } = fakeFetch(() =>
      json(400, {
        ok: false,
        error: {
          code: 'PATH_NOT_FOUND',
          message: 'No folder at /x. Check the path.',
          details: { path: '/x' },
        },
      }),
    );
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    const error = await transport.invoke('folders.add', { path: '/x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtelierError);
    expect(error).toMatchObject({
      code: 'PATH_NOT_FOUND',
      message: 'No folder at /x. Check the path.',
      details: { path: '/x' },
    });
  });

  it('keeps the message of an envelope whose code the contract does not know', async () => {
    const { fetch } = fakeFetch(() =>
      json(500, { ok: false, error: { code: 'SOMETHING_NEW', message: 'Disk full.' } }),
    );
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    await expect(transport.invoke('store.backup', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Disk full.',
    });
  });

  it('reports a bare 401 as UNAUTHORIZED', async () => {
    const { fetch } = fakeFetch(() => new Response('Unauthorized', { status: 401 }));
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    await expect(transport.invoke('app.status', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('reports a non-JSON failure with the status', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    await expect(transport.invoke('app.status', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'The server answered 502 to app.status.',
    });
  });

  it('reports an unreachable server as an AtelierError, not a TypeError', async () => {
    const fetch = vi.fn(() =>
      Promise.reject(new TypeError('fetch failed')),
    ) as unknown as typeof globalThis.fetch;
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    const error = await transport.invoke('app.status', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtelierError);
    expect((error as AtelierError).message).toMatch(/Cannot reach the Atelier server/);
  });

  it('rejects a 200 that is not a success envelope', async () => {
    const { fetch } = fakeFetch(() => json(200, { hello: 'world' }));
    const transport = createHttpTransport({ origin: 'http://h', token: 't', fetch });

    await expect(transport.invoke('app.status', {})).rejects.toBeInstanceOf(AtelierError);
  });

  it('builds media URLs that carry the token, since <img> cannot send headers', () => {
    const transport = createHttpTransport({
      origin: 'http://127.0.0.1:9',
      token: 'a/b',
      fetch: vi.fn() as never,
    });

    expect(transport.mediaUrl('image', 42)).toBe('http://127.0.0.1:9/media/image/42?token=a%2Fb');
  });

  it('opens the event socket with the token on first subscription and routes events by name', () => {
    const sockets: FakeSocket[] = [];
    const transport = createHttpTransport({
      origin: 'http://127.0.0.1:9',
      token: 'tok',
      fetch: vi.fn() as never,
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
    });
    expect(sockets).toHaveLength(0);

    const seen: unknown[] = [];
    const off = transport.subscribe('jobs.onDidProgress', (payload) => seen.push(payload));
    const socket = sockets[0]!;
    expect(socket.url).toBe('ws://127.0.0.1:9/api/events?token=tok');

    socket.onopen?.({});
    socket.onmessage?.({ data: JSON.stringify({ event: 'jobs.onDidProgress', payload: { id: 7 } }) });
    socket.onmessage?.({ data: JSON.stringify({ event: 'other.event', payload: { id: 8 } }) });
    socket.onmessage?.({ data: 'not json' });
    off();
    socket.onmessage?.({ data: JSON.stringify({ event: 'jobs.onDidProgress', payload: { id: 9 } }) });

    expect(seen).toEqual([{ id: 7 }]);
    transport.dispose();
    expect(socket.closed).toBe(true);
  });

  it('uses wss for an https origin', () => {
    const urls: string[] = [];
    const transport = createHttpTransport({
      origin: 'https://example.test',
      token: 't',
      fetch: vi.fn() as never,
      createSocket: (url) => {
        urls.push(url);
        return new FakeSocket(url);
      },
    });
    transport.subscribe('jobs.onDidProgress', () => {});
    expect(urls).toEqual(['wss://example.test/api/events?token=t']);
    transport.dispose();
  });
});
