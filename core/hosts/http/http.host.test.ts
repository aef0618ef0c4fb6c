import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createEngine } from '../../engine';
import type { Engine } from '../../engine.types';
import { tempDir } from '../../testing';
import { startHttpHost } from './http.host';
import type { HttpHost } from './http.host';

let dir: ReturnType<typeof tempDir>;
let engine: Engine;
let host: HttpHost;
let base: string;

beforeEach(async () => {
  dir = tempDir('atelier-http-');
  const ui = path.join(dir.path, 'ui');
  mkdirSync(ui);
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>Atelier</title>');
  writeFileSync(path.join(dir.path, 'secret.txt'), 'outside');
  engine = createEngine({ dataDir: path.join(dir.path, 'data') });
  host = await startHttpHost({ engine, staticDir: ui });
  base = `http://127.0.0.1:${host.port}`;
});
afterEach(async () => {
  await host.close();
  engine.dispose();
  dir.dispose();
});

function invoke(method: string, body: string, token: string | null = host.token) {
  return fetch(`${base}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

describe('HTTP bridge', () => {
  it('prints a loopback URL with the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(24);
  });

  it('answers a call with the token', async () => {
    const response = await invoke('app.status', '{}');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; value: { dataDir: string } };
    expect(body.ok).toBe(true);
    expect(body.value.dataDir).toBe(path.join(dir.path, 'data'));
  });

  it('refuses calls without the token or with a wrong one (401)', async () => {
    expect((await invoke('app.status', '{}', null)).status).toBe(401);
    const wrong = await invoke('app.status', '{}', 'x'.repeat(host.token.length));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('gives malformed JSON a 400 and keeps serving', async () => {
    const response = await invoke('folders.add', '{"path": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    expect((await invoke('app.status', '{}')).status).toBe(200);
  });

  it('gives a schema violation a 400 with the zod issues', async () => {
    const response = await invoke('folders.add', '{"path": 5}');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { path: string[] }[] } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.details[0]?.path).toEqual(['path']);
  });

  it('maps user errors to their status codes', async () => {
    const missing = await invoke('folders.add', JSON.stringify({ path: path.join(dir.path, 'nope') }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('PATH_NOT_FOUND');
    expect((await invoke('no.such', '{}')).status).toBe(404);
    expect(
      (await fetch(`${base}/api/invoke/app.status`, { headers: { authorization: `Bearer ${host.token}` } }))
        .status,
    ).toBe(405);
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, path: '/', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('serves the UI without the token and never a file outside it', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<title>Atelier</title>');
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
  });

  it('pushes job events over the WebSocket to token holders only', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=wrong`);
    await expect(
      new Promise((resolve, reject) => {
        refused.on('open', () => resolve('open'));
        refused.on('error', reject);
      }),
    ).rejects.toThrow(/401/);

    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`);
    await new Promise((resolve) => socket.on('open', resolve));
    const states: string[] = [];
    const done = new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { event: string; payload: { state: string } };
        expect(message.event).toBe('jobs.onDidProgress');
        states.push(message.payload.state);
        if (message.payload.state === 'done') resolve();
      });
    });
    expect((await invoke('store.backup', '{}')).status).toBe(200);
    await done;
    expect(states[0]).toBe('queued');
    socket.close();
  });

  it('binds to 127.0.0.1 only', async () => {
    const os = await import('node:os');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    // A server bound to all interfaces (0.0.0.0 or ::) would answer on these.
    await expect(fetch(`http://[::1]:${host.port}/`)).rejects.toThrow();
    if (external) await expect(fetch(`http://${external.address}:${host.port}/`)).rejects.toThrow();
  });
});
