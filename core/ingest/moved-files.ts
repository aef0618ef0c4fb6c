/** What a scan knows of a file without opening it: a rename or a move within a volume keeps both. */
export interface FileStamp {
  readonly size: number | null;
  readonly mtimeMs: number | null;
}

/**
 * Pairs files gone from a folder with files new to it that are the same file renamed or moved: same
 * size and modification time, and no other gone or new file with that size and time (two copies
 * renamed together cannot be told apart, so neither is guessed). A file without a stamp pairs with nothing.
 */
export function pairMovedFiles<Gone extends FileStamp, Arrived extends FileStamp>(
  gone: Iterable<Gone>,
  arrived: Iterable<Arrived>,
): { from: Gone; to: Arrived }[] {
  const keyOf = (file: FileStamp) =>
    file.size === null || file.mtimeMs === null ? null : `${file.size}:${file.mtimeMs}`;
  const group = <T extends FileStamp>(files: Iterable<T>, only?: Map<string, unknown>) => {
    const byKey = new Map<string, T[]>();
    for (const file of files) {
      const key = keyOf(file);
      if (key === null || (only !== undefined && !only.has(key))) continue;
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [file]);
      else list.push(file);
    }
    return byKey;
  };
  const goneByKey = group(gone);
  const arrivedByKey = group(arrived, goneByKey);
  const pairs: { from: Gone; to: Arrived }[] = [];
  for (const [key, from] of goneByKey) {
    const to = arrivedByKey.get(key);
    if (from.length === 1 && to?.length === 1) pairs.push({ from: from[0]!, to: to[0]! });
  }
  return pairs;
}
