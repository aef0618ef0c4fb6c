import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, appUrlMatcher, isHttpUrl } from './app-url';

describe('appUrlMatcher', () => {
  it('accepts the app scheme and, in development, the dev server', () => {
    const isApp = appUrlMatcher('http://localhost:5173/');
    expect(isApp(APP_ENTRY_URL)).toBe(true);
    expect(isApp('atelier-app://app/assets/index.js')).toBe(true);
    expect(isApp('http://localhost:5173/#/feed')).toBe(true);
  });

  it('refuses everything else', () => {
    const isApp = appUrlMatcher('http://localhost:5173');
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('https://localhost:5173/')).toBe(false);
    expect(isApp('atelier-app://other/index.html')).toBe(false);
    expect(isApp('file:///index.html')).toBe(false);
    expect(isApp('about:blank')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });

  it('does not trust any dev server in a packaged app', () => {
    expect(appUrlMatcher(undefined)('http://localhost:5173/')).toBe(false);
  });
});

describe('isHttpUrl', () => {
  it('is true only for http and https', () => {
    expect(isHttpUrl('https://example.com')).toBe(true);
    expect(isHttpUrl('http://example.com')).toBe(true);
    expect(isHttpUrl('file:///x')).toBe(false);
    expect(isHttpUrl('mailto:a@b.c')).toBe(false);
    expect(isHttpUrl('nope')).toBe(false);
  });
});
