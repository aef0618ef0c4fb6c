import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './store.test-support';

describe('SettingsRepository', () => {
  const database = useTestDatabase();

  it('starts empty and round-trips JSON values of every shape', () => {
    const { settings } = database();
    expect(settings.getAll()).toEqual({});
    const values = {
      comfyUiUrl: 'http://127.0.0.1:8188',
      followSymlinks: false,
      weights: [0.5, 1],
      nested: { a: null },
    };
    settings.setMany(values);
    expect(settings.getAll()).toEqual(values);
  });

  it('overwrites given keys, keeps the others, and forgets keys set to undefined', () => {
    const { settings } = database();
    settings.setMany({ a: 1, b: 'two', c: true });
    settings.setMany({ a: 10, c: undefined });
    expect(settings.getAll()).toEqual({ a: 10, b: 'two' });
  });

  it('writes all keys or none', () => {
    const { settings } = database();
    settings.setMany({ a: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => settings.setMany({ a: 2, b: cyclic })).toThrow(TypeError);
    expect(settings.getAll()).toEqual({ a: 1 });
  });
});
