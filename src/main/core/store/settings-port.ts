// The settings port the shell already uses (core/settings.ts SettingsStore), backed by the app's
// SQLite file, so the window's settings screen and the loopback listener read the same rows.
import type { Settings } from '../../../shared/settings';
import type { SettingsStore } from '../settings';
import type { AppStore } from './app-store';

export function sqliteSettings(store: AppStore): SettingsStore {
  // Only the fields of the shared Settings type cross IPC; allowlist and port are not the renderer's.
  const shared = (): Settings => {
    const { language, pkcs11ModulePath } = store.getSettings();
    return { language, pkcs11ModulePath };
  };
  return {
    async get() {
      return shared();
    },
    async set(patch) {
      store.setSettings(patch);
      return shared();
    },
  };
}
