// The handoff screens (HandoffScreens) as a state the window draws and answers over the contract:
// main pushes every HandoffView as `handoff:event`, the renderer answers with handoff:confirm / :pin /
// :cancel. Electron-free, so the preview host, the Electron app and tests share it.
//
// The person may walk away; the flow must not wait for ever. So a pending question also ends when the
// request expires (ERR_HANDOFF_REQUEST_EXPIRED) or when the card being used leaves its reader
// (ERR_CARD_REMOVED) — either rejects the question and runHandoff ends the flow and tells the portal.
import { pinLengths, type HandoffRequestInfo, type HandoffView } from '../../../shared/channels';
import { AppError } from '../../../shared/errors';
import type { CardService } from '../card/card-port';
import type { HandoffResult, HandoffScreens, PinRequest } from './handoff-flow';
import type { HandoffFlow } from './loopback-listener';
import { isDigits, secretCopy } from '../secret-bytes';

/** How long a pinpad reader waits for the PIN; the card host's pinpad deadline (architecture.md). */
export const PINPAD_TIMEOUT_MS = 90_000;

export interface HandoffUiDeps {
  card: Pick<CardService, 'subscribe'>;
  clock: () => number;
}

export interface HandoffUi {
  /** Screens for one accepted flow; the previous flow's screens stop answering. */
  begin(flow: HandoffFlow): HandoffScreens;
  view(): HandoffView;
  subscribe(listener: (view: HandoffView) => void): () => void;
  confirm(input: { flow: number; reader: string }): void;
  /** The PIN as typed; becomes a Buffer here and only here. Throws ERR_PIN_FORMAT (a retry). */
  /** The PIN's bytes as the IPC gave them; zeroed here once copied (or refused). */
  pin(input: { flow: number; pin: Uint8Array }): void;
  cancel(input: { flow: number }): void;
  /** Leaves an outcome screen. */
  dismiss(input: { flow: number }): void;
}

type Pending =
  | { kind: 'confirm'; resolve: (v: { reader: string } | null) => void; reject: (e: AppError) => void }
  | { kind: 'qr'; resolve: (v: null) => void; reject: (e: AppError) => void }
  | { kind: 'pin'; request: PinRequest; resolve: (v: Buffer | null) => void; reject: (e: AppError) => void };

type ActiveFlow = { info: HandoffRequestInfo; pending: Pending | null; reader: string | null; waitCancelled: boolean; stop: () => void };
type Ask = <T>(make: (resolve: (v: T) => void, reject: (e: AppError) => void) => Pending) => Promise<T>;

interface FlowContext {
  mine: ActiveFlow;
  info: HandoffRequestInfo;
  show: (view: HandoffView) => void;
  ask: Ask;
  clock: () => number;
  isActive: () => boolean;
}

function outcomeView(info: HandoffRequestInfo, result: HandoffResult): HandoffView {
  if (result.outcome === 'done') return { step: 'done', request: info, holder: result.holder, ...(result.organisationActive !== undefined ? { organisationActive: result.organisationActive } : {}) };
  if (result.outcome === 'closed') return { step: 'idle' };
  if (result.outcome === 'cancelled') return { step: 'cancelled', request: info };
  return { step: 'failed', request: info, code: result.code, ...(result.holder !== undefined ? { holder: result.holder } : {}) };
}

/** The screens one handoff flow drives, each step shown and (where the person answers) awaited. */
function flowScreens({ mine, info, show, ask, clock, isActive }: FlowContext): HandoffScreens {
  return {
    confirmRequest(view) {
      if (view.organisation) mine.info = { ...info, organisation: view.organisation };
      show({ step: 'request', request: mine.info });
      return ask<{ reader: string } | null>((resolve, reject) => ({ kind: 'confirm', resolve, reject }));
    },
    askPin(request) {
      mine.reader = request.reader;
      const pinpadDeadline = request.status.pinpad ? clock() + PINPAD_TIMEOUT_MS : null;
      // A pinpad reader takes the PIN itself: go straight on, unless the last try failed and the
      // person should see that before the reader asks again.
      if (request.status.pinpad && !request.previousError && !request.status.locked) {
        show({ step: 'signing', request: mine.info, reader: request.reader, pinpad: true, pinpadDeadline });
        return Promise.resolve(Buffer.alloc(0));
      }
      show({ step: 'pin', request: mine.info, reader: request.reader, holder: request.holder, status: request.status, previousError: request.previousError, pinpadDeadline });
      return ask<Buffer | null>((resolve, reject) => ({ kind: 'pin', request, resolve, reject }));
    },
    waiting(holder, afterQr) {
      mine.waitCancelled = false;
      show({ step: 'waiting', request: mine.info, holder, afterQr });
      return () => mine.waitCancelled;
    },
    showEnrolment(qr) {
      show({ step: 'enrolment', request: mine.info, qr });
      return ask<null>((resolve, reject) => ({ kind: 'qr', resolve, reject })).then(() => undefined);
    },
    finished(result: HandoffResult) {
      mine.stop();
      if (isActive()) mine.pending = null;
      show(outcomeView(mine.info, result));
    },
  };
}

