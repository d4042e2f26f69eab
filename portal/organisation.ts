// Organisation registrations (operator, VZVZ) and "Ik wil een organisatie valideren" (manual §6,
// portal-rules.md §6): the UZI-pas handoff, confirmation, and the two branches — an existing Mobiel ID
// of the card holder, or birth date → app-store links → an enrolment code for a new Mobiel ID. The
// desktop app follows the validation over the back-channel (`GET /api/handoff/{id}/organisation`).
import { createHash, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { UziHolder } from '@zorgid/uzi';
import { AppError, type ErrorCode } from './errors';
import { ERROR_MESSAGES } from './error-messages';
import {
  appLinksPage,
  birthDatePage,
  codeIssuedPage,
  confirmOrganisationPage,
  operatorPage,
  organisationActivePage,
  validateStartPage,
  type FieldErrors,
} from './pages/organisation-pages';
import { errorPage } from './pages/pages';
import type { PortalContext, RouteContext } from './route-context';
import type { PurposeContext } from '@zorgid/validator';
import type { PortalStore, RegistrationRecord, ValidationRecord, ValidationState } from './store/store';

export const ENROLMENT_TTL_MS = 10 * 24 * 60 * 60_000;
/** Random bytes in an enrolment code: 18 → 24 base64url characters (the protocol asks ≥ 22). */
const ENROLMENT_CODE_BYTES = 18;

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export const holderName = (h: UziHolder): string => h.commonName ?? ([h.givenName, h.surname].filter(Boolean).join(' ') || h.uziNumber);

const requiredText = (label: string, max: number) =>
  z.string({ error: `Vul ${label} in.` }).trim().min(1, `Vul ${label} in.`).max(max, `Maximaal ${max} tekens.`);

export const uraSchema = z.string({ error: 'Vul het URA-nummer in.' }).trim().regex(/^\d{8}$/, 'Het URA-nummer bestaat uit precies 8 cijfers.');

/** An organisation registration as the operator enters it. */
export const registrationSchema = z.object({
  ura: uraSchema,
  name: requiredText('de naam van de organisatie', 200),
  street: requiredText('straat en huisnummer', 200),
  postcode: z
    .string({ error: 'Vul de postcode in.' })
    .trim()
    .toUpperCase()
    .regex(/^[1-9]\d{3} ?[A-Z]{2}$/, 'Vul een Nederlandse postcode in, bijvoorbeeld 1234 AB.')
    .transform((p) => `${p.slice(0, 4)} ${p.slice(-2)}`),
  city: requiredText('de plaats', 100),
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

/** A birth date as on the ID document: a real date, the person 16 to 120 years old at `now`. */
export function birthDateSchema(now: number) {
  return z
    .string({ error: 'Vul uw geboortedatum in.' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul uw geboortedatum in als JJJJ-MM-DD.')
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? !/^\d{4}-\d{2}-\d{2}$/.test(v) : d.toISOString().slice(0, 10) === v;
    }, 'Deze datum bestaat niet.')
    .refine((v) => {
      const born = new Date(`${v}T00:00:00Z`);
      if (Number.isNaN(born.getTime())) return true;
      const today = new Date(now);
      let age = today.getUTCFullYear() - born.getUTCFullYear();
      if (today.getUTCMonth() < born.getUTCMonth() || (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())) age--;
      return born.getTime() < now && age >= 16 && age <= 120;
    }, 'De geboortedatum moet in het verleden liggen; u bent tussen 16 en 120 jaar oud.');
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '_');
    out[key] ??= issue.message;
  }
  return out;
}

/** Step 8 of the validator for validate-organisation: the registration must exist and still be open. */
export async function validationPurposeRules(store: PortalStore, ctx: PurposeContext): Promise<void> {
  const registration = ctx.request.ura ? await store.getRegistration(ctx.request.ura) : null;
  if (!registration) throw new AppError('ERR_ORG_URA_UNKNOWN');
  if (registration.status !== 'pending') throw new AppError('ERR_ORG_REGISTRATION_FINISHED');
}

/** What `GET /api/handoff/{id}/organisation` answers the desktop app (documented in docs/handoff-protocol.md §7). */
export const organisationAnswerSchema = z.object({
  purpose: z.literal('validate-organisation'),
  state: z.enum(['handoff', 'card-verified', 'birth-date', 'app-links', 'code-issued', 'active']),
  organisation: z.object({ ura: z.string(), name: z.string(), street: z.string(), postcode: z.string(), city: z.string(), status: z.enum(['pending', 'active']) }),
  holder: z.object({ name: z.string(), uziNumber: z.string() }).nullable(),
  branch: z.enum(['existing', 'new']).nullable(),
  enrolment: z
    .object({
      /** Present exactly once: in the first answer after the code was issued. */
      payload: z.string().optional(),
      qrDataUrl: z.string().optional(),
      holderName: z.string(),
      expiresAt: z.iso.datetime(),
      delivered: z.boolean(),
    })
    .nullable(),
});
export type OrganisationAnswer = z.infer<typeof organisationAnswerSchema>;

function formBody(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function registerOrganisationRoutes(ctx: RouteContext): void {
  const { app, store, clock, rng, audit, refuse } = ctx;
  // A guessable operator token would hand out organisations.
  if (ctx.operatorToken !== null && ctx.operatorToken.length < 16) throw new Error('portal configuration: operatorToken must be at least 16 characters');

  // ---- operator (VZVZ): organisation registrations --------------------------------------------

  function operatorAllowed(given: string | undefined): boolean {
    if (!ctx.operatorToken || !given) return false;
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(ctx.operatorToken).digest();
    return timingSafeEqual(a, b);
  }
  const bearer = (c: PortalContext): string | undefined => /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];

  async function createRegistration(input: RegistrationInput): Promise<RegistrationRecord | ErrorCode> {
    const record: RegistrationRecord = { ...input, status: 'pending', createdAt: clock(), activatedAt: null, administrator: null };
    if (!(await store.createRegistration(record))) return 'ERR_ORG_REGISTRATION_EXISTS';
    return record;
  }

  app.get('/operator', (c) => c.html(operatorPage({ values: {}, errors: {}, created: null, list: null })));

  app.post('/operator', async (c) => {
    if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
    const body = formBody(await c.req.parseBody());
    if (!operatorAllowed(body.token)) {
      await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN' });
      return c.html(operatorPage({ values: body, errors: { token: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, created: null, list: null }), 403);
    }
    const parsed = registrationSchema.safeParse(body);
    if (!parsed.success) return c.html(operatorPage({ values: body, errors: fieldErrors(parsed.error), created: null, list: null }), 400);
    const result = await createRegistration(parsed.data);
    if (typeof result === 'string') {
      await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: result, detail: { ura: parsed.data.ura } });
      return c.html(operatorPage({ values: body, errors: { ura: ERROR_MESSAGES[result].nl }, created: null, list: null }), 409);
    }
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'ok', detail: { ura: result.ura } });
    return c.html(operatorPage({ values: {}, errors: {}, created: result, list: await store.listRegistrations() }), 201);
  });

  app.post('/api/operator/registrations', async (c) => {
    if (!operatorAllowed(bearer(c))) {
      await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN' });
      return c.json({ outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN', message: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, 403);
    }
    const parsed = registrationSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      return c.json({ outcome: 'refused', code: 'ERR_PORTAL_BAD_REQUEST', message: ERROR_MESSAGES.ERR_PORTAL_BAD_REQUEST.nl, fields: fieldErrors(parsed.error) }, 400);
    }
    const result = await createRegistration(parsed.data);
    if (typeof result === 'string') {
      await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'refused', code: result, detail: { ura: parsed.data.ura } });
      return c.json({ outcome: 'refused', code: result, message: ERROR_MESSAGES[result].nl }, 409);
    }
    await audit({ at: clock(), actor: 'operator', action: 'registration.create', outcome: 'ok', detail: { ura: result.ura } });
    return c.json({ outcome: 'created', registration: result }, 201);
  });

  app.get('/api/operator/registrations', async (c) => {
    if (!operatorAllowed(bearer(c))) return c.json({ outcome: 'refused', code: 'ERR_PORTAL_OPERATOR_FORBIDDEN', message: ERROR_MESSAGES.ERR_PORTAL_OPERATOR_FORBIDDEN.nl }, 403);
    return c.json({ registrations: await store.listRegistrations() });
  });

  // ---- "Ik wil een organisatie valideren" ------------------------------------------------------

  app.get('/organisatie/valideren', (c) => c.html(validateStartPage({ values: { ura: c.req.query('ura') ?? '' }, errors: {} })));

  app.post('/organisatie/valideren', async (c) => {
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
  });

  /** The creator's browser only, like the handoff pages. */
  async function ownValidation(c: PortalContext, id: string): Promise<ValidationRecord | ErrorCode> {
    const v = await store.getValidation(id);
    if (!v) return 'ERR_PORTAL_HANDOFF_NOT_FOUND';
    const s = c.get('session');
    if (!ctx.liveSession(s) || s.id !== v.creatorSession) return 'ERR_PORTAL_SESSION_MISMATCH';
    return v;
  }

  const actorOf = (v: ValidationRecord) => (v.holder ? `uzi:${v.holder.uziNumber}` : 'browser');

  async function stepRefused(c: PortalContext, v: ValidationRecord, action: string, code: ErrorCode) {
    await audit({ at: clock(), actor: actorOf(v), action, outcome: 'refused', requestId: v.id, code, detail: { ura: v.ura, state: v.state } });
    return c.html(errorPage(code), code === 'ERR_ORG_URA_UNKNOWN' ? 404 : 409);
  }

  app.get('/organisatie/validatie/:id', async (c) => {
    const v = await ownValidation(c, c.req.param('id'));
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
  });

  app.get('/organisatie/validatie/:id/status', async (c) => {
    const v = await ownValidation(c, c.req.param('id'));
    if (typeof v === 'string') return refuse(c, v);
    return c.json({ state: v.state });
  });

  async function step(c: PortalContext, from: readonly ValidationState[], action: string, run: (v: ValidationRecord, reg: RegistrationRecord) => Promise<Response>) {
    if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
    const v = await ownValidation(c, c.req.param('id')!);
    if (typeof v === 'string') return refuse(c, v, true);
    if (!from.includes(v.state)) return stepRefused(c, v, action, 'ERR_ORG_VALIDATION_STEP');
    const registration = await store.getRegistration(v.ura);
    if (!registration) return stepRefused(c, v, action, 'ERR_ORG_URA_UNKNOWN');
    if (registration.status !== 'pending') return stepRefused(c, v, action, 'ERR_ORG_REGISTRATION_FINISHED');
    return run(v, registration);
  }

  const back = (c: PortalContext, id: string) => c.redirect(`/organisatie/validatie/${id}`, 303);

  app.post('/organisatie/validatie/:id/bevestigen', (c) =>
    step(c, ['card-verified'], 'organisation.confirm', async (v, registration) => {
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
        if (!done) return stepRefused(c, v, 'organisation.activate', 'ERR_ORG_REGISTRATION_FINISHED');
        await store.updateValidation(v.id, { branch: 'existing', updatedAt: now }, ['active']);
        await audit({ at: now, actor: actorOf(v), action: 'organisation.activate', outcome: 'ok', requestId: v.id, detail: { ura: v.ura, branch: 'existing', role: 'Administrator', mobileId: mobile.id } });
        return back(c, v.id);
      }
      await store.updateValidation(v.id, { state: 'birth-date', branch: 'new', updatedAt: now }, ['card-verified']);
      return back(c, v.id);
    }),
  );

  app.post('/organisatie/validatie/:id/geboortedatum', (c) =>
    step(c, ['birth-date'], 'organisation.birth-date', async (v) => {
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
    }),
  );

  // Volgende after the app-store links, and "Nieuwe QR-code" later: each issues a code and voids the last.
  app.post('/organisatie/validatie/:id/code', (c) =>
    step(c, ['app-links', 'code-issued'], 'enrolment.issue', async (v) => {
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
    }),
  );

  // ---- back-channel for the desktop app ---------------------------------------------------------

  app.get('/api/handoff/:id/organisation', async (c) => {
    const id = c.req.param('id');
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
  });
}
