// ZORG-ID Smartcard at the portal (seed 003, portal-rules.md "ZORG-ID Smartcard"): the create-smartcard
// purpose rules, the back-channel that certifies a key made on a blank card, activation by the written
// card, the login rule for Smartcard certificates, and block/unblock/remove for administrators.
// Here: the rules and the one implementation of the administration's changes; the routes are in
// routes/smartcard-routes.ts (certify, activate, CRL) and routes/smartcard-admin-routes.ts.
import { createHash } from 'node:crypto';
import { AppError, type ErrorCode } from './errors';
import { authorize, type Actor, type AdminAction } from './admin';
import { blockSchema, confirmSchema } from './admin-input';
import { fieldErrors } from './organisation';
import type { SmartcardCa } from './smartcard-ca';
import { BLOCK_REASONS, type AuditEntry, type PortalStore, type SmartcardRecord, type SmartcardStatus } from './store/store';
import type { PurposeContext } from '@zorgid/validator';

/** A pending Smartcard must be activated within this time after issuance. */
export const SMARTCARD_ACTIVATION_TTL_MS = 10 * 60_000;

/** The browser code a create-smartcard token carries: base64url(SHA-256(CSR DER)). */
export function csrBrowserCode(csrDer: Uint8Array): string {
  return createHash('sha256').update(csrDer).digest().toString('base64url');
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

/** The Smartcard transitions of the administration, with the action `authorize` knows them by. */
export const SMARTCARD_ADMIN_ACTIONS = {
  blokkeren: { action: 'user.block', from: ['active'], to: 'blocked' },
  deblokkeren: { action: 'user.unblock', from: ['blocked'], to: 'active' },
  // Removal frees the person for a new Smartcard (or a Mobiel ID); the certificate is never valid again
  // (the Smartcard CA's CRL lists it from now on).
  verwijderen: { action: 'user.remove', from: ['pending', 'active', 'blocked'], to: 'removed' },
} as const satisfies Record<string, { action: AdminAction; from: readonly SmartcardStatus[]; to: SmartcardStatus }>;
export type SmartcardAdminOp = keyof typeof SMARTCARD_ADMIN_ACTIONS;

export const isAdminOp = (op: string): op is SmartcardAdminOp => Object.hasOwn(SMARTCARD_ADMIN_ACTIONS, op);

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

/** A Smartcard account as the JSON API shows it. */
export const smartcardWire = (r: SmartcardRecord) => ({
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
