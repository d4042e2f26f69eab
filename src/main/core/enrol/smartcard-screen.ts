// The "ZORG-ID Smartcard maken" screen's side in main: holds the view the renderer draws, starts one
// creation at a time and turns the renderer's answers (UZI-pas PIN, "card is in") into what the flow
// waits for. PINs arrive as strings (IPC) and become Buffers here at once; the flow zeroes them.
import type { ContractHandlers } from '../../../shared/contract';
import { SMARTCARD_SCREEN_STEPS, type SmartcardStepState, type SmartcardView } from '../../../shared/channels';
import type { CardEvent, CardFamily } from '../../../shared/domain';
import { AppError, serializeError, type ErrorCode } from '../../../shared/errors';
import { secretCopy } from '../secret-bytes';
import { checkNewPin, type CreateSmartcardInput, type CreatedSmartcard, type SmartcardProgress } from './create-smartcard';


/** createSmartcard with its deps bound (composition root); waitForCard is the screen's. */
export type RunSmartcard = (
  input: CreateSmartcardInput,
  waitForCard: (reader: string, card: 'uzi' | 'blank') => Promise<void>,
  onProgress: (p: SmartcardProgress) => void,
) => Promise<CreatedSmartcard>;

export type SmartcardHandlers = Pick<ContractHandlers, 'smartcard:state' | 'smartcard:start' | 'smartcard:uzi-pin' | 'smartcard:card-ready' | 'smartcard:dismiss'>;

export interface SmartcardScreen {
  handlers: SmartcardHandlers;
  view(): SmartcardView;
  /** Every change of the view, pushed to the renderer as `smartcard:event`. */
  subscribe(listener: (view: SmartcardView) => void): () => void;
  /** Resolves when the running creation has ended (tests, shutdown). */
  settled(): Promise<void>;
}

export interface SmartcardScreenOptions {
  /**
   * Card events (the card port's subscribe): with them a swap prompt ends by itself when the asked-for
   * card goes into the reader; the "card is in" answer stays as the fallback.
   */
  cardEvents?: (listener: (event: CardEvent) => void) => () => void;
}

/** Whether an inserted card can be the one the swap prompt asks for (the flow checks the rest). */
export function fitsSwap(want: 'uzi' | 'blank', family: CardFamily): boolean {
  return want === 'blank' ? family === 'zorgid-smartcard' || family === 'unknown' : family !== 'zorgid-smartcard';
}

const freshSteps = (): SmartcardStepState[] => SMARTCARD_SCREEN_STEPS.map((step) => ({ step, status: 'pending' }));
const mark = (list: SmartcardStepState[], index: number, status: SmartcardStepState['status']) =>
  list.map((s, i) => (i === index ? { ...s, status } : s));

/** The new PIN and its repeat in Buffers of their own, checked; zeroed if the check fails. The IPC's arrays are zeroed. */
function newPinBuffers(pin: Uint8Array, pinRepeat: Uint8Array): { pinBuf: Buffer; repeatBuf: Buffer } {
  const pinBuf = secretCopy(pin);
  const repeatBuf = secretCopy(pinRepeat);
  pin.fill(0);
  pinRepeat.fill(0);
  try {
    checkNewPin(pinBuf, repeatBuf);
  } catch (e) {
    pinBuf.fill(0);
    repeatBuf.fill(0);
    throw e;
  }
  return { pinBuf, repeatBuf };
}

