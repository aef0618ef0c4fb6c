import { Settings, SettingsPatch } from '../api';
import type { SettingsRepository } from '../store';

/** Settings live as one row per key; a stored value a newer/older app can't read falls back to its default. */
export class SettingsService {
  constructor(private readonly repository: SettingsRepository) {}

  get(): Settings {
    const stored = this.repository.getAll();
    const defaults = Settings.parse({});
    const result: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(stored)) {
      const field = Settings.shape[key as keyof Settings];
      if (!field) continue;
      const parsed = field.safeParse(value);
      if (parsed.success) result[key] = parsed.data;
    }
    return Settings.parse(result);
  }

  set(patch: SettingsPatch): Settings {
    const valid = SettingsPatch.parse(patch);
    this.repository.setMany(valid);
    return this.get();
  }
}
