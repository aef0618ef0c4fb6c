import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './store.test-support';

describe('MediaRepository', () => {
  const database = useTestDatabase();

  it('locates local images and nothing else', () => {
    const db = database();
    const insert = db.connection.prepare('INSERT INTO images (path, url, source) VALUES (?, ?, ?)');
    const local = Number(insert.run('/art/out/0001.png', null, 'local').lastInsertRowid);
    const remote = Number(insert.run(null, 'https://image.civitai.com/x.jpeg', 'imagegem').lastInsertRowid);

    expect(db.media.locateImage(local)).toBe('/art/out/0001.png');
    expect(db.media.locateImage(remote)).toBeUndefined();
    expect(db.media.locateImage(remote + 1)).toBeUndefined();
  });
});
