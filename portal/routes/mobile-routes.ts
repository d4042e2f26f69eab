// The Mobile App's routes (handoff-protocol.md §7): redeem an enrolment code, the login-QR prompt and
// confirmation, the state of a Mobiel ID, and the landing page's poll that takes over the session the
// phone confirmed. JSON only: a cross-site form cannot send application/json without a CORS preflight
// we never answer.
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { formatConfirmCode } from '../login-qr';
import {
  deviceKey,
  ENROLMENT_MAX_ATTEMPTS,
  enrolRequestSchema,
  mobileLoginMessage,
  mobileLoginPromptRequestSchema,
  mobileLoginRequestSchema,
  mobileStatusMessage,
  mobileStatusRequestSchema,
  verifyDeviceSignature,
} from '../mobile';
import type { PortalContext, RouteContext } from '../route-context';
import type { LoginQrRecord, MobileIdRecord, PersonRecord } from '../store/store';
import { newZorgIdId } from '../zorg-id';

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export function registerMobileRoutes(ctx: RouteContext): void {
  const { app } = ctx;
  app.post('/api/mobile/enrol', (c) => redeemEnrolment(ctx, c));
  app.post('/api/mobile/login-prompt', (c) => loginPrompt(ctx, c));
  app.post('/api/mobile/login', (c) => confirmLogin(ctx, c));
  app.post('/api/mobile/id-status', (c) => idStatus(ctx, c));
  app.post('/api/login-qr/complete', (c) => completeLoginQr(ctx, c));
}

function statusOf(code: ErrorCode): 400 | 403 | 404 | 409 | 410 {
  switch (code) {
    case 'ERR_ENROL_CODE_UNKNOWN':
    case 'ERR_MOBILE_LOGIN_CODE_UNKNOWN':
      return 404;
    case 'ERR_ENROL_CODE_EXPIRED':
    case 'ERR_ENROL_CODE_VOID':
    case 'ERR_MOBILE_LOGIN_CODE_EXPIRED':
    case 'ERR_MOBILE_LOGIN_CODE_VOID':
      return 410;
    case 'ERR_ENROL_CODE_USED':
    case 'ERR_MOBILE_LOGIN_CODE_USED':
    case 'ERR_ORG_REGISTRATION_FINISHED':
      return 409;
    case 'ERR_MOBILE_ID_UNKNOWN':
    case 'ERR_MOBILE_ID_BLOCKED':
    case 'ERR_MOBILE_ID_REVOKED':
    case 'ERR_MOBILE_SIGNATURE_INVALID':
    case 'ERR_MOBILE_CODE_MISMATCH':
      return 403;
    default:
      return 400;
  }
}

const refused = (c: PortalContext, code: ErrorCode, extra: Record<string, unknown> = {}) =>
  c.json({ outcome: 'refused', code, message: ERROR_MESSAGES[code].nl, ...extra }, statusOf(code));
const jsonBody = async (c: PortalContext): Promise<unknown> =>
  (c.req.header('content-type') ?? '').startsWith('application/json') ? c.req.json().catch(() => null) : null;

