// "Ik wil een organisatie valideren" (manual §6, portal-rules.md §6): the UZI-pas handoff, confirmation,
// and the two branches — an existing Mobiel ID of the card holder, or birth date → app-store links → an
// enrolment code for a new Mobiel ID. The desktop app follows the validation over the back-channel
// (`GET /api/handoff/{id}/organisation`).
import { createHash, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { birthDateSchema, ENROLMENT_CODE_BYTES, ENROLMENT_TTL_MS, holderName, uraSchema, type OrganisationAnswer } from '../organisation';
import {
  appLinksPage,
  birthDatePage,
  codeIssuedPage,
  confirmOrganisationPage,
  organisationActivePage,
  validateStartPage,
  type FieldErrors,
} from '../pages/organisation-pages';
import { errorPage } from '../pages/pages';
import type { PortalContext, RouteContext } from '../route-context';
import type { RegistrationRecord, ValidationRecord, ValidationState } from '../store/store';
import { bearer, formBody } from './request-input';

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export function registerOrganisationRoutes(ctx: RouteContext): void {
  const { app } = ctx;
  app.get('/organisatie/valideren', (c) => c.html(validateStartPage({ values: { ura: c.req.query('ura') ?? '' }, errors: {} })));
  app.post('/organisatie/valideren', (c) => startValidation(ctx, c));
  app.get('/organisatie/validatie/:id', (c) => validationPage(ctx, c));
  app.get('/organisatie/validatie/:id/status', (c) => validationStatus(ctx, c));
  app.post('/organisatie/validatie/:id/bevestigen', (c) => confirmOrganisation(ctx, c));
  app.post('/organisatie/validatie/:id/geboortedatum', (c) => enterBirthDate(ctx, c));
  // Volgende after the app-store links, and "Nieuwe QR-code" later: each issues a code and voids the last.
  app.post('/organisatie/validatie/:id/code', (c) => issueCode(ctx, c));
  app.get('/api/handoff/:id/organisation', (c) => organisationForApp(ctx, c));
}

async function startValidation(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit, refuse } = ctx;
  if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
  const body = formBody(await c.req.parseBody());
  const errors: FieldErrors = {};
  const ura = uraSchema.safeParse(body.ura);
  if (!ura.success) errors.ura = ura.error.issues[0]!.message;
  if (body.gelezen !== 'ja') errors.gelezen = 'Vink aan dat u de voorbereidingen heeft gelezen.';
  if (!ura.success || errors.gelezen) return c.html(validateStartPage({ values: body, errors }), 400);
  const registration = await store.getRegistration(ura.data);
  const code: ErrorCode | null = !registration ? 'ERR_ORG_URA_UNKNOWN' : registration.status !== 'pending' ? 'ERR_ORG_REGISTRATION_FINISHED' : null;
  if (code) {
    await audit({ at: clock(), actor: ctx.browserActor(c), action: 'organisation.validation.start', outcome: 'refused', code, detail: { ura: ura.data } });
    return c.html(validateStartPage({ values: body, errors: { ura: ERROR_MESSAGES[code].nl }, code }), code === 'ERR_ORG_URA_UNKNOWN' ? 404 : 409);
  }
  const handoff = await ctx.createHandoff(c, 'validate-organisation', ura.data);
  const now = clock();
  await store.createValidation({
    id: handoff.id,
    ura: ura.data,
    creatorSession: handoff.creatorSession,
    state: 'handoff',
    holder: null,
    birthDate: null,
    branch: null,
    enrolmentPayload: null,
    enrolmentExpiresAt: null,
    enrolmentDelivered: false,
    createdAt: now,
    updatedAt: now,
  });
  await audit({ at: now, actor: ctx.browserActor(c), action: 'organisation.validation.start', outcome: 'ok', requestId: handoff.id, detail: { ura: ura.data } });
  return c.redirect(`/handoff/${handoff.id}/start`, 303);
}

/** The creator's browser only, like the handoff pages. */
async function ownValidation(ctx: RouteContext, c: PortalContext, id: string): Promise<ValidationRecord | ErrorCode> {
  const v = await ctx.store.getValidation(id);
  if (!v) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
  const s = c.get('session');
  if (!ctx.liveSession(s) || s.id !== v.creatorSession) return 'ERR_PORTAL_SESSION_MISMATCH';
  return v;
}

const actorOf = (v: ValidationRecord) => (v.holder ? `uzi:${v.holder.uziNumber}` : 'browser');

