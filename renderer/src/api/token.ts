export const TOKEN_STORAGE_KEY = 'atelier.token';

export interface TokenEnvironment {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  history: Pick<History, 'replaceState' | 'state'>;
}

/**
 * Takes the serve-mode token from `#token=…`, keeps it for reloads in this tab only, and removes it
 * from the address bar so it is not bookmarked, shared in a screenshot, or mistaken for a route by
 * the hash router.
 */
export function takeToken(env: TokenEnvironment): string | null {
  const fromHash = new URLSearchParams(env.location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    env.storage.setItem(TOKEN_STORAGE_KEY, fromHash);
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}`);
    return fromHash;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY);
}
