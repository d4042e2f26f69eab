// ZORG-ID Smartcard at the portal (seed 003, portal-rules.md "ZORG-ID Smartcard"): the create-smartcard
// purpose rules, the back-channel that certifies a key made on a blank card, activation by the written
// card, the login rule for Smartcard certificates, and block/unblock/remove for administrators.
//
// Back-channel, after `POST /api/handoff {purpose:"create-smartcard"}`:
//   POST /api/smartcard/:requestId/certify  { csr: base64 DER PKCS#10, token: handoff token }
//     The UZI-pas token's browser code is the CSR binding: browserCodeHash must equal
//     SHA-256(base64url(SHA-256(CSR DER))). Checks: CSR signature (proof of possession), RSA ≥ 2048,
//     the token (validator, purpose create-smartcard: Z or N, organisation active, no Mobiel ID, no
//     Smartcard yet, not itself a Smartcard). Answers the certificate and an activation challenge.
//   POST /api/smartcard/:smartcardId/activate  { signature: base64 SHA256withRSA over activationMessage }
//     The written card proves it holds the certified key; only then the Smartcard can log in and
//     counts as "already has a Smartcard".
// Administration (JSON API, Mobiel ID session; the one authorisation check of admin.ts, like Mobiel IDs):
//   GET  /api/beheer/organisaties/:ura/smartcards
//   POST /api/beheer/smartcards/:id/blokkeren {reden} | /deblokkeren {bevestigd:"ja"} | /verwijderen {bevestigd:"ja"}
import 'reflect-metadata';
import { createHash, createPublicKey, verify } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../src/shared/errors';
import { ERROR_MESSAGES } from '../src/shared/error-messages';
import { fromBase64Url, type HandoffToken } from '../src/shared/handoff-token';
import { activationMessage } from '../src/main/core/enrol/smartcard-portal';
import { authorize, type Actor, type AdminAction } from './admin';
import { blockSchema, confirmSchema } from './admin-input';
import { sessionActor } from './routes/admin-gate';
import { fieldErrors } from './organisation';
import { confirmPage, userUrl } from './pages/admin-pages';
import { errorPage } from './pages/pages';
import { shownSmartcards, smartcardBlockPage, smartcardUrl } from './pages/smartcard-pages';
import type { PortalContext, RouteContext } from './route-context';
import type { SmartcardCa } from './smartcard-ca';
import { BLOCK_REASONS, type AuditEntry, type PortalStore, type SmartcardRecord, type SmartcardStatus } from './store/store';
import { ZORG_ID_ID_PATTERN } from './zorg-id';
import type { PurposeContext, TokenValidator } from './validator';

/** A pending Smartcard must be activated within this time after issuance. */
export const SMARTCARD_ACTIVATION_TTL_MS = 10 * 60_000;

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

/** The browser code a create-smartcard token carries: base64url(SHA-256(CSR DER)). */
export function csrBrowserCode(csrDer: Uint8Array): string {
  return b64url(sha256(csrDer));
}

export function isSmartcardCertificate(ca: SmartcardCa | null, issuer: string): boolean {
  return ca !== null && issuer === ca.subject;
}

/** Step 8 for create-smartcard, and the Smartcard login rule. */
export async function smartcardPurposeRules(store: PortalStore, ca: SmartcardCa | null, ctx: PurposeContext): Promise<void> {
  const { purpose, holder, certificate } = ctx;
  const fromSmartcard = isSmartcardCertificate(ca, certificate.issuer);
  if (purpose === 'login' && fromSmartcard) {
    const card = await store.findSmartcardByCert(certificate.sha256);
    if (card?.status === 'blocked') throw new AppError('ERR_TOKEN_USER_BLOCKED');
    if (card?.status !== 'active') throw new AppError('ERR_TOKEN_USER_UNKNOWN');
    return;
  }
  if (purpose !== 'create-smartcard') return;
  if (!ca) throw new AppError('ERR_SMARTCARD_CA_NOT_CONFIGURED');
  // Identification is with the employee's own UZI-pas, never with another Smartcard.
  if (fromSmartcard) throw new AppError('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED', { reason: 'smartcard' });
  const registration = await store.getRegistration(holder.ura);
  if (registration?.status !== 'active') throw new AppError('ERR_SMARTCARD_ORGANISATION_NOT_ACTIVE');
  // One or the other (portal-rules.md §2): any Mobiel ID that is not revoked counts.
  if (await store.findMobileIdByUzi(holder.uziNumber)) throw new AppError('ERR_SMARTCARD_HAS_MOBIEL_ID');
  const person = await store.findPersonByUzi(holder.uziNumber);
  if (person && (await store.listMobileIdsOfPerson(person.id)).some((m) => m.status !== 'revoked')) {
    throw new AppError('ERR_SMARTCARD_HAS_MOBIEL_ID');
  }
  if (await store.findLiveSmartcardByUzi(holder.uziNumber)) throw new AppError('ERR_SMARTCARD_ALREADY_EXISTS');
}

