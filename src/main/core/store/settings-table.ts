// The app's settings rows in its SQLite file: one JSON value per key, each parsed on the way in and on
// the way out, so a damaged row falls back to that key's default.
import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { AppSettingsPatchSchema, AppSettingsSchema, APP_SETTING_KEYS, DEFAULT_APP_SETTINGS, type AppSettings } from './app-settings';
import type { AppStore } from './app-store-types';

export function settingsTable(db: Database.Database): Pick<AppStore, 'getSettings' | 'setSettings'> {
  const selectSettings = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsertSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  function getSettings(): AppSettings {
    const stored: Record<string, unknown> = {};
    for (const row of selectSettings.all()) {
      if (!(APP_SETTING_KEYS as string[]).includes(row.key)) continue;
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // damaged row: the default for this key below
      }
    }
    const out: Record<string, unknown> = { ...DEFAULT_APP_SETTINGS };
    for (const key of APP_SETTING_KEYS) {
      if (!(key in stored)) continue;
      const one = AppSettingsSchema.shape[key].safeParse(stored[key]);
      if (one.success) out[key] = one.data;
    }
    return AppSettingsSchema.parse(out);
  }

  const writeSettings = db.transaction((values: Partial<AppSettings>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value !== undefined) upsertSetting.run(key, JSON.stringify(value));
    }
  });

  function setSettings(patch: unknown): AppSettings {
    const parsed = AppSettingsPatchSchema.strict().safeParse(patch);
    if (!parsed.success) {
      throw new AppError('ERR_SETTINGS_INVALID', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    }
    writeSettings(parsed.data);
    return getSettings();
  }

  return { getSettings, setSettings };
}
