/**
 * A bounded string-keyed cache for pure functions of tensor and module names. A library scan sees the
 * same few thousand names (SDXL's 986 modules × their roles) in every file, so classifying each name
 * once per thread instead of once per file takes regexes and string building off the hot path.
 * Past `limit` distinct names (a hostile or very mixed library) it starts over instead of growing.
 */
export function memoizeByName<T>(compute: (name: string) => T, limit = 1 << 16): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    const hit = cache.get(name);
    if (hit !== undefined || cache.has(name)) return hit as T;
    const value = compute(name);
    if (cache.size >= limit) cache.clear();
    cache.set(name, value);
    return value;
  };
}
