// The "ZORG-ID Smartcard maken" screen's state: main's SmartcardView as it pushes it (`smartcard:event`),
// the last refused request, and the reader the card screen chose for the blank card.
import { create } from 'zustand';
import type { SmartcardView } from '../../../shared/contract';
import type { SerializedError } from '../../../shared/errors';
import { invoke, on } from '../api';
import { useCardStore } from './card-store';
import { pinBytes } from '../pin-bytes';

interface SmartcardStore {
  view: SmartcardView;
  error: SerializedError | null;
  busy: boolean;
  /** The reader the card screen's "ZORG-ID Smartcard maken" came from: the blank card's reader. */
  blankReader: string | null;
  /** Starts listening for the view; returns the stop function. */
  start(): () => void;
  /** Opens the start form with `reader` as the blank card's reader. */
  prepare(blankReader: string): void;
  create(input: { uziReader: string; blankReader: string; pin: string; pinRepeat: string }): Promise<boolean>;
  uziPin(pin: string): Promise<void>;
  cardReady(): Promise<void>;
  dismiss(): Promise<void>;
}

export const useSmartcardStore = create<SmartcardStore>((set, get) => {
  const flow = () => {
    const v = get().view;
    return v.step === 'idle' ? null : v.flow;
  };
  return {
    view: { step: 'idle' },
    error: null,
    busy: false,
    blankReader: null,
    start() {
      let pushed = false;
      const stop = on('smartcard:event', (view) => {
        pushed = true;
        const before = get().view;
        set({ view });
        // The card screen read this card while it was blank; what is on it now is the new Smartcard.
        if (view.step === 'done' && !(before.step === 'done' && before.flow === view.flow)) void useCardStore.getState().read(view.reader, 'zorgid-smartcard');
      });
      // A window opened (or reloaded) mid-creation asks once where it is; an event that came first is newer.
      void invoke('smartcard:state').then((result) => {
        if (result.ok && !pushed) set({ view: result.value });
      });
      return stop;
    },
    prepare(blankReader) {
      set({ blankReader, error: null });
    },
    async create(input) {
      set({ busy: true, error: null });
      const result = await invoke('smartcard:start', { ...input, pin: pinBytes(input.pin), pinRepeat: pinBytes(input.pinRepeat) });
      if (!result.ok) {
        set({ error: result.error, busy: false });
        return false;
      }
      // The answer is the creation's first view; an event about the same creation may already be newer.
      const shown = get().view;
      const first = result.value;
      const newer = shown.step !== 'idle' && first.step !== 'idle' && shown.flow === first.flow;
      set({ busy: false, blankReader: null, ...(newer ? {} : { view: first }) });
      return true;
    },
    async uziPin(pin) {
      const id = flow();
      if (id !== null) await invoke('smartcard:uzi-pin', { flow: id, pin: pinBytes(pin) });
    },
    async cardReady() {
      const id = flow();
      if (id !== null) await invoke('smartcard:card-ready', { flow: id });
    },
    async dismiss() {
      const id = flow();
      if (id === null) return;
      set({ error: null });
      await invoke('smartcard:dismiss', { flow: id });
    },
  };
});
