/**
 * Atelier's pages are served from a custom scheme rather than file://, so the CSP can be a real
 * response header, `'self'` means exactly the app, and no page can read arbitrary local files.
 */
export const APP_SCHEME = 'atelier-app';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Whether a URL is one of Atelier's pages: the app scheme, or the electron-vite dev server in
 * development. Compares scheme and host by hand because Node gives custom schemes an opaque origin.
 */
export function appUrlMatcher(devServerUrl?: string): (url: string) => boolean {
  const dev = devServerUrl ? safeUrl(devServerUrl) : undefined;
  return (url) => {
    const candidate = safeUrl(url);
    if (candidate === undefined) return false;
    if (candidate.protocol === `${APP_SCHEME}:` && candidate.host === APP_HOST) return true;
    return dev !== undefined && candidate.protocol === dev.protocol && candidate.host === dev.host;
  };
}

export function isHttpUrl(url: string): boolean {
  const parsed = safeUrl(url);
  return parsed !== undefined && (parsed.protocol === 'https:' || parsed.protocol === 'http:');
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