async function stepRefused(ctx: RouteContext, c: PortalContext, v: ValidationRecord, action: string, code: ErrorCode) {
  await ctx.audit({ at: ctx.clock(), actor: actorOf(v), action, outcome: 'refused', requestId: v.id, code, detail: { ura: v.ura, state: v.state } });
  return c.html(errorPage(code), code === 'ERR_ORG_URA_UNKNOWN' ? 404 : 409);
}

async function validationPage(ctx: RouteContext, c: PortalContext) {
  const { store, refuse } = ctx;
  const v = await ownValidation(ctx, c, c.req.param('id')!);
  if (typeof v === 'string') return refuse(c, v, true);
  const registration = (await store.getRegistration(v.ura))!;
  switch (v.state) {
    case 'handoff':
      return c.html(errorPage('ERR_ORG_VALIDATION_STEP'), 409);
    case 'card-verified':
      return c.html(confirmOrganisationPage({ id: v.id, registration }));
    case 'birth-date':
      return c.html(birthDatePage({ id: v.id, holder: v.holder!, values: {}, errors: {} }));
    case 'app-links':
      return c.html(appLinksPage({ id: v.id }));
    case 'code-issued':
      return c.html(codeIssuedPage({ id: v.id, holderName: holderName(v.holder!), expiresAt: v.enrolmentExpiresAt!, registration }));
    case 'active':
      return c.html(organisationActivePage({ registration, branch: v.branch ?? 'new' }));
  }
}

async function validationStatus(ctx: RouteContext, c: PortalContext) {
  const v = await ownValidation(ctx, c, c.req.param('id')!);
  if (typeof v === 'string') return ctx.refuse(c, v);
  return c.json({ state: v.state });
}

async function step(
  ctx: RouteContext,
  c: PortalContext,
  from: readonly ValidationState[],
  action: string,
  run: (v: ValidationRecord, reg: RegistrationRecord) => Promise<Response>,
) {
  const { store, refuse } = ctx;
  if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
  const v = await ownValidation(ctx, c, c.req.param('id')!);
  if (typeof v === 'string') return refuse(c, v, true);
  if (!from.includes(v.state)) return stepRefused(ctx, c, v, action, 'ERR_ORG_VALIDATION_STEP');
  const registration = await store.getRegistration(v.ura);
  if (!registration) return stepRefused(ctx, c, v, action, 'ERR_ORG_URA_UNKNOWN');
  if (registration.status !== 'pending') return stepRefused(ctx, c, v, action, 'ERR_ORG_REGISTRATION_FINISHED');
  return run(v, registration);
}

const back = (c: PortalContext, id: string) => c.redirect(`/organisatie/validatie/${id}`, 303);

function confirmOrganisation(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit } = ctx;
  return step(ctx, c, ['card-verified'], 'organisation.confirm', async (v, registration) => {
    const holder = v.holder!;
    const now = clock();
    await audit({ at: now, actor: actorOf(v), action: 'organisation.confirm', outcome: 'ok', requestId: v.id, detail: { ura: v.ura } });
    const mobile = await store.findMobileIdByUzi(holder.uziNumber);
    if (mobile) {
      const done = await store.activateOrganisation({
        ura: registration.ura,
        at: now,
        administrator: holder.uziNumber,
        membership: { personId: mobile.personId, ura: registration.ura, role: 'Administrator', createdAt: now },
        validationId: v.id,
      });
      if (!done) return stepRefused(ctx, c, v, 'organisation.activate', 'ERR_ORG_REGISTRATION_FINISHED');
      await store.updateValidation(v.id, { branch: 'existing', updatedAt: now }, ['active']);
      await audit({ at: now, actor: actorOf(v), action: 'organisation.activate', outcome: 'ok', requestId: v.id, detail: { ura: v.ura, branch: 'existing', role: 'Administrator', mobileId: mobile.id } });
      return back(c, v.id);
    }
    await store.updateValidation(v.id, { state: 'birth-date', branch: 'new', updatedAt: now }, ['card-verified']);
    return back(c, v.id);
  });
}

function enterBirthDate(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit } = ctx;
  return step(ctx, c, ['birth-date'], 'organisation.birth-date', async (v) => {
    const body = formBody(await c.req.parseBody());
    const parsed = birthDateSchema(clock()).safeParse(body.geboortedatum);
    if (!parsed.success) {
      // The value itself is personal data: the audit records only that it was refused.
      await audit({ at: clock(), actor: actorOf(v), action: 'organisation.birth-date', outcome: 'refused', requestId: v.id, code: 'ERR_PORTAL_BAD_REQUEST', detail: { ura: v.ura } });
      return c.html(birthDatePage({ id: v.id, holder: v.holder!, values: body, errors: { geboortedatum: parsed.error.issues[0]!.message } }), 400);
    }
    await store.updateValidation(v.id, { birthDate: parsed.data, state: 'app-links', updatedAt: clock() }, ['birth-date']);
    await audit({ at: clock(), actor: actorOf(v), action: 'organisation.birth-date', outcome: 'ok', requestId: v.id, detail: { ura: v.ura } });
    return back(c, v.id);
  });
}

