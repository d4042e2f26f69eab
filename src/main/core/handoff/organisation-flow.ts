// The two purposes that end in an enrolment QR (handoff-protocol.md §7.3 and §8.3):
// - validate-organisation: the card flow of handoff-flow.ts plus the organisation fetched before the
//   request screen, the card refused before any PIN when it cannot succeed (pastype M/S, another URA:
//   the portal would refuse the token anyway, and a PIN attempt should not be spent on that), and
//   after the token the back-channel polled until the portal hands over the QR (once) or says the
//   organisation is active (existing Mobiel ID);
// - enrol-user: no card and no PIN; the QR fetched once and shown on the desk.
// The QR lives in memory only: in the view while it is on screen. It is never audited or stored.
import QRCode from 'qrcode';
import type { CardReading } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import type { AuditInput } from '../store/app-store';
import { hashRequestId } from '../store/audit-record';
import { runHandoff, type HandoffDeps, type HandoffResult, type HandoffScreens } from './handoff-flow';
import type { HandoffFlow } from './loopback-listener';
import type { PortalClient } from './portal-client';

/** The portal page asks for 1–2 s (§7.3). */
export const ORGANISATION_POLL_MS = 1_500;
/** How long the app waits for the administrator's steps in the browser after the token. */
export const ORGANISATION_WAIT_MS = 15 * 60_000;

/** Organisation validation needs a card of a person (uzi-domain.md "Organisation validation"). */
const VALIDATING_CARD_TYPES: readonly string[] = ['Z', 'N'];
const CODE = /^[A-Za-z0-9_-]{22,64}$/;

export interface OrganisationFlowDeps extends HandoffDeps {
  portal: Pick<PortalClient, 'reportCardRead' | 'postToken' | 'cancel' | 'getOrganisation'>;
  clock: () => number;
  /** Between polls; injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface EnrolUserDeps {
  screens: Pick<HandoffScreens, 'showEnrolment' | 'finished'>;
  portal: Pick<PortalClient, 'getEnrolment'>;
  audit: (entry: AuditInput) => void;
}

/** Refuses a card that cannot validate `ura`, before the PIN. */
export function checkValidatingCard(reading: Pick<CardReading, 'holder'>, ura: string | null): void {
  const holder = reading.holder;
  if (!holder) throw new AppError('ERR_CERT_NOT_UZI');
  if (!VALIDATING_CARD_TYPES.includes(holder.cardType)) throw new AppError('ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED', { cardType: holder.cardType });
  if (!ura || holder.ura !== ura) throw new AppError('ERR_HANDOFF_URA_MISMATCH');
}

/**
 * Checks what the portal wants drawn: `zorgid://enrol?portal=<this portal>&code=<opaque>` and nothing
 * else (§7.4) — the app will not put a link to another portal, or personal data, in front of a phone.
 */
export function checkEnrolmentPayload(payload: string, portal: string): string {
  let url: URL;
  try {
    url = new URL(payload);
  } catch {
    throw new AppError('ERR_HANDOFF_QR_INVALID', { reason: 'not a URL' });
  }
  const keys = [...url.searchParams.keys()].sort().join(',');
  const ok =
    url.protocol === 'zorgid:' &&
    url.host === 'enrol' &&
    keys === 'code,portal' &&
    url.searchParams.get('portal') === portal &&
    CODE.test(url.searchParams.get('code') ?? '');
  if (!ok) throw new AppError('ERR_HANDOFF_QR_INVALID', { reason: 'payload shape' });
  return payload;
}

export async function drawEnrolmentQr(payload: string): Promise<string> {
  return QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 4, width: 360 });
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runValidateOrganisation(deps: OrganisationFlowDeps, flow: HandoffFlow): Promise<HandoffResult> {
  const { portal, screens, audit, clock } = deps;
  const { request } = flow;
  const sleep = deps.sleep ?? realSleep;
  const base = { flow: request.purpose, portal: flow.portal, purpose: request.purpose, requestIdHash: hashRequestId(request.id) } as const;
  let organisation: { ura: string; name: string } | null = null;

  return runHandoff(deps, flow, {
    async before() {
      const answer = await portal.getOrganisation(flow.portal, request.id);
      // The portal's own request names the URA; an answer about another organisation is not this flow.
      if (answer.organisation.ura !== request.ura) throw new AppError('ERR_HANDOFF_REQUEST_MISMATCH', { reason: 'organisation' });
      organisation = { ura: answer.organisation.ura, name: answer.organisation.name };
      audit({ ...base, step: 'organisation-fetched', outcome: 'ok', ura: organisation.ura });
      return { organisation };
    },
    checkCard: (reading) => checkValidatingCard(reading, request.ura ?? null),
    async after({ sessionId, reader, holder }) {
      let cancelled = screens.waiting?.(holder, false) ?? (() => false);
      let qrShown = false;
      const deadline = clock() + ORGANISATION_WAIT_MS;
      for (;;) {
        if (cancelled() && qrShown) {
          // The QR is out; whether it gets scanned is the portal's business now.
          audit({ ...base, step: 'organisation-wait', outcome: 'cancelled', ura: request.ura ?? undefined });
          return { outcome: 'done', portal: flow.portal, reader, sessionId, holder, organisationActive: false };
        }
        if (cancelled()) {
          audit({ ...base, step: 'organisation-wait', outcome: 'cancelled', ura: request.ura ?? undefined });
          return { outcome: 'cancelled' };
        }
        const answer = await portal.getOrganisation(flow.portal, request.id, sessionId);
        if (answer.state === 'active' && answer.organisation.status === 'active') {
          audit({ ...base, step: 'organisation-active', outcome: 'ok', ura: answer.organisation.ura });
          return { outcome: 'done', portal: flow.portal, reader, sessionId, holder, organisationActive: true };
        }
        const payload = answer.enrolment?.payload;
        if (answer.enrolment && payload && screens.showEnrolment) {
          const qrDataUrl = await drawEnrolmentQr(checkEnrolmentPayload(payload, flow.portal));
          audit({ ...base, step: 'enrolment-shown', outcome: 'ok', ura: answer.organisation.ura });
          await screens.showEnrolment({
            qrDataUrl,
            name: answer.enrolment.holderName,
            organisation: organisation ?? { ura: answer.organisation.ura, name: answer.organisation.name },
            expiresAt: answer.enrolment.expiresAt,
          });
          audit({ ...base, step: 'enrolment-closed', outcome: 'ok', ura: answer.organisation.ura });
          // Keep following the portal: "active" ends the flow, and a QR the administrator re-issues
          // ("Nieuwe QR-code maken") arrives on a later poll.
          qrShown = true;
          cancelled = screens.waiting?.(holder, true) ?? (() => false);
          continue;
        }
        if (clock() >= deadline) throw new AppError('ERR_HANDOFF_REQUEST_EXPIRED', { reason: 'organisation wait' });
        await sleep(ORGANISATION_POLL_MS);
      }
    },
  });
}

