// What the login screens show: the state main pushes as `handoff:event` (HandoffView), and the few
// answers the person gives. The PIN passes through here only as the argument of one call.
import { create } from 'zustand';
import type { HandoffView } from '../../../shared/channels';
import type { SerializedError } from '../../../shared/errors';
import { invoke, on } from '../api';
import { pinBytes } from '../pin-bytes';

interface HandoffStore {
  view: HandoffView;
  /** The last answer main refused (a PIN of the wrong form), for the dialog to show. */
  error: SerializedError | null;
  start(): () => void;
  confirm(reader: string): Promise<void>;
  /** Returns false when main refused the PIN (ERR_PIN_FORMAT); the dialog keeps the input. */
  submitPin(pin: string): Promise<boolean>;
  cancel(): Promise<void>;
  dismiss(): Promise<void>;
}

const flowOf = (view: HandoffView): number | null => (view.step === 'idle' ? null : view.request.flow);

export const useHandoffStore = create<HandoffStore>((set, get) => ({
  view: { step: 'idle' },
  error: null,

  start() {
    const stop = on('handoff:event', (view) => set({ view, error: null }));
    // A window opened (or reloaded) mid-flow asks for the current screen.
    void invoke('handoff:state').then((result) => {
      if (result.ok && get().view.step === 'idle') set({ view: result.value });
    });
    return stop;
  },

  async confirm(reader) {
    const flow = flowOf(get().view);
    if (flow === null) return;
    const result = await invoke('handoff:confirm', { flow, reader });
    if (!result.ok) set({ error: result.error });
  },

  async submitPin(pin) {
    const flow = flowOf(get().view);
    if (flow === null) return false;
    const result = await invoke('handoff:pin', { flow, pin: pinBytes(pin) });
    if (!result.ok) set({ error: result.error });
    return result.ok;
  },

  async cancel() {
    const flow = flowOf(get().view);
    if (flow !== null) await invoke('handoff:cancel', { flow });
  },

  async dismiss() {
    const flow = flowOf(get().view);
    if (flow !== null) await invoke('handoff:dismiss', { flow });
  },
}));