function issueCode(ctx: RouteContext, c: PortalContext) {
  const { store, clock, rng, audit } = ctx;
  return step(ctx, c, ['app-links', 'code-issued'], 'enrolment.issue', async (v) => {
    const holder = v.holder!;
    const now = clock();
    const code = b64url(rng(ENROLMENT_CODE_BYTES));
    const payload = `zorgid://enrol?portal=${encodeURIComponent(ctx.origin())}&code=${code}`;
    const expiresAt = now + ENROLMENT_TTL_MS;
    const voided = await store.issueEnrolmentCode(
      {
        codeHash: sha256Hex(code),
        validationId: v.id,
        uziNumber: holder.uziNumber,
        holderName: holderName(holder),
        ura: v.ura,
        role: 'Administrator',
        birthDate: v.birthDate!,
        createdAt: now,
        expiresAt,
        usedAt: null,
        voidedAt: null,
        voidReason: null,
        attempts: 0,
      },
      now,
    );
    await store.updateValidation(
      v.id,
      { state: 'code-issued', enrolmentPayload: payload, enrolmentExpiresAt: expiresAt, enrolmentDelivered: false, updatedAt: now },
      ['app-links', 'code-issued'],
    );
    await audit({ at: now, actor: actorOf(v), action: 'enrolment.issue', outcome: 'ok', requestId: v.id, detail: { ura: v.ura, voided, expiresAt } });
    return back(c, v.id);
  });
}

async function organisationForApp(ctx: RouteContext, c: PortalContext) {
  const { store, clock, audit, refuse } = ctx;
  const id = c.req.param('id')!;
  const handoff = await store.getHandoff(id);
  const v = handoff ? await store.getValidation(id) : null;
  if (!handoff || !v || handoff.purpose !== 'validate-organisation') return refuse(c, 'ERR_PORTAL_HANDOFF_NOT_FOUND');
  const registration = (await store.getRegistration(v.ura))!;
  const organisation = { ura: registration.ura, name: registration.name, street: registration.street, postcode: registration.postcode, city: registration.city, status: registration.status };
  // Before the card: the request id alone (as for GET /api/handoff/{id}) shows which organisation
  // is to be validated, so the app can show name and URA before it asks for the PIN.
  if (bearer(c) === undefined && v.state === 'handoff' && handoff.usedAt === null && clock() < handoff.expiresAt) {
    const answer: OrganisationAnswer = { purpose: 'validate-organisation', state: 'handoff', organisation, holder: null, branch: null, enrolment: null };
    return c.json(answer);
  }
  // After the token, the card session id from the token answer proves this caller is the app that signed.
  const given = Buffer.from(bearer(c) ?? '');
  const expected = Buffer.from(handoff.cardSessionId ?? '');
  if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    await audit({ at: clock(), actor: 'app', action: 'organisation.app-fetch', outcome: 'refused', requestId: id.slice(0, 32), code: 'ERR_PORTAL_SESSION_MISMATCH' });
    return refuse(c, 'ERR_PORTAL_SESSION_MISMATCH');
  }
  let enrolment: OrganisationAnswer['enrolment'] = null;
  if (v.holder && v.enrolmentExpiresAt !== null) {
    const base = { holderName: holderName(v.holder), expiresAt: new Date(v.enrolmentExpiresAt).toISOString() };
    const payload = v.state === 'code-issued' ? v.enrolmentPayload : null;
    // Shown once: the first fetch takes the payload out of the database.
    if (payload && (await store.updateValidation(id, { enrolmentPayload: null, enrolmentDelivered: true, updatedAt: clock() }, ['code-issued']))) {
      const qrDataUrl = await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
      enrolment = { ...base, payload, qrDataUrl, delivered: true };
    } else {
      enrolment = { ...base, delivered: v.enrolmentDelivered };
    }
  }
  // A poll is no step; handing over the QR is.
  if (enrolment?.payload) await audit({ at: clock(), actor: 'app', action: 'enrolment.deliver', outcome: 'ok', requestId: id, detail: { ura: v.ura } });
  const answer: OrganisationAnswer = {
    purpose: 'validate-organisation',
    state: v.state,
    organisation,
    holder: v.holder ? { name: holderName(v.holder), uziNumber: v.holder.uziNumber } : null,
    branch: v.branch,
    enrolment,
  };
  return c.json(answer);
}