/** enrol-user (§8.3): fetch once, show on the desk until closed; no card, no PIN, no token. */
export async function runEnrolUser(deps: EnrolUserDeps, flow: HandoffFlow): Promise<HandoffResult> {
  const { portal, screens, audit } = deps;
  const { request } = flow;
  const base = { flow: request.purpose, portal: flow.portal, purpose: request.purpose, requestIdHash: hashRequestId(request.id) } as const;
  let result: HandoffResult;
  try {
    if (!screens.showEnrolment) throw new AppError('ERR_HANDOFF_PURPOSE_MISMATCH');
    const answer = await portal.getEnrolment(flow.portal, request.id);
    if (request.ura && answer.organisation.ura !== request.ura) throw new AppError('ERR_HANDOFF_REQUEST_MISMATCH', { reason: 'organisation' });
    audit({ ...base, step: 'enrolment-fetched', outcome: 'ok', ura: answer.organisation.ura });
    const qrDataUrl = await drawEnrolmentQr(checkEnrolmentPayload(answer.enrolment.payload, flow.portal));
    audit({ ...base, step: 'enrolment-shown', outcome: 'ok', ura: answer.organisation.ura });
    await screens.showEnrolment({ qrDataUrl, name: answer.user.name, organisation: answer.organisation, expiresAt: answer.enrolment.expiresAt });
    audit({ ...base, step: 'enrolment-closed', outcome: 'ok', ura: answer.organisation.ura });
    result = { outcome: 'closed' };
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError('ERR_INTERNAL', { message: err instanceof Error ? err.message : String(err) });
    try {
      audit({ ...base, step: 'enrolment-fetched', outcome: 'failed', code: e.code });
    } catch {
      // what the person needs to see is the failure itself
    }
    result = { outcome: 'failed', code: e.code };
  }
  screens.finished(result);
  return result;
}
