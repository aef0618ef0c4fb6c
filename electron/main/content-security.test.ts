import { describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  installDevContentSecurityPolicy,
  restrictPermissions,
} from './content-security';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('content security policy', () => {
  it('allows only the app itself, plus media-scheme and inline images', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toBe("'self'");
    expect(policy.get('img-src')).toBe("'self' atelier-media: data: blob:");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(policy.get('connect-src')).toBe("'self'");
    expect(policy.get('object-src')).toBe("'none'");
  });

  it('opens only inline scripts and the HMR socket for the dev server', () => {
    const policy = directives(devContentSecurityPolicy('http://localhost:5173/'));
    expect(policy.get('script-src')).toBe("'self' 'unsafe-inline'");
    expect(policy.get('connect-src')).toBe("'self' ws://localhost:5173");
    expect(policy.get('img-src')).toBe("'self' atelier-media: data: blob:");
  });

  it('adds the dev policy to the dev server responses only', () => {
    let filter: unknown;
    let listener: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (f: unknown, l: typeof listener) => ((filter = f), (listener = l)) },
    };
    installDevContentSecurityPolicy(session as never, 'http://localhost:5173');
    expect(filter).toEqual({ urls: ['http://localhost:5173/*'] });
    const callback = vi.fn();
    listener!({ responseHeaders: { 'content-type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'content-type': ['text/html'],
        'Content-Security-Policy': [devContentSecurityPolicy('http://localhost:5173')],
      },
    });
  });
});

describe('restrictPermissions', () => {
  it('refuses every permission but sanitized clipboard writes', () => {
    let request:
      ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: ((contents: unknown, permission: string) => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (handler: typeof request) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler),
    };
    restrictPermissions(session as never);
    const answers: boolean[] = [];
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-sanitized-write',
    ]) {
      request!(null, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, true]);
    expect(check!(null, 'media')).toBe(false);
  });
});