const certifyInput = z.object({ csr: z.string().min(100).max(8000), token: z.unknown() });
const activateInput = z.object({ signature: z.string().min(100).max(2000) });

function parseCsr(der: Buffer): x509.Pkcs10CertificateRequest {
  try {
    return new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'not a PKCS#10 request' });
  }
}

/** The Smartcard transitions of the administration, with the action `authorize` knows them by. */
export const SMARTCARD_ADMIN_ACTIONS = {
  blokkeren: { action: 'user.block', from: ['active'], to: 'blocked' },
  deblokkeren: { action: 'user.unblock', from: ['blocked'], to: 'active' },
  // Removal frees the person for a new Smartcard (or a Mobiel ID); the certificate is never valid again
  // (the Smartcard CA's CRL lists it from now on).
  verwijderen: { action: 'user.remove', from: ['pending', 'active', 'blocked'], to: 'removed' },
} as const satisfies Record<string, { action: AdminAction; from: readonly SmartcardStatus[]; to: SmartcardStatus }>;
export type SmartcardAdminOp = keyof typeof SMARTCARD_ADMIN_ACTIONS;

const isAdminOp = (op: string): op is SmartcardAdminOp => Object.hasOwn(SMARTCARD_ADMIN_ACTIONS, op);

export type SmartcardChange =
  | { ok: true; card: SmartcardRecord }
  | { ok: false; code: ErrorCode; status: 400 | 401 | 403 | 404 | 409; card: SmartcardRecord | null; fields?: Record<string, string> };

export interface SmartcardAdminDeps {
  store: PortalStore;
  clock: () => number;
  audit(entry: AuditEntry): Promise<void>;
}

/**
 * Who may act on this Smartcard: `authorize` for the card's organisation, with the holder's
 * membership there as the target (a beheerder manages zorgmedewerkers only). The holder is the
 * person the card was bound to, or the ZORG-ID person with its UZI-nummer that came later.
 */
export async function smartcardPermission(
  store: PortalStore,
  actor: Actor | null,
  op: SmartcardAdminOp,
  id: string,
): Promise<{ card: SmartcardRecord | null; denied: ErrorCode | null }> {
  const card = id.length > 0 && id.length <= 64 ? await store.getSmartcard(id) : null;
  if (!card) return { card: null, denied: actor ? null : 'ERR_ADMIN_LOGIN_REQUIRED' };
  const personId = card.personId ?? (await store.findPersonByUzi(card.uziNumber))?.id ?? null;
  const target = personId ? await store.getMembership(personId, card.ura) : null;
  return { card, denied: authorize(actor, SMARTCARD_ADMIN_ACTIONS[op].action, card.ura, target) };
}

/**
 * Block, unblock or remove one Smartcard account: the one implementation behind the JSON API and the
 * beheer pages. Authorisation first (nothing of the input is read before), then the input rule
 * (a reason from the list, or bevestigd=ja), then a compare-and-set on the status. One audit record
 * per call, refusals included; a refusal changes nothing.
 */
