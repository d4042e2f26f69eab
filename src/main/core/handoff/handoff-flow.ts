// What the app does with a flow the loopback listener accepted (handoff-protocol.md §3 and §6): read
// the card, ask the PIN in the app, sign with the authentication key, post the token, and later report
// the removal of the card the portal session came from. A plain async function over ports: the card
// (CardService), the screens (HandoffScreens), the back-channel (PortalClient) and the audit log.
import { createHash } from 'node:crypto';
import type { EnrolmentQrView } from '../../../shared/channels';
import type { CardReading, PinStatus, UziHolder } from '../../../shared/domain';
import { AppError, type ErrorCode } from '../../../shared/errors';
import {
  buildHandoffToken,
  digestInfoFor,
  handoffSignedDigest,
  hashBrowserCode,
  type HandoffPurpose,
  type Sha256,
} from '@zorgid/protocol';
import type { CardService } from '../card/card-port';
import type { AuditInput } from '../store/app-store';
import { hashRequestId } from '../store/audit-record';
import type { HandoffFlow } from './loopback-listener';
import type { PortalClient } from './portal-client';

const sha256: Sha256 = (d) => new Uint8Array(createHash('sha256').update(d).digest());

/** What the request screen shows: which portal asks for what ("<portal> vraagt u in te loggen"). */
export interface HandoffRequestView {
  portal: string;
  purpose: HandoffPurpose;
  ura: string | null;
  expiresAt: string;
  /** The organisation the portal names (validate-organisation, enrol-user), fetched before any PIN. */
  organisation?: { ura: string; name: string } | null;
}

export interface PinRequest {
  reader: string;
  holder: UziHolder | null;
  status: PinStatus;
  /** Set when the previous attempt failed (ERR_PIN_INCORRECT, ERR_PIN_FORMAT, ERR_PIN_TIMEOUT). */
  previousError: ErrorCode | null;
}

/** The screens of the flow, implemented by the renderer (through IPC) and in-memory in tests. */
export interface HandoffScreens {
  /** Shows the request; resolves with the reader whose card to use, or null when the person cancels. */
  confirmRequest(view: HandoffRequestView): Promise<{ reader: string } | null>;
  /**
   * Asks the PIN in the app (never in the browser). Resolves with the PIN bytes — the flow zeroes
   * them — or null when the person cancels. On a pinpad reader it only shows "voer de pincode in op
   * de kaartlezer" and resolves with an empty buffer once the person continues.
   */
  askPin(request: PinRequest): Promise<Buffer | null>;
  /** Final state of the flow, for the result screen. */
  finished(result: HandoffResult): void;
  /**
   * validate-organisation: the token was accepted and the administrator goes on in the browser
   * (`afterQr`: a QR was shown and closed; now the scan is awaited). Returns whether the person has
   * cancelled the wait since.
   */
  waiting?(holder: UziHolder | null, afterQr: boolean): () => boolean;
  /** Shows an enrolment QR; resolves when the person closes it (the screen then forgets it). */
  showEnrolment?(qr: EnrolmentQrView): Promise<void>;
}

export interface HandoffDeps {
  card: Pick<CardService, 'read' | 'sign'>;
  screens: HandoffScreens;
  portal: Pick<PortalClient, 'reportCardRead' | 'postToken' | 'cancel'>;
  audit: (entry: AuditInput) => void;
  appVersion: string;
}

export type HandoffResult =
  | { outcome: 'done'; portal: string; reader: string; sessionId: string; holder: UziHolder | null; organisationActive?: boolean }
  /** enrol-user: the QR was shown and closed; nothing to show afterwards. */
  | { outcome: 'closed' }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; code: ErrorCode; holder?: UziHolder | null };

/** What a purpose adds to the card flow (organisation-flow.ts); login needs none of it. */
export interface PurposeSteps {
  /** Before the request screen: what to show beside the request (the organisation). */
  before?(): Promise<Pick<HandoffRequestView, 'organisation'>>;
  /** After the card was read, before any PIN: throws an AppError to refuse the card. */
  checkCard?(reading: CardReading): void;
  /** After the portal accepted the token: the rest of the flow; its result is the flow's. */
  after?(accepted: { sessionId: string; reader: string; holder: UziHolder | null }): Promise<HandoffResult>;
}

/** PIN errors after which the person may simply try again; everything else ends the flow. */
const PIN_RETRY: readonly ErrorCode[] = ['ERR_PIN_INCORRECT', 'ERR_PIN_FORMAT', 'ERR_PIN_TIMEOUT'];

