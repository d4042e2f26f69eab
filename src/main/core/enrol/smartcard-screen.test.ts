// The Smartcard screen's handlers with the creation flow mocked at its port (the flow itself runs on
// real SoftHSM2 and the real portal in test/smartcard): progress per step, the UZI-pas PIN and the
// card swap answered by the renderer, PIN rules before anything starts, failure with its code.
import { describe, expect, it } from 'vitest';
import { SMARTCARD_SCREEN_STEPS, type SmartcardView } from '../../../shared/channels';
import { AppError } from '../../../shared/errors';
import { SMARTCARD_STEPS, type CreatedSmartcard, type CreateSmartcardInput } from './create-smartcard';
import { createSmartcardScreen, fitsSwap, type RunSmartcard } from './smartcard-screen';
import type { CardEvent } from '../../../shared/domain';

const sleep = (ms = 5) => new Promise<void>((r) => setTimeout(r, ms));
const total = SMARTCARD_STEPS.length;

async function until(screen: { view(): SmartcardView }, ok: (v: SmartcardView) => boolean): Promise<SmartcardView> {
  for (let i = 0; i < 200; i++) {
    if (ok(screen.view())) return screen.view();
    await sleep();
  }
  throw new Error(`view never matched: ${JSON.stringify(screen.view())}`);
}

describe('ZORG-ID Smartcard screen', () => {
  it('shows progress per step, asks for the card swap and the UZI-pas PIN, and ends done', async () => {
    let seen: { input?: CreateSmartcardInput; uziPin?: string } = {};
    const run: RunSmartcard = async (input, waitForCard, onProgress) => {
      seen = { input };
      for (const [index, step] of SMARTCARD_STEPS.entries()) {
        onProgress({ step, index, total, status: 'running' });
        if (step === 'identify-uzi') {
          onProgress({ step, index, total, status: 'insert-card', card: 'uzi', reader: input.uziReader });
          await waitForCard(input.uziReader, 'uzi');
          const pin = await input.uziPin();
          seen.uziPin = pin.toString();
          pin.fill(0);
        }
        onProgress({ step, index, total, status: 'done' });
      }
      return {} as CreatedSmartcard;
    };
    const screen = createSmartcardScreen(run);
    const h = screen.handlers;
    expect(await h['smartcard:state'](undefined)).toEqual({ step: 'idle' });

    const first = await h['smartcard:start']({ uziReader: 'R0', blankReader: 'R0', pin: Buffer.from('13572468'), pinRepeat: Buffer.from('13572468') });
    expect(first).toMatchObject({ step: 'running', flow: 1, uziPin: false });
    expect(seen.input?.pin.toString()).toBe('13572468');

    const swap = await until(screen, (v) => v.step === 'running' && v.swap !== null);
    expect(swap).toMatchObject({ swap: { card: 'uzi', reader: 'R0' } });
    if (swap.step !== 'running') throw new Error('not running');
    expect(swap.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'running', 'pending', 'pending', 'pending']);
    // A stale flow's answer is ignored.
    await h['smartcard:card-ready']({ flow: 99 });
    expect(screen.view()).toMatchObject({ swap: { card: 'uzi' } });
    await h['smartcard:card-ready']({ flow: 1 });

    await until(screen, (v) => v.step === 'running' && v.uziPin);
    expect(screen.view()).toMatchObject({ swap: null });
    await h['smartcard:uzi-pin']({ flow: 1, pin: Buffer.from('246810') });
    await screen.settled();
    expect(seen.uziPin).toBe('246810');
    const done = await h['smartcard:state'](undefined);
    expect(done).toEqual({ step: 'done', flow: 1, steps: SMARTCARD_SCREEN_STEPS.map((step) => ({ step, status: 'done' })), reader: 'R0' });
    await h['smartcard:dismiss']({ flow: 1 });
    expect(screen.view()).toEqual({ step: 'idle' });
  });

  it('checks the new PIN (6–8 digits, twice) before starting anything', async () => {
    let started = 0;
    const screen = createSmartcardScreen(async () => {
      started++;
      return {} as CreatedSmartcard;
    });
    const start = (pin: string, pinRepeat: string) =>
      screen.handlers['smartcard:start']({ uziReader: 'R0', blankReader: 'R1', pin: Buffer.from(pin), pinRepeat: Buffer.from(pinRepeat) }).then(
        () => null,
        (e: unknown) => (e as AppError).code,
      );
    expect(await start('123456', '123465')).toBe('ERR_SMARTCARD_PIN_MISMATCH');
    expect(await start('12345', '12345')).toBe('ERR_SMARTCARD_PIN_FORMAT');
    expect(await start('123456789', '123456789')).toBe('ERR_SMARTCARD_PIN_FORMAT');
    expect(await start('12a456', '12a456')).toBe('ERR_SMARTCARD_PIN_FORMAT');
    expect(started).toBe(0);
    expect(screen.view()).toEqual({ step: 'idle' });
  });

  it('shows the failed step with its code and whether the card was rolled back; one creation at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const screen = createSmartcardScreen(async (_input, _wait, onProgress) => {
      onProgress({ step: 'detect-blank', index: 0, total, status: 'running' });
      onProgress({ step: 'detect-blank', index: 0, total, status: 'done' });
      onProgress({ step: 'set-pin', index: 1, total, status: 'running' });
      await gate;
      onProgress({ step: 'set-pin', index: 1, total, status: 'failed', code: 'ERR_CARD_REMOVED', rolledBack: false });
      throw new AppError('ERR_CARD_REMOVED');
    });
    await screen.handlers['smartcard:start']({ uziReader: 'R0', blankReader: 'R1', pin: Buffer.from('123456'), pinRepeat: Buffer.from('123456') });
    const busy = await screen.handlers['smartcard:start']({ uziReader: 'R0', blankReader: 'R1', pin: Buffer.from('123456'), pinRepeat: Buffer.from('123456') }).catch((e: unknown) => e);
    expect((busy as AppError).code).toBe('ERR_SMARTCARD_BUSY');
    release();
    await screen.settled().catch(() => undefined);
    const failed = screen.view();
    expect(failed).toMatchObject({ step: 'failed', flow: 1, code: 'ERR_CARD_REMOVED', rolledBack: false });
    if (failed.step !== 'failed') throw new Error('not failed');
    expect(failed.steps.slice(0, 3).map((s) => s.status)).toEqual(['done', 'failed', 'pending']);
  });
});

