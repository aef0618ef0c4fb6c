import { describe, expect, it } from 'vitest';
import { resolveLabels, type LabelContext } from './labels';

const members = [
  { path: '/l/a.safetensors', tensorHash: 'ha', loraFileId: 1 },
  { path: '/l/b.safetensors', tensorHash: 'hb', loraFileId: 2 },
  { path: '/l/c.safetensors', tensorHash: 'hc', loraFileId: null },
  { path: '/l/d.safetensors', tensorHash: 'hd', loraFileId: 4 },
];
const m = 2;
const coefficients = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);

function context(overrides: Partial<LabelContext> = {}): LabelContext {
  return {
    members,
    libraryFilesWithTag: (tag) =>
      tag === 'anime'
        ? [
            { id: 1, tensorHash: 'ha' },
            { id: 99, tensorHash: 'hc' }, // another copy of member c's weights
          ]
        : tag === 'realistic'
          ? [{ id: 4, tensorHash: 'hd' }]
          : [],
    likedLoraFileIds: () => [2, 4],
    libraryFile: () => undefined,
    project: () => Promise.reject(new Error('not expected')),
    ...overrides,
  };
}

describe('resolveLabels', () => {
  it('matches tags to members by library id or tensor hash', async () => {
    const r = await resolveLabels(['anime'], ['realistic'], coefficients, m, context());
    expect([...r.memberLabels]).toEqual([1, 0, 1, -1]);
    expect(r.set.n).toBe(3);
    expect([...r.set.labels]).toEqual([1, 1, -1]);
    expect([...r.set.coefficients]).toEqual([0, 1, 4, 5, 6, 7]);
  });

  it('takes @liked from the artist’s reactions and @rest as every other member', async () => {
    const r = await resolveLabels(['@liked'], ['@rest'], coefficients, m, context());
    expect([...r.memberLabels]).toEqual([-1, 1, -1, 1]);
    expect(r.positiveCount).toBe(2);
    expect(r.negativeCount).toBe(2);
  });

  it('projects a labeled file that is not a member', async () => {
    const r = await resolveLabels(['anime'], [__filename], coefficients, m, {
      ...context(),
      project: () => Promise.resolve(Float64Array.from([9, 9])),
    });
    expect(r.negativeCount).toBe(1);
    expect([...r.set.labels]).toEqual([1, 1, -1]);
    expect([...r.set.coefficients.slice(-2)]).toEqual([9, 9]);
  });

  it('refuses a LoRA on both sides, a side with nothing, and @rest as the positive side', async () => {
    await expect(resolveLabels(['anime'], ['anime'], coefficients, m, context())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(resolveLabels(['nothing'], ['@rest'], coefficients, m, context())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('0 positive') as unknown,
    });
    await expect(resolveLabels(['@rest'], ['anime'], coefficients, m, context())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