async function redeemEnrolment(ctx: RouteContext, c: PortalContext) {
  const { store, clock, rng, audit } = ctx;
  const input = enrolRequestSchema.safeParse(await jsonBody(c));
  if (!input.success) {
    await audit({ at: clock(), actor: 'mobile', action: 'enrolment.redeem', outcome: 'refused', code: 'ERR_PORTAL_BAD_REQUEST' });
    return refused(c, 'ERR_PORTAL_BAD_REQUEST');
  }
  const now = clock();
  const codeHash = sha256Hex(input.data.code);
  // The audit names a code by a short prefix of its hash: enough to follow one code, useless to redeem it.
  const codeRef = codeHash.slice(0, 12);
  const refuse = async (code: ErrorCode, detail: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    await audit({ at: now, actor: 'mobile', action: 'enrolment.redeem', outcome: 'refused', code, detail: { code: codeRef, ...detail } });
    return refused(c, code, extra);
  };
  const key = deviceKey(input.data.publicKey);
  if (!key) return refuse('ERR_ENROL_DEVICE_KEY_INVALID');
  const record = await store.getEnrolmentCode(codeHash);
  if (!record) return refuse('ERR_ENROL_CODE_UNKNOWN');
  const who = { ura: record.ura };
  if (record.usedAt !== null) return refuse('ERR_ENROL_CODE_USED', who);
  if (record.voidedAt !== null) return refuse('ERR_ENROL_CODE_VOID', { ...who, reason: record.voidReason });
  if (now >= record.expiresAt) return refuse('ERR_ENROL_CODE_EXPIRED', who);
  if (input.data.birthDate !== record.birthDate) {
    const attempt = await store.countEnrolmentAttempt(codeHash, ENROLMENT_MAX_ATTEMPTS, now);
    if (attempt.voided) return refuse('ERR_ENROL_CODE_VOID', { ...who, reason: 'attempts', attempts: attempt.attempts });
    return refuse('ERR_ENROL_BIRTH_DATE_MISMATCH', { ...who, attempts: attempt.attempts }, { attemptsLeft: Math.max(0, ENROLMENT_MAX_ATTEMPTS - attempt.attempts) });
  }
  const registration = await store.getRegistration(record.ura);
  // Someone else finished this registration meanwhile: this code must not add a second administrator.
  if (record.validationId && registration?.status !== 'pending') return refuse('ERR_ORG_REGISTRATION_FINISHED', who);
  // A registered user's code names its person; a validation code finds the card holder's user
  // (an earlier, revoked Mobiel ID) or creates one.
  const known = record.personId ? await store.getPerson(record.personId) : record.uziNumber ? await store.findPersonByUzi(record.uziNumber) : null;
  const person: PersonRecord | null = known
    ? null
    : { id: newZorgIdId(rng), givenName: null, surname: null, name: record.holderName, birthDate: record.birthDate, uziNumber: record.uziNumber, createdAt: now, lastUsedAt: null };
  const personId = known?.id ?? person!.id;
  // The issuer was checked against the person's organisations when the code was made (admin.ts,
  // REACHES_OTHER_ORGANISATIONS); a membership elsewhere that is newer than the code was not, and a
  // device acts in every organisation of its person: such a code gives no ID (issue 15 item 1).
  if (known) {
    const newer = (await store.listMemberships(known.id)).filter((m) => m.ura !== record.ura && m.createdAt > record.createdAt).map((m) => m.ura);
    if (newer.length) return refuse('ERR_ENROL_CODE_VOID', { ...who, reason: 'other-organisation', otherOrganisations: newer });
  }
  // One or the other (portal-rules.md §2): no Mobiel ID next to a live ZORG-ID Smartcard.
  const uziNumber = known?.uziNumber ?? record.uziNumber;
  if (uziNumber && (await store.findLiveSmartcardByUzi(uziNumber))) return refuse('ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID', who);
  const mobile: MobileIdRecord = {
    id: b64url(rng(16)),
    personId,
    uziNumber: record.uziNumber,
    name: record.holderName,
    birthDate: record.birthDate,
    publicKeySpki: key.spki,
    keyAlg: key.alg,
    status: 'active',
    createdAt: now,
  };
  const redeemed = await store.redeemEnrolment({
    codeHash,
    at: now,
    mobileId: mobile,
    membership: { personId, ura: record.ura, role: record.role, createdAt: now },
    validationId: record.validationId,
    person,
  });
  // Lost a race with another redemption of the same code.
  if (!redeemed) return refuse('ERR_ENROL_CODE_USED', who);
  await audit({
    at: now,
    actor: `mobiel:${mobile.id}`,
    action: 'enrolment.redeem',
    outcome: 'ok',
    requestId: record.validationId,
    detail: { code: codeRef, ura: record.ura, role: record.role, keyAlg: key.alg, person: personId },
  });
  if (record.validationId) {
    await audit({
      at: now,
      actor: `mobiel:${mobile.id}`,
      action: 'organisation.activate',
      outcome: 'ok',
      requestId: record.validationId,
      detail: { ura: record.ura, branch: 'new', role: record.role },
    });
  }
  return c.json(
    {
      outcome: 'enrolled',
      mobileId: mobile.id,
      zorgIdId: personId,
      name: mobile.name,
      organisation: { ura: record.ura, name: registration?.name ?? record.ura },
      role: record.role,
    },
    201,
  );
}

/** Why a login QR cannot be confirmed (yet), or null while it can. */
function loginQrRefusal(qr: LoginQrRecord | null, now: number): ErrorCode | null {
  if (!qr) return 'ERR_MOBILE_LOGIN_CODE_UNKNOWN';
  if (qr.usedAt != null) return 'ERR_MOBILE_LOGIN_CODE_USED';
  if (qr.voidedAt != null) return 'ERR_MOBILE_LOGIN_CODE_VOID';
  if (now >= qr.expiresAt) return 'ERR_MOBILE_LOGIN_CODE_EXPIRED';
  return null;
}

// What the app shows before the person confirms (QR-jacking, issue 15 item 1): which portal asks,
// from the portal itself, and the code its page shows next to the QR.
async function loginPrompt(ctx: RouteContext, c: PortalContext) {
  const { store, clock } = ctx;
  const input = mobileLoginPromptRequestSchema.safeParse(await jsonBody(c));
  if (!input.success) return refused(c, 'ERR_PORTAL_BAD_REQUEST');
  const qr = await store.getLoginQr(input.data.code);
  const refusal = loginQrRefusal(qr, clock());
  if (refusal) return refused(c, refusal);
  // A QR made before confirmation codes existed cannot be confirmed: nothing to show.
  if (!qr?.confirmCode) return refused(c, 'ERR_MOBILE_LOGIN_CODE_UNKNOWN');
  return c.json({ outcome: 'prompt', portal: ctx.origin(), confirmCode: formatConfirmCode(qr.confirmCode), expiresAt: qr.expiresAt });
}