export async function changeSmartcard(
  deps: SmartcardAdminDeps,
  input: { actor: Actor | null; actorName: string; op: SmartcardAdminOp; id: string; body: unknown },
): Promise<SmartcardChange> {
  const op = SMARTCARD_ADMIN_ACTIONS[input.op];
  const { card, denied } = await smartcardPermission(deps.store, input.actor, input.op, input.id);
  const action = `admin.smartcard.${op.action}`;
  const refused = async (code: ErrorCode, status: 400 | 401 | 403 | 404 | 409, fields?: Record<string, string>): Promise<SmartcardChange> => {
    await deps.audit({
      at: deps.clock(),
      actor: input.actorName,
      action,
      outcome: 'refused',
      code,
      detail: { smartcard: input.id.slice(0, 64), ...(card ? { ura: card.ura, status: card.status } : {}), ...(fields ? { fields: Object.keys(fields) } : {}) },
    });
    return { ok: false, code, status, card, ...(fields ? { fields } : {}) };
  };
  if (denied) return refused(denied, denied === 'ERR_ADMIN_LOGIN_REQUIRED' ? 401 : 403);
  if (!card) return refused('ERR_SMARTCARD_NOT_FOUND', 404);
  const parsed = op.to === 'blocked' ? blockSchema.safeParse(input.body) : confirmSchema.safeParse(input.body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return refused('bevestigd' in fields ? 'ERR_ADMIN_CONFIRMATION_REQUIRED' : 'ERR_ADMIN_INVALID_INPUT', 400, fields);
  }
  const reason = 'reden' in parsed.data ? parsed.data.reden : null;
  if (!(await deps.store.setSmartcardStatus(card.id, op.from, op.to, deps.clock(), reason))) return refused('ERR_SMARTCARD_STATUS_CONFLICT', 409);
  await deps.audit({
    at: deps.clock(),
    actor: input.actorName,
    action,
    outcome: 'ok',
    detail: {
      ura: card.ura,
      smartcard: card.id,
      serial: card.serialHex,
      from: card.status,
      to: op.to,
      ...(reason ? { reason, reasonText: BLOCK_REASONS[reason] } : {}),
      ...(op.to === 'removed' ? { irreversible: true } : {}),
    },
  });
  return { ok: true, card: (await deps.store.getSmartcard(card.id))! };
}

const wire = (r: SmartcardRecord) => ({
  id: r.id,
  uziNumber: r.uziNumber,
  ura: r.ura,
  name: r.name,
  status: r.status,
  serial: r.serialHex,
  createdAt: r.createdAt,
  activatedAt: r.activatedAt,
  blockReason: r.blockReason,
  removedAt: r.removedAt,
});

/** Where the Smartcard CA's CRL is published (no login: relying parties fetch it). */
export const SMARTCARD_CRL_PATH = '/crl/zorgid-smartcard-ca.crl';
/** A CRL's nextUpdate after its thisUpdate. */
export const SMARTCARD_CRL_VALIDITY_MS = 24 * 60 * 60_000;
/** How long clients may cache it (and how long the portal reuses one it signed for an unchanged list). */
export const SMARTCARD_CRL_MAX_AGE_S = 300;

const NOTICE_OF: Record<SmartcardAdminOp, string> = { blokkeren: 'smartcard-geblokkeerd', deblokkeren: 'smartcard-gedeblokkeerd', verwijderen: 'smartcard-verwijderd' };

const CONFIRM_TEXT: Record<Exclude<SmartcardAdminOp, 'blokkeren'>, { title: string; text: (c: SmartcardRecord) => string; button: string }> = {
  deblokkeren: {
    title: 'ZORG-ID Smartcard deblokkeren',
    text: (c) => `Wilt u de ZORG-ID Smartcard van ${c.name} (serienummer ${c.serialHex}) deblokkeren? Daarna kan er weer mee worden ingelogd.`,
    button: 'Deblokkeren',
  },
  verwijderen: {
    title: 'ZORG-ID Smartcard verwijderen',
    text: (c) =>
      `Wilt u de ZORG-ID Smartcard van ${c.name} (serienummer ${c.serialHex}) verwijderen? Dit is definitief en kan niet ongedaan worden gemaakt: het certificaat wordt ingetrokken en de kaart is daarna onbruikbaar. De medewerker kan daarna een nieuwe ZORG-ID Smartcard maken.`,
    button: 'Verwijderen',
  },
};

