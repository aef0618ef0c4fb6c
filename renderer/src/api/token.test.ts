import { describe, expect, it } from 'vitest';
import { takeToken, TOKEN_STORAGE_KEY, type TokenEnvironment } from './token';

function environment(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored === null ? [] : [[TOKEN_STORAGE_KEY, stored]]);
  const replaced: string[] = [];
  const env: TokenEnvironment = {
    location: { hash, pathname: '/', search: '' },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
    },
    history: { state: null, replaceState: (_state, _title, url) => void replaced.push(String(url)) },
  };
  return { env, storage, replaced };
}

describe('takeToken', () => {
  it('takes the token from the hash, stores it and clears the hash', () => {
    const { env, storage, replaced } = environment('#token=abc123');
    expect(takeToken(env)).toBe('abc123');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(replaced).toEqual(['/']);
  });

  it('prefers a fresh token in the hash over a stored one, as after a server restart', () => {
    const { env } = environment('#token=new', 'old');
    expect(takeToken(env)).toBe('new');
  });

  it('falls back to the stored token on reload, leaving the route alone', () => {
    const { env, replaced } = environment('#/settings', 'kept');
    expect(takeToken(env)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('returns null when there is no token anywhere', () => {
    expect(takeToken(environment('').env)).toBeNull();
  });
});
