import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme, Net, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-url';
import { CONTENT_SECURITY_POLICY } from './content-security';

export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // Standard gives the pages a real origin for 'self'; secure keeps them a secure context; codeCache
  // lets V8 cache the bundles like it does for http pages.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file under `rendererDir` a URL names, or undefined when the URL is not an app page or tries
 * to leave the folder. Paths without an extension are client-side routes and get index.html.
 */
export function resolveRendererFile(rendererDir: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const root = path.resolve(rendererDir);
  const relative =
    pathname === '/' || path.posix.extname(pathname) === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : undefined;
}

export function rendererHandler(
  rendererDir: string,
  fetchFile: Net['fetch'],
): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = resolveRendererFile(rendererDir, request.url);
    if (file === undefined) return new Response('Not found', { status: 404 });
    let response: Response;
    try {
      response = await fetchFile(pathToFileURL(file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    if (!response.ok) return new Response('Not found', { status: 404 });
    return new Response(response.body, {
      status: 200,
      headers: {
        'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

export function registerRendererProtocol(
  protocol: Protocol,
  rendererDir: string,
  fetchFile: Net['fetch'],
): void {
  protocol.handle(APP_SCHEME, rendererHandler(rendererDir, fetchFile));
}
