import type { Session } from 'electron';
import { MEDIA_SCHEME } from './media-protocol';

/** The policy for the packaged app. Images may also come from the media scheme, never from the web. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `img-src 'self' ${MEDIA_SCHEME}: data: blob:`,
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dev server needs two holes: the React refresh preamble is an inline script, and hot reload
 * talks over a WebSocket to the dev server. Only ever applied to the dev server's own responses.
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const { host } = new URL(devServerUrl);
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ws://${host}`,
  );
}

/** Adds the dev policy to the dev server's responses; the packaged app gets its header from the app protocol. */
export function installDevContentSecurityPolicy(session: Session, devServerUrl: string): void {
  const policy = devContentSecurityPolicy(devServerUrl);
  const origin = new URL(devServerUrl).origin;
  session.webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

/**
 * Atelier needs no camera, microphone, location or notifications; the only permission granted is
 * writing sanitized text to the clipboard, which copy buttons use.
 */
export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'clipboard-sanitized-write');
  });
  session.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
}