export function createHandoffUi(deps: HandoffUiDeps): HandoffUi {
  let current: HandoffView = { step: 'idle' };
  let seq = 0;
  let active: ActiveFlow | null = null;
  const listeners = new Set<(view: HandoffView) => void>();

  function show(view: HandoffView): void {
    current = view;
    for (const l of [...listeners]) l(view);
  }

  function settle(flow: number): Pending | null {
    if (!active || active.info.flow !== flow || !active.pending) return null;
    const p = active.pending;
    active.pending = null;
    return p;
  }

  function abort(error: AppError): void {
    const p = active?.pending;
    // A QR on screen outlives the request and the card: the person scanning it needs neither.
    if (!active || !p || (p.kind === 'qr' && error.code !== 'ERR_HANDOFF_BUSY')) return;
    active.pending = null;
    p.reject(error);
  }

  function begin(flow: HandoffFlow): HandoffScreens {
    active?.stop();
    abort(new AppError('ERR_HANDOFF_BUSY'));
    const info: HandoffRequestInfo = {
      flow: ++seq,
      portal: flow.portal,
      purpose: flow.request.purpose,
      ura: flow.request.ura ?? null,
      expiresAt: flow.request.expiresAt,
      organisation: null,
    };
    const expiry = setTimeout(() => abort(new AppError('ERR_HANDOFF_REQUEST_EXPIRED')), Math.max(0, Date.parse(info.expiresAt) - deps.clock()));
    const unsubscribe = deps.card.subscribe((event) => {
      if (event.type === 'removed' && active?.info.flow === info.flow && active.reader === event.reader) abort(new AppError('ERR_CARD_REMOVED'));
    });
    const mine: ActiveFlow = { info, pending: null, reader: null, waitCancelled: false, stop: () => (clearTimeout(expiry), unsubscribe()) };
    active = mine;
    const ask: Ask = <T>(make: (resolve: (v: T) => void, reject: (e: AppError) => void) => Pending): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (active !== mine) return reject(new AppError('ERR_HANDOFF_BUSY'));
        if (Date.parse(info.expiresAt) <= deps.clock()) return reject(new AppError('ERR_HANDOFF_REQUEST_EXPIRED'));
        mine.pending = make(resolve, reject);
      });

    return flowScreens({ mine, info, show, ask, clock: deps.clock, isActive: () => active === mine });
  }

  return {
    begin,
    view: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    confirm({ flow, reader }) {
      if (active?.info.flow !== flow || active.pending?.kind !== 'confirm') return;
      const p = settle(flow);
      if (p?.kind !== 'confirm') return;
      active.reader = reader;
      show({ step: 'reading', request: active.info, reader });
      p.resolve({ reader });
    },
    pin({ flow, pin }) {
      // The IPC's array is zeroed whatever happens; the flow gets a copy in memory of its own.
      try {
        if (active?.info.flow !== flow || active.pending?.kind !== 'pin') return;
        const { status } = active.pending.request;
        const { min, max } = pinLengths(status);
        const ok = status.pinpad ? pin.length === 0 : isDigits(pin) && pin.length >= min && pin.length <= max;
        if (!ok) throw new AppError('ERR_PIN_FORMAT');
        const p = settle(flow);
        if (p?.kind !== 'pin') return;
        const pinpadDeadline = status.pinpad ? deps.clock() + PINPAD_TIMEOUT_MS : null;
        show({ step: 'signing', request: active.info, reader: p.request.reader, pinpad: status.pinpad, pinpadDeadline });
        p.resolve(secretCopy(pin));
      } finally {
        pin.fill(0);
      }
    },
    cancel({ flow }) {
      if (active?.info.flow === flow && current.step === 'waiting') {
        active.waitCancelled = true;
        // After a QR the wait is only closed: the flow ends on its own outcome screen.
        if (!current.afterQr) show({ step: 'cancelled', request: active.info });
        return;
      }
      // A QR closes with Sluiten only (dismiss).
      if (active?.pending?.kind === 'qr') return;
      const p = settle(flow);
      if (p) p.resolve(null);
    },
    dismiss({ flow }) {
      // "Sluiten" on a QR: the view drops the QR at once; the flow goes on to its end.
      if (current.step === 'enrolment' && current.request.flow === flow) {
        const p = settle(flow);
        show({ step: 'idle' });
        if (p?.kind === 'qr') p.resolve(null);
        return;
      }
      if (current.step !== 'idle' && current.request.flow === flow && (current.step === 'done' || current.step === 'cancelled' || current.step === 'failed')) {
        show({ step: 'idle' });
      }
    },
  };
}
