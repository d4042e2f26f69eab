import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract';
import type { SerializedError } from '../../../shared/errors';
import { invoke } from '../api';

export type View = 'card' | 'settings' | 'smartcard' | 'diagnostics';

interface AppStore {
  info: AppInfo | null;
  error: SerializedError | null;
  view: View;
  load(): Promise<void>;
  show(view: View): void;
}

export const useAppStore = create<AppStore>((set) => ({
  info: null,
  error: null,
  view: 'card',
  async load() {
    const result = await invoke('app:info');
    set(result.ok ? { info: result.value } : { error: result.error });
  },
  show(view) {
    set({ view });
  },
}));
