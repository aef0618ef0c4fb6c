import { expect, test } from './fixtures';

test('the API refuses calls without the right token', async ({ request, server }) => {
  const list = `${server.origin}/api/invoke/folders.list`;

  const bare = await request.post(list, { data: {} });
  expect(bare.status()).toBe(401);
  expect(await bare.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

  const wrong = await request.post(list, { data: {}, headers: { Authorization: 'Bearer not-the-token' } });
  expect(wrong.status()).toBe(401);

  const media = await request.get(`${server.origin}/media/image/1`);
  expect(media.status()).toBe(401);

  const allowed = await request.post(list, {
    data: {},
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(allowed.status()).toBe(200);
  expect(await allowed.json()).toEqual({ ok: true, value: [] });
});