async function confirmLogin(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit } = ctx;
  const input = mobileLoginRequestSchema.safeParse(await jsonBody(c));
  const now = clock();
  const refuse = async (code: ErrorCode, actor = 'mobile') => {
    await audit({ at: now, actor, action: 'login.mobile', outcome: 'refused', code });
    return refused(c, code);
  };
  if (!input.success) return refuse('ERR_PORTAL_BAD_REQUEST');
  const qr = await store.getLoginQr(input.data.code);
  const refusal = loginQrRefusal(qr, now);
  if (!qr || refusal) return refuse(refusal ?? 'ERR_MOBILE_LOGIN_CODE_UNKNOWN');
  const mobile = await store.getMobileId(input.data.mobileId);
  if (!mobile) return refuse('ERR_MOBILE_ID_UNKNOWN');
  const signature = Buffer.from(input.data.signature, 'base64url');
  if (!verifyDeviceSignature(mobile, mobileLoginMessage(ctx.origin(), input.data.code), signature)) return refuse('ERR_MOBILE_SIGNATURE_INVALID', `mobiel:${mobile.id}`);
  // After the signature: only the device itself learns that its ID is blocked or revoked (§7.4, §7.5).
  if (mobile.status === 'blocked') return refuse('ERR_MOBILE_ID_BLOCKED', `mobiel:${mobile.id}`);
  if (mobile.status === 'revoked') return refuse('ERR_MOBILE_ID_REVOKED', `mobiel:${mobile.id}`);
  // After the signature, so only a real device can void a QR; one wrong code voids it (no guessing).
  if (!qr.confirmCode || input.data.confirmCode !== qr.confirmCode) {
    await store.voidLoginQr(input.data.code, now);
    return refuse('ERR_MOBILE_CODE_MISMATCH', `mobiel:${mobile.id}`);
  }
  if (!(await store.markLoginQrUsed(input.data.code, now, mobile.id))) return refuse('ERR_MOBILE_LOGIN_CODE_USED', `mobiel:${mobile.id}`);
  await store.touchPerson(mobile.personId, now);
  await audit({ at: now, actor: `mobiel:${mobile.id}`, action: 'login.mobile', outcome: 'ok' });
  return c.json({ outcome: 'ok' });
}

// What the Mobile App shows on "Jouw ID" (manual §7.5, figure 32): whether its ID is still usable.
// Signed like a login, so only the device holding the key learns the state of its ID.
async function idStatus(ctx: RouteContext, c: PortalContext) {
  const { store, clock } = ctx;
  const input = mobileStatusRequestSchema.safeParse(await jsonBody(c));
  if (!input.success) return refused(c, 'ERR_PORTAL_BAD_REQUEST');
  const now = clock();
  // A signature older than five minutes (or from the future) is a replay.
  if (Math.abs(now - input.data.at) > 5 * 60_000) return refused(c, 'ERR_MOBILE_SIGNATURE_INVALID');
  const mobile = await store.getMobileId(input.data.mobileId);
  if (!mobile) return refused(c, 'ERR_MOBILE_ID_UNKNOWN');
  const signature = Buffer.from(input.data.signature, 'base64url');
  if (!verifyDeviceSignature(mobile, mobileStatusMessage(ctx.origin(), mobile.id, input.data.at), signature)) return refused(c, 'ERR_MOBILE_SIGNATURE_INVALID');
  const code = mobile.status === 'blocked' ? 'ERR_MOBILE_ID_BLOCKED' : mobile.status === 'revoked' ? 'ERR_MOBILE_ID_REVOKED' : null;
  return c.json({ status: mobile.status, usable: mobile.status === 'active', ...(code ? { code, message: ERROR_MESSAGES[code].nl } : {}) });
}

// The landing page polls this: once a Mobile App confirmed this browser's QR, the browser gets a
// fresh logged-in session (a new cookie; the anonymous one ends).
async function completeLoginQr(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit } = ctx;
  if (ctx.foreignOrigin(c)) return ctx.refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
  const s = c.get('session');
  if (!ctx.liveSession(s) || s.kind !== 'anonymous') return c.json({ outcome: 'pending' });
  const qr = await store.findRedeemedLoginQr(s.id);
  if (!qr?.mobileId) {
    // The page's QR was ended by a wrong confirmation code: the page says so instead of counting down.
    const latest = await store.findLatestLoginQr(s.id);
    if (latest?.voidedAt != null) return c.json({ outcome: 'void', code: 'ERR_MOBILE_LOGIN_CODE_VOID', message: ERROR_MESSAGES.ERR_MOBILE_LOGIN_CODE_VOID.nl });
    return c.json({ outcome: 'pending' });
  }
  if (!(await store.endSession(s.id, clock(), 'ingelogd'))) return c.json({ outcome: 'pending' });
  await ctx.newSession(c, 'login', null, null, qr.mobileId);
  const mobile = await store.getMobileId(qr.mobileId);
  const memberships = mobile ? await store.listMemberships(mobile.personId) : [];
  await audit({ at: clock(), actor: `mobiel:${qr.mobileId}`, action: 'login', outcome: 'ok', detail: { via: 'login-qr', organisations: memberships.map((m) => m.ura) } });
  return c.json({ outcome: 'ok', next: '/ingelogd' });
}