export async function runHandoff(deps: HandoffDeps, flow: HandoffFlow, steps: PurposeSteps = {}): Promise<HandoffResult> {
  const { card, screens, portal, audit } = deps;
  const { request } = flow;
  const base = { flow: request.purpose, portal: flow.portal, purpose: request.purpose, requestIdHash: hashRequestId(request.id) } as const;
  const step = (name: string, outcome: AuditInput['outcome'], extra: Partial<AuditInput> = {}) =>
    audit({ ...base, step: name, outcome, ...extra });
  let tokenPosted = false;
  let refusedHolder: UziHolder | null | undefined;

  const end = async (result: HandoffResult): Promise<HandoffResult> => {
    // Until the token is posted the portal's wait page is still waiting: tell it (best effort).
    if (result.outcome !== 'done' && !tokenPosted) await portal.cancel(flow.portal, request.id).catch(() => {});
    if (result.outcome === 'cancelled') step('finished', 'cancelled');
    screens.finished(result);
    return result;
  };

  try {
    const extra = steps.before ? await steps.before() : {};
    const choice = await screens.confirmRequest({ portal: flow.portal, purpose: request.purpose, ura: request.ura ?? null, expiresAt: request.expiresAt, ...extra });
    if (!choice) return await end({ outcome: 'cancelled' });

    let reading: CardReading;
    try {
      reading = await card.read(choice.reader);
    } catch (err) {
      throw toAppError(err);
    }
    const cert = reading.certificates.find((c) => c.id === reading.authCertificateId);
    if (!cert) throw new AppError('ERR_CARD_NO_AUTH_CERTIFICATE');
    const who = { reader: reading.reader, ...(reading.holder ? { uziNumber: reading.holder.uziNumber, ura: reading.holder.ura } : {}) };
    step('card-read', 'ok', who);
    if (steps.checkCard) {
      try {
        steps.checkCard(reading);
      } catch (err) {
        // Refused before any PIN: the card never signed, so nothing was spent.
        const e = toAppError(err);
        step('card-refused', 'refused', { ...who, code: e.code });
        refusedHolder = reading.holder;
        throw e;
      }
    }
    await portal.reportCardRead(flow.portal, request.id).catch(() => {});

    const bcHash = hashBrowserCode(sha256, flow.browserCode);
    const toSign = digestInfoFor(handoffSignedDigest(sha256, { origin: request.origin, challenge: request.challenge, purpose: request.purpose, browserCodeHash: bcHash }));

    let previousError: ErrorCode | null = null;
    let signature: Buffer | null = null;
    while (!signature) {
      const pin = await screens.askPin({ reader: reading.reader, holder: reading.holder, status: reading.pin, previousError });
      if (!pin) return await end({ outcome: 'cancelled' });
      try {
        signature = await card.sign({ reader: reading.reader, certificateId: cert.id, mechanism: 'RSA_PKCS', data: Buffer.from(toSign), pin });
      } catch (err) {
        const e = toAppError(err);
        step('pin', 'refused', { ...who, code: e.code });
        if (!PIN_RETRY.includes(e.code)) throw e;
        // The card counted the attempt; read the status again so the screen shows what the card says.
        previousError = e.code;
        reading = { ...reading, pin: (await card.read(reading.reader).catch(() => reading)).pin };
      } finally {
        pin.fill(0);
      }
    }
    step('signed', 'ok', who);

    const token = buildHandoffToken({
      purpose: request.purpose,
      browserCodeHash: bcHash,
      certificate: Buffer.from(cert.der, 'base64'),
      signature,
      appVersion: deps.appVersion,
    });
    tokenPosted = true;
    const { sessionId } = await portal.postToken(flow.portal, request.id, token);
    step('token-posted', 'ok', who);
    if (steps.after) return await end(await steps.after({ sessionId, reader: reading.reader, holder: reading.holder }));
    return await end({ outcome: 'done', portal: flow.portal, reader: reading.reader, sessionId, holder: reading.holder });
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'ERR_PIN_CANCELLED') return end({ outcome: 'cancelled' });
    try {
      step(tokenPosted ? 'token-posted' : 'failed', 'failed', { code: e.code });
    } catch {
      // the flow's own failure is what the person needs to see
    }
    return end({ outcome: 'failed', code: e.code, ...(refusedHolder !== undefined ? { holder: refusedHolder } : {}) });
  }
}

function toAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('ERR_INTERNAL', { message: err instanceof Error ? err.message : String(err) });
}

/**
 * §6: while a portal session that came from a card is active, removing that card ends it. Returns
 * the unsubscribe function; the first removal of the reader reports once and stops watching.
 */
export function reportCardRemoval(
  deps: { card: Pick<CardService, 'subscribe'>; portal: Pick<PortalClient, 'cardRemoved'>; audit: (entry: AuditInput) => void },
  session: { portal: string; reader: string; sessionId: string },
): () => void {
  let done = false;
  const unsubscribe = deps.card.subscribe((event) => {
    if (done || event.type !== 'removed' || event.reader !== session.reader) return;
    done = true;
    queueMicrotask(() => unsubscribe());
    deps.portal.cardRemoved(session.portal, session.sessionId).then(
      () => deps.audit({ flow: 'session', step: 'card-removed', outcome: 'ok', portal: session.portal, reader: session.reader }),
      (err: unknown) =>
        deps.audit({ flow: 'session', step: 'card-removed', outcome: 'failed', portal: session.portal, reader: session.reader, code: toAppError(err).code }),
    );
  });
  return unsubscribe;
}
