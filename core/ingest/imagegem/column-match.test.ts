import { expect, it } from 'vitest';
import { matchColumns } from './column-match';

it('matches header names to fields whatever their case and punctuation, preferring earlier aliases', () => {
  const header = ['ID', 'model_version_id', 'image_id', 'CFG Scale'];
  expect(
    Array.from(matchColumns(header, [['id', 'imageId'], ['modelVersionId'], ['cfgScale'], ['seed']])),
  ).toEqual([0, 1, 3, -1]);
  expect(Array.from(matchColumns(header, [['imageId', 'id']]))).toEqual([2]);
});
