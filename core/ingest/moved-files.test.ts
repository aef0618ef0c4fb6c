import { describe, expect, it } from 'vitest';
import { pairMovedFiles } from './moved-files';

describe('pairMovedFiles', () => {
  const file = (name: string, size: number | null, mtimeMs: number | null) => ({ name, size, mtimeMs });

  it('pairs a gone file with the one new file of the same size and time', () => {
    const gone = [file('a', 10, 1), file('b', 20, 2)];
    const arrived = [file('b2', 20, 2), file('c', 30, 3), file('a2', 10, 1)];
    expect(pairMovedFiles(gone, arrived).map(({ from, to }) => [from.name, to.name])).toEqual([
      ['a', 'a2'],
      ['b', 'b2'],
    ]);
  });

  it('guesses nothing when two gone or two new files share size and time, or a stamp is missing', () => {
    expect(pairMovedFiles([file('a', 10, 1), file('b', 10, 1)], [file('a2', 10, 1)])).toEqual([]);
    expect(pairMovedFiles([file('a', 10, 1)], [file('a2', 10, 1), file('a3', 10, 1)])).toEqual([]);
    expect(pairMovedFiles([file('a', 10, 1)], [file('a2', 10, 2), file('a3', 11, 1)])).toEqual([]);
    expect(pairMovedFiles([file('a', null, 1)], [file('a2', null, 1)])).toEqual([]);
  });
});