describe('ZORG-ID Smartcard screen: pushed views and the swap ended by the card itself', () => {
  it('pushes every view change, and an inserted card of the asked kind ends the swap prompt', async () => {
    let emit: (event: CardEvent) => void = () => {};
    let subscribed = 0;
    const cardEvents = (listener: (event: CardEvent) => void) => {
      subscribed += 1;
      emit = listener;
      return () => {
        subscribed -= 1;
        emit = () => {};
      };
    };
    const run: RunSmartcard = async (input, waitForCard, onProgress) => {
      onProgress({ step: 'identify-uzi', index: 4, total, status: 'running' });
      await waitForCard(input.uziReader, 'uzi');
      onProgress({ step: 'identify-uzi', index: 4, total, status: 'done' });
      await waitForCard(input.blankReader, 'blank');
      return {} as CreatedSmartcard;
    };
    const screen = createSmartcardScreen(run, { cardEvents });
    const pushed: SmartcardView[] = [];
    const unsubscribe = screen.subscribe((v) => pushed.push(v));
    await screen.handlers['smartcard:start']({ uziReader: 'R0', blankReader: 'R0', pin: Buffer.from('13572468'), pinRepeat: Buffer.from('13572468') });
    await until(screen, (v) => v.step === 'running' && v.swap?.card === 'uzi');
    expect(subscribed).toBe(1);

    // Another reader, or the blank card back in: not what was asked for.
    emit({ type: 'inserted', reader: 'R1', atr: '3B', family: 'uzi', at: 1 });
    emit({ type: 'inserted', reader: 'R0', atr: '3B', family: 'zorgid-smartcard', at: 2 });
    await sleep();
    expect(screen.view()).toMatchObject({ swap: { card: 'uzi' } });
    emit({ type: 'inserted', reader: 'R0', atr: '3B', family: 'uzi', at: 3 });
    await until(screen, (v) => v.step === 'running' && v.swap?.card === 'blank');
    // An unknown ATR may still be the blank card: the flow checks the token itself.
    emit({ type: 'inserted', reader: 'R0', atr: '3B', family: 'unknown', at: 4 });
    await screen.settled();
    expect(screen.view()).toMatchObject({ step: 'done' });
    expect(subscribed).toBe(0);

    // Every change reached the listener, ending with what the screen shows now.
    expect(pushed.at(-1)).toEqual(screen.view());
    expect(pushed.some((v) => v.step === 'running' && v.swap?.card === 'uzi')).toBe(true);
    expect(pushed.some((v) => v.step === 'running' && v.steps[4]?.status === 'done')).toBe(true);
    unsubscribe();
    await screen.handlers['smartcard:dismiss']({ flow: 1 });
    expect(pushed.at(-1)).toMatchObject({ step: 'done' });
  });

  it('fitsSwap: a Smartcard is never taken for the UZI-pas, nor an UZI-pas for the blank card', () => {
    expect(fitsSwap('uzi', 'uzi')).toBe(true);
    expect(fitsSwap('uzi', 'unknown')).toBe(true);
    expect(fitsSwap('uzi', 'zorgid-smartcard')).toBe(false);
    expect(fitsSwap('blank', 'zorgid-smartcard')).toBe(true);
    expect(fitsSwap('blank', 'unknown')).toBe(true);
    expect(fitsSwap('blank', 'uzi')).toBe(false);
  });
});