export function createSmartcardScreen(run: RunSmartcard, options: SmartcardScreenOptions = {}): SmartcardScreen {
  let shown: SmartcardView = { step: 'idle' };
  const listeners = new Set<(view: SmartcardView) => void>();
  // Every assignment to `view` is pushed: the renderer draws what main holds, no polling.
  const state = {
    get view(): SmartcardView {
      return shown;
    },
    set view(next: SmartcardView) {
      shown = next;
      for (const l of [...listeners]) l(next);
    },
  };
  let flow = 0;
  let running: Promise<void> = Promise.resolve();
  let answerPin: ((pin: Buffer) => void) | undefined;
  let answerCard: (() => void) | undefined;

  const current = (id: number) => state.view.step !== 'idle' && state.view.flow === id;
  const update = (id: number, patch: (v: Extract<SmartcardView, { step: 'running' }>) => SmartcardView) => {
    if (current(id) && state.view.step === 'running') state.view = patch(state.view);
  };

  const handlers: SmartcardHandlers = {
    'smartcard:state': async () => state.view,

    async 'smartcard:start'({ uziReader, blankReader, pin, pinRepeat }) {
      if (state.view.step === 'running') throw new AppError('ERR_SMARTCARD_BUSY');
      const { pinBuf, repeatBuf } = newPinBuffers(pin, pinRepeat);
      const id = ++flow;
      state.view = { step: 'running', flow: id, steps: freshSteps(), swap: null, uziPin: false };
      const input: CreateSmartcardInput = {
        uziReader,
        blankReader,
        pin: pinBuf,
        pinRepeat: repeatBuf,
        uziPin: () =>
          new Promise<Buffer>((resolve) => {
            answerPin = resolve;
            update(id, (v) => ({ ...v, uziPin: true }));
          }),
      };
      const waitForCard = (reader: string, card: 'uzi' | 'blank') =>
        new Promise<void>((resolve) => {
          let stopWatching = () => {};
          const answer = () => {
            stopWatching();
            if (answerCard !== answer) return;
            answerCard = undefined;
            update(id, (v) => ({ ...v, swap: null }));
            resolve();
          };
          answerCard = answer;
          update(id, (v) => ({ ...v, swap: { card, reader } }));
          stopWatching =
            options.cardEvents?.((event) => {
              if (event.type === 'inserted' && event.reader === reader && fitsSwap(card, event.family)) answer();
            }) ?? (() => {});
        });
      let failure: { code: ErrorCode; rolledBack: boolean } | undefined;
      const onProgress = (p: SmartcardProgress) => {
        if (p.status === 'insert-card') update(id, (v) => ({ ...v, swap: { card: p.card, reader: p.reader } }));
        else if (p.status === 'failed') failure = { code: p.code, rolledBack: p.rolledBack };
        else {
          const status = p.status;
          update(id, (v) => ({ ...v, steps: mark(v.steps, p.index, status) }));
        }
      };
      running = run(input, waitForCard, onProgress).then(
        () => {
          if (current(id) && state.view.step === 'running') state.view = { step: 'done', flow: id, steps: state.view.steps.map((s) => ({ ...s, status: 'done' })), reader: blankReader };
        },
        (e: unknown) => {
          if (!current(id) || state.view.step !== 'running') return;
          const failedAt = state.view.steps.findIndex((s) => s.status === 'running');
          // Before anything was made on the card there is nothing to roll back.
          const { code, rolledBack } = failure ?? { code: serializeError(e).code, rolledBack: true };
          state.view = { step: 'failed', flow: id, steps: failedAt < 0 ? state.view.steps : mark(state.view.steps, failedAt, 'failed'), code, rolledBack };
        },
      ).finally(() => {
        answerPin = undefined;
        answerCard = undefined;
      });
      return state.view;
    },

    async 'smartcard:uzi-pin'({ flow: id, pin }) {
      if (!current(id) || state.view.step !== 'running' || !answerPin) return (pin.fill(0), null);
      const answer = answerPin;
      answerPin = undefined;
      update(id, (v) => ({ ...v, uziPin: false }));
      answer(secretCopy(pin));
      pin.fill(0);
      return null;
    },

    async 'smartcard:card-ready'({ flow: id }) {
      if (!current(id) || state.view.step !== 'running' || !answerCard) return null;
      answerCard();
      return null;
    },

    async 'smartcard:dismiss'({ flow: id }) {
      if (current(id) && state.view.step !== 'running') state.view = { step: 'idle' };
      return null;
    },
  };
  return {
    handlers,
    view: () => state.view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    settled: () => running,
  };
}
