import { create } from 'zustand';
import type { SerializedError } from '../../../shared/errors';
import type { SettingsSetInput, SettingsView } from '../../../shared/settings-view';

type SettingsPatch = SettingsSetInput;
import { invoke } from '../api';

interface SettingsStore {
  /** The effective settings with their sources (policy / user / default). */
  settings: SettingsView | null;
  error: SerializedError | null;
  load(): Promise<void>;
  /** Saves and returns the error (if any) so the form can show it next to itself. */
  save(patch: SettingsPatch): Promise<SerializedError | null>;
}

export const useSettingsStore = create<SettingsStore>((set, get) => ({
  settings: null,
  error: null,
  async load() {
    const result = await invoke('settings:get');
    set(result.ok ? { settings: result.value, error: null } : { error: result.error });
  },
  async save(patch) {
    const before = get().settings;
    // Optimistic: the language switches at once; a refusal puts the old settings back.
    if (before && patch.language) set({ settings: { ...before, language: patch.language } });
    const result = await invoke('settings:set', patch);
    if (!result.ok) {
      set({ settings: before });
      return result.error;
    }
    set({ settings: result.value, error: null });
    return null;
  },
}));
