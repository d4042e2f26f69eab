import { describe, expect, it } from 'vitest';
import type { HandoffView } from '../../../shared/channels';
import type { CardEvent, PinStatus } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { createHandoffUi } from './handoff-ui';
import type { HandoffFlow } from './loopback-listener';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const STATUS: PinStatus = { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 };

function setup(expiresInMs = 5 * 60_000) {
  const listeners = new Set<(e: CardEvent) => void>();
  let now = NOW;
  const ui = createHandoffUi({
    card: {
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    clock: () => now,
  });
  const views: HandoffView[] = [];
  ui.subscribe((v) => views.push(v));
  const flow: HandoffFlow = {
    portal: 'https://portaal.example',
    browserCode: 'x'.repeat(22),
    acceptedAt: NOW,
    request: {
      id: 'a'.repeat(22),
      purpose: 'login',
      challenge: 'c'.repeat(43),
      origin: 'https://portaal.example',
      expiresAt: new Date(NOW + expiresInMs).toISOString(),
      returnUrl: `https://portaal.example/handoff/${'a'.repeat(22)}/done`,
    } as HandoffFlow['request'],
  };
  return { ui, views, flow, emit: (e: CardEvent) => [...listeners].forEach((l) => l(e)), tick: (ms: number) => (now += ms) };
}

const flowOf = (v: HandoffView): number => (v.step === 'idle' ? -1 : v.request.flow);

describe('handoff screens over the contract', () => {
  it('shows the request, takes the reader, then the PIN as a Buffer, and ends on the outcome', async () => {
    const { ui, views, flow } = setup();
    const screens = ui.begin(flow);
    const confirmed = screens.confirmRequest({ portal: flow.portal, purpose: 'login', ura: null, expiresAt: flow.request.expiresAt });
    expect(ui.view()).toMatchObject({ step: 'request', request: { portal: 'https://portaal.example', purpose: 'login' } });
    const id = flowOf(ui.view());
    ui.confirm({ flow: id, reader: 'R1' });
    await expect(confirmed).resolves.toEqual({ reader: 'R1' });

    const pin = screens.askPin({ reader: 'R1', holder: null, status: STATUS, previousError: null });
    expect(ui.view().step).toBe('pin');
    const sent = new TextEncoder().encode('123456');
    ui.pin({ flow: id, pin: sent });
    const buf = await pin;
    expect(Buffer.isBuffer(buf) && buf.toString('latin1')).toBe('123456');
    // The IPC's array is zeroed; the flow's copy has memory of its own (secret-bytes.ts).
    expect(sent.every((b) => b === 0)).toBe(true);
    expect(buf?.buffer.byteLength).toBe(6);
    expect(ui.view()).toMatchObject({ step: 'signing', pinpad: false });
    screens.finished({ outcome: 'done', portal: flow.portal, reader: 'R1', sessionId: 's'.repeat(22), holder: null });
    expect(ui.view().step).toBe('done');
    ui.dismiss({ flow: id });
    expect(views.map((v) => v.step)).toEqual(['request', 'reading', 'pin', 'signing', 'done', 'idle']);
  });

  it('refuses a PIN that is not 6–8 digits without answering the flow (ERR_PIN_FORMAT)', async () => {
    const { ui, flow } = setup();
    const screens = ui.begin(flow);
    const pin = screens.askPin({ reader: 'R1', holder: null, status: STATUS, previousError: null });
    const id = flowOf(ui.view());
    for (const bad of ['12345', '123456789', '12a456', ' 123456', '']) {
      const sent = Buffer.from(bad);
      expect(() => ui.pin({ flow: id, pin: sent })).toThrow(expect.objectContaining({ code: 'ERR_PIN_FORMAT' }) as AppError);
      expect(sent.every((b) => b === 0), 'a refused PIN is zeroed too').toBe(true);
    }
    expect(ui.view().step).toBe('pin');
    ui.pin({ flow: id, pin: Buffer.from('12345678') });
    await expect(pin).resolves.toEqual(Buffer.from('12345678'));
  });

  it('ignores answers for another flow (a late click never answers a newer request)', async () => {
    const { ui, flow } = setup();
    const screens = ui.begin(flow);
    const confirmed = screens.confirmRequest({ portal: flow.portal, purpose: 'login', ura: null, expiresAt: flow.request.expiresAt });
    const id = flowOf(ui.view());
    ui.confirm({ flow: id + 1, reader: 'R1' });
    ui.cancel({ flow: id + 1 });
    expect(ui.view().step).toBe('request');
    ui.cancel({ flow: id });
    await expect(confirmed).resolves.toBeNull();
  });

  it('ends the PIN question with ERR_CARD_REMOVED when the card in use leaves its reader', async () => {
    const { ui, flow, emit } = setup();
    const screens = ui.begin(flow);
    const pin = screens.askPin({ reader: 'R1', holder: null, status: STATUS, previousError: null });
    emit({ type: 'removed', reader: 'R2', at: NOW });
    emit({ type: 'removed', reader: 'R1', at: NOW });
    await expect(pin).rejects.toMatchObject({ code: 'ERR_CARD_REMOVED' });
  });

  it('ends a pending question with ERR_HANDOFF_REQUEST_EXPIRED when the request expires', async () => {
    const { ui, flow } = setup(30);
    const screens = ui.begin(flow);
    const confirmed = screens.confirmRequest({ portal: flow.portal, purpose: 'login', ura: null, expiresAt: flow.request.expiresAt });
    await expect(confirmed).rejects.toMatchObject({ code: 'ERR_HANDOFF_REQUEST_EXPIRED' });
  });

  it('on a pinpad reader goes straight to the reader (empty PIN) with a countdown, and asks again only after a failure', async () => {
    const { ui, flow } = setup();
    const screens = ui.begin(flow);
    const pinpad = { ...STATUS, pinpad: true };
    await expect(screens.askPin({ reader: 'R1', holder: null, status: pinpad, previousError: null })).resolves.toEqual(Buffer.alloc(0));
    expect(ui.view()).toMatchObject({ step: 'signing', pinpad: true, pinpadDeadline: NOW + 90_000 });
    const again = screens.askPin({ reader: 'R1', holder: null, status: pinpad, previousError: 'ERR_PIN_INCORRECT' });
    expect(ui.view()).toMatchObject({ step: 'pin', previousError: 'ERR_PIN_INCORRECT' });
    const id = flowOf(ui.view());
    expect(() => ui.pin({ flow: id, pin: Buffer.from('123456') })).toThrow();
    ui.pin({ flow: id, pin: Buffer.from('') });
    await expect(again).resolves.toEqual(Buffer.alloc(0));
  });
});
