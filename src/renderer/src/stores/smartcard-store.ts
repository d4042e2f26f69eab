// The "ZORG-ID Smartcard maken" screen's state: main's SmartcardView, asked again while a creation
// runs (the skeleton has no push event yet), plus the last refused request.
import { create } from 'zustand';
import type { SmartcardView } from '../../../shared/contract';
import type { SerializedError } from '../../../shared/errors';
import { invoke } from '../api';

const POLL_MS = 400;

interface SmartcardStore {
  view: SmartcardView;
  error: SerializedError | null;
  busy: boolean;
  /** Starts asking for the view; returns the stop function. */
  start(): () => void;
  create(input: { uziReader: string; blankReader: string; pin: string; pinRepeat: string }): Promise<boolean>;
  uziPin(pin: string): Promise<void>;
  cardReady(): Promise<void>;
  dismiss(): Promise<void>;
}

export const useSmartcardStore = create<SmartcardStore>((set, get) => {
  const refresh = async () => {
    const result = await invoke('smartcard:state');
    if (result.ok) set({ view: result.value });
  };
  const flow = () => {
    const v = get().view;
    return v.step === 'idle' ? null : v.flow;
  };
  return {
    view: { step: 'idle' },
    error: null,
    busy: false,
    start() {
      void refresh();
      const timer = setInterval(() => {
        if (get().view.step === 'running') void refresh();
      }, POLL_MS);
      return () => clearInterval(timer);
    },
    async create(input) {
      set({ busy: true, error: null });
      const result = await invoke('smartcard:start', input);
      set(result.ok ? { view: result.value, busy: false } : { error: result.error, busy: false });
      return result.ok;
    },
    async uziPin(pin) {
      const id = flow();
      if (id === null) return;
      await invoke('smartcard:uzi-pin', { flow: id, pin });
      await refresh();
    },
    async cardReady() {
      const id = flow();
      if (id === null) return;
      await invoke('smartcard:card-ready', { flow: id });
      await refresh();
    },
    async dismiss() {
      const id = flow();
      if (id === null) return;
      await invoke('smartcard:dismiss', { flow: id });
      set({ error: null });
      await refresh();
    },
  };
});
