// The Smartcard screen's store against a fake window.zorgid (the renderer's one port): it asks main
// once and then follows `smartcard:event`, never polling.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SmartcardView, ZorgidApi } from '../../../shared/contract';
import { SMARTCARD_SCREEN_STEPS } from '../../../shared/channels';
import { useSmartcardStore } from './smartcard-store';

const steps = SMARTCARD_SCREEN_STEPS.map((step) => ({ step, status: 'pending' as const }));
const running = (flow: number, patch: Partial<Extract<SmartcardView, { step: 'running' }>> = {}): SmartcardView => ({
  step: 'running',
  flow,
  steps,
  swap: null,
  uziPin: false,
  ...patch,
});

interface Fake {
  calls: { channel: string; input: unknown }[];
  push(view: SmartcardView): void;
  /** Answers per channel; a function may delay its answer. */
  answers: Record<string, () => Promise<unknown>>;
}

function installFake(): Fake {
  const listeners = new Set<(view: SmartcardView) => void>();
  const fake: Fake = {
    calls: [],
    push: (view) => listeners.forEach((l) => l(view)),
    answers: {},
  };
  const api = {
    invoke: async (channel: string, input?: unknown) => {
      fake.calls.push({ channel, input });
      const answer = fake.answers[channel];
      return { ok: true, value: answer ? await answer() : null };
    },
    on: (event: string, listener: (view: SmartcardView) => void) => {
      if (event !== 'smartcard:event') return () => {};
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as ZorgidApi;
  Object.defineProperty(globalThis, 'window', { value: { zorgid: api }, configurable: true, writable: true });
  return fake;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('smartcard store', () => {
  let fake: Fake;
  beforeEach(() => {
    fake = installFake();
    useSmartcardStore.setState({ view: { step: 'idle' }, error: null, busy: false, blankReader: null });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks smartcard:state once at start, then only follows the pushed views (no polling)', async () => {
    vi.useFakeTimers();
    fake.answers['smartcard:state'] = async () => running(1);
    const stop = useSmartcardStore.getState().start();
    await vi.advanceTimersByTimeAsync(0);
    expect(useSmartcardStore.getState().view).toEqual(running(1));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.calls.map((c) => c.channel)).toEqual(['smartcard:state']);

    fake.push(running(1, { swap: { card: 'uzi', reader: 'Lezer 1' } }));
    expect(useSmartcardStore.getState().view).toMatchObject({ swap: { card: 'uzi', reader: 'Lezer 1' } });
    stop();
    fake.push({ step: 'idle' });
    expect(useSmartcardStore.getState().view.step).toBe('running');
  });

  it('keeps an event that arrived before the answer to its first ask', async () => {
    let answer!: (v: SmartcardView) => void;
    fake.answers['smartcard:state'] = () => new Promise((r) => (answer = r));
    const stop = useSmartcardStore.getState().start();
    fake.push(running(2, { uziPin: true }));
    answer(running(2));
    await settle();
    expect(useSmartcardStore.getState().view).toMatchObject({ flow: 2, uziPin: true });
    stop();
  });

  it('does not let the answer to smartcard:start replace a newer pushed view of the same creation', async () => {
    const stop = useSmartcardStore.getState().start();
    useSmartcardStore.getState().prepare('Lezer 2');
    expect(useSmartcardStore.getState().blankReader).toBe('Lezer 2');
    fake.answers['smartcard:start'] = async () => {
      fake.push(running(3, { swap: { card: 'blank', reader: 'Lezer 1' } }));
      return running(3);
    };
    const ok = await useSmartcardStore.getState().create({ uziReader: 'Lezer 1', blankReader: 'Lezer 2', pin: '123456', pinRepeat: '123456' });
    expect(ok).toBe(true);
    expect(useSmartcardStore.getState()).toMatchObject({ busy: false, blankReader: null, view: { flow: 3, swap: { card: 'blank' } } });
    stop();
  });

  it('sends the answers with the flow shown, and nothing when no creation is shown', async () => {
    await useSmartcardStore.getState().cardReady();
    expect(fake.calls).toEqual([]);
    useSmartcardStore.setState({ view: running(4) });
    await useSmartcardStore.getState().cardReady();
    await useSmartcardStore.getState().uziPin('123456');
    await useSmartcardStore.getState().dismiss();
    expect(fake.calls).toEqual([
      { channel: 'smartcard:card-ready', input: { flow: 4 } },
      // The PIN leaves as its bytes (contract.ts pinBytes), never as a string.
      { channel: 'smartcard:uzi-pin', input: { flow: 4, pin: new TextEncoder().encode('123456') } },
      { channel: 'smartcard:dismiss', input: { flow: 4 } },
    ]);
  });
});
