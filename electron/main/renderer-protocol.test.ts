import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './content-security';
import { rendererHandler, resolveRendererFile } from './renderer-protocol';

const root = path.resolve('/app/out/renderer');

describe('resolveRendererFile', () => {
  it('maps app URLs to files in the renderer folder', () => {
    expect(resolveRendererFile(root, 'atelier-app://app/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'atelier-app://app/assets/index-abc.js')).toBe(
      path.join(root, 'assets/index-abc.js'),
    );
  });

  it('serves index.html for the root and for client-side routes', () => {
    expect(resolveRendererFile(root, 'atelier-app://app/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'atelier-app://app/library/loras')).toBe(path.join(root, 'index.html'));
  });

  it('never leaves the renderer folder', () => {
    expect(resolveRendererFile(root, 'atelier-app://app/..%2F..%2Fmain%2Findex.js')).toBeUndefined();
    // The URL parser already clamps dot segments at the root; encoded slashes are the real attack.
    expect(resolveRendererFile(root, 'atelier-app://app/%2e%2e/%2e%2e/etc/passwd.txt')).toBe(
      path.join(root, 'etc/passwd.txt'),
    );
    expect(resolveRendererFile(root, 'atelier-app://app/a%00.js')).toBeUndefined();
    expect(resolveRendererFile(root, 'atelier-app://app/%E0%A4%A.js')).toBeUndefined();
  });

  it('ignores other schemes and hosts', () => {
    expect(resolveRendererFile(root, 'atelier-app://other/index.html')).toBeUndefined();
    expect(resolveRendererFile(root, 'file:///app/out/renderer/index.html')).toBeUndefined();
  });
});

describe('rendererHandler', () => {
  it('serves files with the content security policy as a header', async () => {
    const fetchFile = vi.fn((_url: string | Request) => Promise.resolve(new Response('<!doctype html>')));
    const response = await rendererHandler(root, fetchFile)(new Request('atelier-app://app/index.html'));
    expect(fetchFile).toHaveBeenCalledWith(pathToFileURL(path.join(root, 'index.html')).toString());
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for missing files and escapes', async () => {
    const fetchFile = vi.fn((_url: string | Request) => Promise.reject(new Error('ERR_FILE_NOT_FOUND')));
    const handle = rendererHandler(root, fetchFile);
    expect((await handle(new Request('atelier-app://app/missing.js'))).status).toBe(404);
    expect((await handle(new Request('atelier-app://app/..%2Fmain%2Findex.js'))).status).toBe(404);
  });
});