export function registerSmartcardRoutes(ctx: RouteContext, deps: { validator: TokenValidator; ca: SmartcardCa | null }): void {
  const { app, store, clock, rng, audit, refuse } = ctx;
  const adminDeps: SmartcardAdminDeps = { store, clock, audit };

  const actorOf = (c: PortalContext) => sessionActor(ctx, c);
  const actorName = (c: PortalContext, actor: Actor | null) => (actor ? `zorgid:${actor.personId}` : ctx.browserActor(c));

  app.get('/api/beheer/organisaties/:ura/smartcards', async (c) => {
    const ura = c.req.param('ura');
    const denied = authorize(await actorOf(c), 'user.block', ura);
    if (denied) return c.json({ outcome: 'refused', code: denied }, denied === 'ERR_ADMIN_LOGIN_REQUIRED' ? 401 : 403);
    return c.json({ smartcards: shownSmartcards(await store.listSmartcards(ura)).map(wire) });
  });

  app.post('/api/beheer/smartcards/:id/:op', async (c) => {
    const name = c.req.param('op');
    if (!isAdminOp(name)) return c.json({ outcome: 'refused', code: 'ERR_PORTAL_BAD_REQUEST' }, 404);
    if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN');
    const actor = await actorOf(c);
    const body: unknown = await c.req.json().catch(() => null);
    const r = await changeSmartcard(adminDeps, { actor, actorName: actorName(c, actor), op: name, id: c.req.param('id'), body });
    if (!r.ok) return c.json({ outcome: 'refused', code: r.code, message: ERROR_MESSAGES[r.code].nl, ...(r.fields ? { fields: r.fields } : {}) }, r.status);
    return c.json({ outcome: 'ok', smartcard: wire(r.card) });
  });

  // ---- the beheer pages: the same change, from server-rendered forms ------------------------------

  /** Back to the user's page when the action started there, else to the organisation's users. */
  const backTo = (card: SmartcardRecord, terug: string | undefined) =>
    terug && ZORG_ID_ID_PATTERN.test(terug) ? userUrl(card.ura, terug) : `/beheer/organisaties/${card.ura}/gebruikers`;

  async function pageRefusal(c: PortalContext, code: ErrorCode, status: 400 | 401 | 403 | 404 | 409): Promise<Response> {
    if (code === 'ERR_ADMIN_LOGIN_REQUIRED') return c.redirect('/?afgemeld=sessie', 303);
    return c.html(errorPage(code), status);
  }

  app.get('/beheer/smartcards/:id/:op', async (c) => {
    const op = c.req.param('op');
    if (!isAdminOp(op)) return c.html(errorPage('ERR_PORTAL_BAD_REQUEST'), 404);
    const actor = await actorOf(c);
    const { card, denied } = await smartcardPermission(store, actor, op, c.req.param('id'));
    const code = denied ?? (card ? null : 'ERR_SMARTCARD_NOT_FOUND');
    if (code) {
      if (actor) await audit({ at: clock(), actor: actorName(c, actor), action: `admin.smartcard.${SMARTCARD_ADMIN_ACTIONS[op].action}`, outcome: 'refused', code, detail: { smartcard: c.req.param('id').slice(0, 64), view: true } });
      return pageRefusal(c, code, code === 'ERR_SMARTCARD_NOT_FOUND' ? 404 : denied === 'ERR_ADMIN_LOGIN_REQUIRED' ? 401 : 403);
    }
    const terug = c.req.query('terug');
    const action = `${smartcardUrl(card!.id, op)}`;
    const cancel = backTo(card!, terug);
    const hidden = terug ? { terug } : undefined;
    if (op === 'blokkeren') return c.html(smartcardBlockPage({ card: card!, action, cancel, errors: {}, hidden }));
    const conf = CONFIRM_TEXT[op];
    return c.html(confirmPage({ title: conf.title, text: conf.text(card!), action, button: conf.button, cancel, hidden }));
  });

  app.post('/beheer/smartcards/:id/:op', async (c) => {
    const op = c.req.param('op');
    if (!isAdminOp(op)) return c.html(errorPage('ERR_PORTAL_BAD_REQUEST'), 404);
    if (ctx.foreignOrigin(c)) return refuse(c, 'ERR_PORTAL_FORBIDDEN_ORIGIN', true);
    const actor = await actorOf(c);
    const raw = await c.req.parseBody().catch(() => ({}));
    const body = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const r = await changeSmartcard(adminDeps, { actor, actorName: actorName(c, actor), op, id: c.req.param('id'), body });
    const terug = typeof body.terug === 'string' && ZORG_ID_ID_PATTERN.test(body.terug) ? body.terug : undefined;
    if (r.ok) return c.redirect(`${backTo(r.card, terug)}?melding=${NOTICE_OF[op]}#smartcards`, 303);
    // A form that only lacks its reason or confirmation comes back with the error beside it.
    if (r.card && r.status === 400) {
      const action = smartcardUrl(r.card.id, op);
      const cancel = backTo(r.card, terug);
      const hidden = terug ? { terug } : undefined;
      if (op === 'blokkeren') return c.html(smartcardBlockPage({ card: r.card, action, cancel, value: body.reden, errors: r.fields ?? {}, hidden }), 400);
      const conf = CONFIRM_TEXT[op];
      return c.html(confirmPage({ title: conf.title, text: conf.text(r.card), action, button: conf.button, cancel, hidden, error: ERROR_MESSAGES[r.code].nl }), 400);
    }
    return pageRefusal(c, r.code, r.status);
  });

  // ---- the Smartcard CA's CRL ----------------------------------------------------------------------

  // One signature per change of the list (or per max-age), not one per request.
  let published: { key: string; der: Buffer; signedAt: number } | null = null;
  app.get(SMARTCARD_CRL_PATH, async (c) => {
    if (!deps.ca) return refuse(c, 'ERR_SMARTCARD_CA_NOT_CONFIGURED');
    const now = clock();
    const removed = await store.listRemovedSmartcards();
    const key = removed.map((r) => `${r.serialHex}@${r.removedAt}`).join(',');
    if (!published || published.key !== key || now - published.signedAt >= SMARTCARD_CRL_MAX_AGE_S * 1000 || now < published.signedAt) {
      const der = await deps.ca.crl({
        revoked: removed.map((r) => ({ serialHex: r.serialHex, revokedAt: new Date(r.removedAt) })),
        thisUpdate: new Date(now),
        nextUpdate: new Date(now + SMARTCARD_CRL_VALIDITY_MS),
      });
      published = { key, der, signedAt: now };
    }
    return c.body(new Uint8Array(published.der), 200, {
      'Content-Type': 'application/pkix-crl',
      'Cache-Control': `public, max-age=${SMARTCARD_CRL_MAX_AGE_S}`,
    });
  });

  app.post('/api/smartcard/:id/certify', async (c) => {
    const id = c.req.param('id');
    try {
      if (!deps.ca) throw new AppError('ERR_SMARTCARD_CA_NOT_CONFIGURED');
      const input = certifyInput.safeParse(await c.req.json().catch(() => null));
      if (!input.success) throw new AppError('ERR_PORTAL_BAD_REQUEST');
      const request = await store.getHandoff(id);
      if (!request) throw new AppError('ERR_PORTAL_HANDOFF_NOT_FOUND');
      if (request.purpose !== 'create-smartcard') throw new AppError('ERR_TOKEN_PURPOSE_MISMATCH');

      // Proof of possession first: a bad CSR must not burn the request.
      const csrDer = Buffer.from(input.data.csr, 'base64');
      const csr = parseCsr(csrDer);
      if (!(await csr.verify().catch(() => false))) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'signature' });
      const spkiDer = Buffer.from(csr.publicKey.rawData);
      const jwk = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      if (jwk.kty !== 'RSA' || Buffer.from(jwk.n ?? '', 'base64url').length < 256) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'RSA-2048 or more' });
      const token = input.data.token as Partial<HandoffToken> | null;
      const expectedBc = sha256(Buffer.from(csrBrowserCode(csrDer), 'utf8'));
      const givenBc = typeof token?.browserCodeHash === 'string' ? Buffer.from(fromBase64Url(token.browserCodeHash)) : Buffer.alloc(0);
      if (!givenBc.equals(expectedBc)) throw new AppError('ERR_SMARTCARD_CSR_INVALID', { reason: 'CSR not signed for by the UZI-pas' });

      const valid = await deps.validator.validate(JSON.stringify(input.data.token), { requestId: id, origin: ctx.origin() });
      const now = clock();
      const holder = valid.holder;
      const serialHex = (0x40 | (rng(1)[0]! & 0x3f)).toString(16) + Buffer.from(rng(15)).toString('hex');
      const certDer = await deps.ca.issue({ spkiDer, holder, serialHex, now: new Date(now) });
      const person = await store.findPersonByUzi(holder.uziNumber);
      const record: SmartcardRecord = {
        id: b64url(rng(16)),
        uziNumber: holder.uziNumber,
        ura: holder.ura,
        personId: person?.id ?? null,
        name: holder.commonName ?? holder.uziNumber,
        certSha256: sha256(certDer).toString('hex'),
        certDer: certDer.toString('base64'),
        serialHex,
        status: 'pending',
        activationChallenge: b64url(rng(32)),
        createdAt: now,
        activatedAt: null,
        blockReason: null,
        blockedAt: null,
        removedAt: null,
      };
      if (!(await store.createSmartcard(record))) throw new AppError('ERR_SMARTCARD_ALREADY_EXISTS');
      await store.updateHandoff(id, { state: 'done', holder, certSha256: valid.certificate.sha256, completedAt: now }, ['pending', 'card-read']);
      await audit({
        at: now,
        actor: `uzi:${holder.uziNumber}`,
        action: 'smartcard.issue',
        outcome: 'ok',
        requestId: id,
        detail: { ura: holder.ura, cardType: holder.cardType, smartcard: record.id, serial: serialHex },
      });
      return c.json({
        outcome: 'issued',
        certificate: certDer.toString('base64'),
        chain: [deps.ca.certDer.toString('base64')],
        smartcardId: record.id,
        activationChallenge: record.activationChallenge,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const r = await store.getHandoff(id).catch(() => null);
      if (r && r.usedAt !== null && (r.state === 'pending' || r.state === 'card-read')) {
        await store.updateHandoff(id, { state: 'failed', errorCode: err.code }, ['pending', 'card-read']);
      }
      await audit({ at: clock(), actor: 'app', action: 'smartcard.issue', outcome: 'refused', requestId: id.slice(0, 32), code: err.code });
      return refuse(c, err.code);
    }
  });

  app.post('/api/smartcard/:id/activate', async (c) => {
    const id = c.req.param('id');
    const input = activateInput.safeParse(await c.req.json().catch(() => null));
    const card = await store.getSmartcard(id);
    const now = clock();
    const fail = async (code: 'ERR_PORTAL_BAD_REQUEST' | 'ERR_PORTAL_HANDOFF_NOT_FOUND' | 'ERR_PORTAL_HANDOFF_EXPIRED' | 'ERR_SMARTCARD_VERIFY_FAILED' | 'ERR_SMARTCARD_ALREADY_EXISTS') => {
      await audit({ at: now, actor: 'app', action: 'smartcard.activate', outcome: 'refused', code, detail: { smartcard: id.slice(0, 32) } });
      return refuse(c, code);
    };
    if (!input.success) return fail('ERR_PORTAL_BAD_REQUEST');
    if (!card || card.status !== 'pending') return fail('ERR_PORTAL_HANDOFF_NOT_FOUND');
    if (now - card.createdAt > SMARTCARD_ACTIVATION_TTL_MS) return fail('ERR_PORTAL_HANDOFF_EXPIRED');
    const publicKey = new x509.X509Certificate(Buffer.from(card.certDer, 'base64')).publicKey.rawData;
    const ok = verify(
      'sha256',
      activationMessage(card.id, card.activationChallenge),
      createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }),
      Buffer.from(input.data.signature, 'base64'),
    );
    if (!ok) return fail('ERR_SMARTCARD_VERIFY_FAILED');
    if (!(await store.setSmartcardStatus(id, ['pending'], 'active', now))) return fail('ERR_SMARTCARD_ALREADY_EXISTS');
    await audit({ at: now, actor: `uzi:${card.uziNumber}`, action: 'smartcard.activate', outcome: 'ok', detail: { smartcard: id, ura: card.ura } });
    return c.json({ outcome: 'active' });
  });
}
