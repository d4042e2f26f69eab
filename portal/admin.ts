// Portal administration (manual §4–§9, portal-rules.md): roles per organisation, the one
// authorisation check every administration route goes through, and the operations
// themselves as plain async functions over the store. The input rules are in admin-input.ts; routes
// (routes/admin-routes.ts) only parse, call and render.
import { createHash } from 'node:crypto';
import type { ErrorCode } from './errors';
import type {
  AttributeRecord,
  BlockReason,
  EnrolmentCodeRecord,
  MembershipRecord,
  MobileIdRecord,
  PersonRecord,
  PortalRole,
  PortalStore,
} from './store/store';
import { ENROLMENT_TTL_MS } from './organisation';
import { newZorgIdId } from './zorg-id';

export const PORTAL_ROLES: readonly PortalRole[] = ['Administrator', 'Beheerder', 'Gebruiker'];

/** No use of ZORG-ID for more than four weeks (§7.2). */
export const INACTIVE_AFTER_MS = 28 * 24 * 60 * 60_000;

export const ADMIN_ACTIONS = [
  'users.list',
  'users.inactive',
  'user.view',
  'user.register',
  'user.add-existing',
  'user.role',
  'user.attributes',
  'user.block',
  'user.unblock',
  'user.revoke',
  'user.new-certificate',
  'user.remove',
  'user.lost-pin',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/**
 * Who may do what in an organisation (manual §2, 003, 004). Beheerders manage zorgmedewerkers
 * (role Gebruiker) only; roles, attributes and the inactive list are the administrator's (§2).
 * Block/unblock, revoke and a new certificate are "administrator of beheerder" in §7.5, §7.6 and §9.2.
 * Anything not listed here is refused: deny by default.
 */
export const POLICY: Record<AdminAction, readonly PortalRole[]> = {
  'users.list': ['Administrator', 'Beheerder'],
  'users.inactive': ['Administrator'],
  'user.view': ['Administrator', 'Beheerder'],
  'user.register': ['Administrator', 'Beheerder'],
  'user.add-existing': ['Administrator', 'Beheerder'],
  'user.role': ['Administrator'],
  'user.attributes': ['Administrator'],
  'user.block': ['Administrator', 'Beheerder'],
  'user.unblock': ['Administrator', 'Beheerder'],
  'user.revoke': ['Administrator', 'Beheerder'],
  'user.new-certificate': ['Administrator', 'Beheerder'],
  'user.remove': ['Administrator', 'Beheerder'],
  'user.lost-pin': ['Administrator', 'Beheerder'],
};

/** Actions on one user where a beheerder may only touch zorgmedewerkers (role Gebruiker). */
const MANAGES_TARGET: ReadonlySet<AdminAction> = new Set(['user.block', 'user.unblock', 'user.revoke', 'user.new-certificate', 'user.remove', 'user.lost-pin']);

/**
 * Actions whose effect reaches beyond the acting organisation (issue 15 item 1): blocking,
 * unblocking and revoking are national (the person's Mobiel ID, §7.4, §7.5), and a new
 * certificate or a role QR puts a device in the person's hands, and a device acts for the person in
 * every organisation. So when the target is also a member elsewhere, the actor must hold, in each of
 * those organisations too, a role that may do the action to that membership. Removing a membership
 * and local attributes stay inside the acting organisation and need no such check.
 */
export const REACHES_OTHER_ORGANISATIONS: ReadonlySet<AdminAction> = new Set(['user.block', 'user.unblock', 'user.revoke', 'user.new-certificate', 'user.role']);

/** The logged-in person behind a session (a Mobiel ID login), with every membership. */
export interface Actor {
  personId: string;
  mobileId: string;
  name: string;
  memberships: MembershipRecord[];
}

/**
 * The one authorisation check. `target` is the membership of the user acted on, in the same
 * organisation, when the action has one. null: allowed.
 */
export function authorize(
  actor: Actor | null,
  action: AdminAction,
  ura: string,
  target: MembershipRecord | null = null,
  targetMemberships: readonly MembershipRecord[] = [],
): ErrorCode | null {
  if (!actor) return 'ERR_ADMIN_LOGIN_REQUIRED';
  const denied = roleRefusal(actor, action, ura, target);
  if (denied) return denied;
  if (target && REACHES_OTHER_ORGANISATIONS.has(action)) {
    for (const elsewhere of targetMemberships) {
      if (elsewhere.ura === ura || elsewhere.personId !== target.personId) continue;
      if (roleRefusal(actor, action, elsewhere.ura, elsewhere)) return 'ERR_ADMIN_OTHER_ORGANISATION';
    }
  }
  return null;
}

function roleRefusal(actor: Actor, action: AdminAction, ura: string, target: MembershipRecord | null): ErrorCode | null {
  const role = actor.memberships.find((m) => m.ura === ura)?.role;
  if (!role || !POLICY[action].includes(role)) return 'ERR_ADMIN_FORBIDDEN';
  if (role === 'Beheerder' && target && target.role !== 'Gebruiker' && MANAGES_TARGET.has(action)) return 'ERR_ADMIN_FORBIDDEN';
  return null;
}

/** Organisations where the actor may do `action` (for forms with an organisation choice). */
export function allowedOrganisations(actor: Actor, action: AdminAction): string[] {
  return actor.memberships.filter((m) => POLICY[action].includes(m.role)).map((m) => m.ura);
}

// ---- state of a user -----------------------------------------------------------------------------

/** What the overview shows: derived from the user's Mobiel IDs (a block is on the ID, §7.4). */
export type UserStatus = 'actief' | 'geblokkeerd' | 'ingetrokken' | 'wacht-op-activatie';

export function userStatus(mobileIds: readonly MobileIdRecord[]): UserStatus {
  if (mobileIds.some((m) => m.status === 'blocked')) return 'geblokkeerd';
  if (mobileIds.some((m) => m.status === 'active')) return 'actief';
  if (mobileIds.some((m) => m.status === 'revoked')) return 'ingetrokken';
  return 'wacht-op-activatie';
}

export interface UserView {
  person: PersonRecord;
  membership: MembershipRecord;
  status: UserStatus;
  inactive: boolean;
  mobileIds: MobileIdRecord[];
  attributes: AttributeRecord[];
  openCode: { expiresAt: number } | null;
  blockReason: BlockReason | null;
}

export interface AdminDeps {
  store: PortalStore;
  clock: () => number;
  rng: (bytes: number) => Uint8Array;
  origin: () => string;
}

export async function userView(deps: AdminDeps, membership: MembershipRecord): Promise<UserView> {
  const { store } = deps;
  const now = deps.clock();
  const person = (await store.getPerson(membership.personId))!;
  const mobileIds = await store.listMobileIdsOfPerson(person.id);
  const open = await store.listOpenCodesOfPerson(person.id, now);
  const lastUse = person.lastUsedAt ?? membership.createdAt;
  return {
    person,
    membership,
    status: userStatus(mobileIds),
    inactive: now - lastUse > INACTIVE_AFTER_MS,
    mobileIds,
    attributes: await store.listAttributes(person.id, membership.ura),
    openCode: open.length ? { expiresAt: open[open.length - 1]!.expiresAt } : null,
    blockReason: mobileIds.find((m) => m.status === 'blocked')?.blockReason ?? null,
  };
}

/** Users per page of the administration's list (manual §5); the store pages, so the cost is one page. */
export const USERS_PAGE_SIZE = 50;

export interface UserPage {
  users: UserView[];
  /** 1-based */
  page: number;
  pageSize: number;
  total: number;
}

/** One page of an organisation's users, optionally only the inactive ones or those matching `search`. */
export async function listUsers(deps: AdminDeps, ura: string, query: { onlyInactive: boolean; search?: string; page?: number }): Promise<UserPage> {
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const { members, total } = await deps.store.listMembersPage(ura, {
    offset: (page - 1) * USERS_PAGE_SIZE,
    limit: USERS_PAGE_SIZE,
    ...(query.search ? { search: query.search } : {}),
    ...(query.onlyInactive ? { lastUseBefore: deps.clock() - INACTIVE_AFTER_MS } : {}),
  });
  return { users: await Promise.all(members.map((m) => userView(deps, m))), page, pageSize: USERS_PAGE_SIZE, total };
}

// ---- operations ----------------------------------------------------------------------------------

export type Refusal = { ok: false; code: ErrorCode; status: 400 | 403 | 404 | 409; fields?: Record<string, string> };
export type Done<T> = { ok: true } & T;

const refusal = (code: ErrorCode, status: Refusal['status'], fields?: Record<string, string>): Refusal => ({ ok: false, code, status, ...(fields ? { fields } : {}) });

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export interface IssuedCode {
  payload: string;
  expiresAt: number;
  voided: number;
}

/** A new enrolment QR for a registered user (10 days, once); the user's previous open code is void. */
export async function issueUserCode(deps: AdminDeps, person: PersonRecord, ura: string, role: PortalRole): Promise<IssuedCode> {
  const now = deps.clock();
  const code = b64url(deps.rng(18));
  const expiresAt = now + ENROLMENT_TTL_MS;
  const record: EnrolmentCodeRecord = {
    codeHash: sha256Hex(code),
    validationId: null,
    personId: person.id,
    uziNumber: person.uziNumber,
    holderName: person.name,
    ura,
    role,
    birthDate: person.birthDate,
    createdAt: now,
    expiresAt,
    usedAt: null,
    voidedAt: null,
    voidReason: null,
    attempts: 0,
  };
  const voided = await deps.store.issueEnrolmentCode(record, now);
  return { payload: `zorgid://enrol?portal=${encodeURIComponent(deps.origin())}&code=${code}`, expiresAt, voided };
}

/** §4: a new user with role Gebruiker and an enrolment QR. */
export async function registerUser(
  deps: AdminDeps,
  input: { ura: string; givenName: string; surname: string; birthDate: string },
): Promise<Done<{ person: PersonRecord; code: IssuedCode }>> {
  const now = deps.clock();
  const person: PersonRecord = {
    id: newZorgIdId(deps.rng),
    givenName: input.givenName,
    surname: input.surname,
    name: `${input.givenName} ${input.surname}`,
    birthDate: input.birthDate,
    uziNumber: null,
    createdAt: now,
    lastUsedAt: null,
  };
  await deps.store.createPerson(person);
  await deps.store.putMembership({ personId: person.id, ura: input.ura, role: 'Gebruiker', createdAt: now });
  return { ok: true, person, code: await issueUserCode(deps, person, input.ura, 'Gebruiker') };
}

/** Administrators of `ura` whose Mobiel ID is not blocked or revoked, other than `except`. */
async function otherUsableAdministrators(deps: AdminDeps, ura: string, except: string): Promise<number> {
  let n = 0;
  for (const m of await deps.store.listMembers(ura)) {
    if (m.role !== 'Administrator' || m.personId === except) continue;
    const ids = await deps.store.listMobileIdsOfPerson(m.personId);
    if (ids.some((i) => i.status === 'active')) n++;
  }
  return n;
}

/** Whether the person is the only administrator of any of its organisations (blocking is national). */
async function onlyAdministratorSomewhere(deps: AdminDeps, personId: string): Promise<string | null> {
  for (const m of await deps.store.listMemberships(personId)) {
    if (m.role === 'Administrator' && (await otherUsableAdministrators(deps, m.ura, personId)) === 0) return m.ura;
  }
  return null;
}

/** §7.4: block every usable Mobiel ID of the user, nationally, with a reason from the list. */
export async function blockUser(deps: AdminDeps, personId: string, reason: BlockReason): Promise<Done<{ blocked: number }> | Refusal> {
  const ids = await deps.store.listMobileIdsOfPerson(personId);
  if (ids.some((i) => i.status === 'blocked') && !ids.some((i) => i.status === 'active')) return refusal('ERR_ADMIN_ALREADY_BLOCKED', 409);
  if (!ids.some((i) => i.status === 'active')) return refusal('ERR_ADMIN_NO_MOBILE_ID', 409);
  if (await onlyAdministratorSomewhere(deps, personId)) return refusal('ERR_ADMIN_ONLY_ADMINISTRATOR', 409);
  const blocked = await deps.store.setMobileIdStatus(personId, 'active', 'blocked', deps.clock(), reason);
  return { ok: true, blocked };
}

/** §7.4.2 "Activeren": the blocked IDs become usable again (revoked ones never do). */
export async function unblockUser(deps: AdminDeps, personId: string): Promise<Done<{ unblocked: number }> | Refusal> {
  const unblocked = await deps.store.setMobileIdStatus(personId, 'blocked', 'active', deps.clock(), null);
  if (unblocked === 0) return refusal('ERR_ADMIN_NOT_BLOCKED', 409);
  return { ok: true, unblocked };
}

/** §7.5: only a blocked user's certificate, and for good. */
export async function revokeCertificate(deps: AdminDeps, personId: string): Promise<Done<{ revoked: number }> | Refusal> {
  const revoked = await deps.store.setMobileIdStatus(personId, 'blocked', 'revoked', deps.clock(), null);
  if (revoked === 0) return refusal('ERR_ADMIN_NOT_BLOCKED', 409);
  return { ok: true, revoked };
}

/** §7.6: a new certificate → a new QR (10 days); refused while a blocked ID waits for its revocation or an ID is active. */
export async function newCertificate(deps: AdminDeps, membership: MembershipRecord): Promise<Done<{ person: PersonRecord; code: IssuedCode }> | Refusal> {
  const ids = await deps.store.listMobileIdsOfPerson(membership.personId);
  if (ids.some((i) => i.status === 'blocked')) return refusal('ERR_ADMIN_USER_BLOCKED', 409);
  // A second device next to a live one is how an ID changes hands unnoticed: block and revoke first (§9.2).
  if (ids.some((i) => i.status === 'active')) return refusal('ERR_ADMIN_DEVICE_ACTIVE', 409);
  const person = (await deps.store.getPerson(membership.personId))!;
  return { ok: true, person, code: await issueUserCode(deps, person, membership.ura, membership.role) };
}

/** §5: an administrator sets the user's role in this organisation; a new QR (10 days) goes to the user. */
export async function assignRole(deps: AdminDeps, membership: MembershipRecord, role: PortalRole): Promise<Done<{ person: PersonRecord; code: IssuedCode }> | Refusal> {
  if (membership.role === 'Administrator' && role !== 'Administrator' && (await otherUsableAdministrators(deps, membership.ura, membership.personId)) === 0) {
    return refusal('ERR_ADMIN_ONLY_ADMINISTRATOR', 409);
  }
  const ids = await deps.store.listMobileIdsOfPerson(membership.personId);
  if (ids.some((i) => i.status === 'blocked')) return refusal('ERR_ADMIN_USER_BLOCKED', 409);
  await deps.store.putMembership({ ...membership, role });
  const person = (await deps.store.getPerson(membership.personId))!;
  return { ok: true, person, code: await issueUserCode(deps, person, membership.ura, role) };
}

/** §7.3: a local attribute of this organisation. */
export async function addAttribute(deps: AdminDeps, membership: MembershipRecord, input: { type: AttributeRecord['type']; taakcode: string }): Promise<Done<{ attribute: AttributeRecord }>> {
  const attribute = await deps.store.addAttribute({ personId: membership.personId, ura: membership.ura, type: input.type, taakcode: input.taakcode, createdAt: deps.clock() });
  return { ok: true, attribute };
}

/** §8.1: ZORG-ID ID and birth date must belong to the same user; national attributes stay as they are. */
export async function addExistingUser(deps: AdminDeps, input: { ura: string; zorgIdId: string; birthDate: string }): Promise<Done<{ person: PersonRecord; membership: MembershipRecord }> | Refusal> {
  const person = await deps.store.getPerson(input.zorgIdId);
  // One answer for "no such ID" and "wrong birth date": the form must not confirm that an ID exists.
  if (!person || person.birthDate !== input.birthDate) return refusal('ERR_ADMIN_MEMBER_MISMATCH', 400, { zorgIdId: 'De ZORG-ID ID en de geboortedatum horen niet bij dezelfde gebruiker.' });
  if (await deps.store.getMembership(person.id, input.ura)) return refusal('ERR_ADMIN_MEMBER_EXISTS', 409, { zorgIdId: 'Deze gebruiker is al lid van deze organisatie.' });
  const membership: MembershipRecord = { personId: person.id, ura: input.ura, role: 'Gebruiker', createdAt: deps.clock() };
  await deps.store.putMembership(membership);
  return { ok: true, person, membership };
}

/** §8.2: the membership ends and its local attributes go; the user and national attributes stay. */
export async function removeMembership(deps: AdminDeps, membership: MembershipRecord): Promise<Done<{ attributesRemoved: number }> | Refusal> {
  if (membership.role === 'Administrator' && (await otherUsableAdministrators(deps, membership.ura, membership.personId)) === 0) {
    return refusal('ERR_ADMIN_ONLY_ADMINISTRATOR', 409);
  }
  const attributes = await deps.store.listAttributes(membership.personId, membership.ura);
  if (!(await deps.store.removeMembership(membership.personId, membership.ura))) return refusal('ERR_ADMIN_USER_NOT_FOUND', 404);
  return { ok: true, attributesRemoved: attributes.length };
}

/** The lost-PIN flow (§9.2) is three ordinary steps; this says which one the user is at. */
export type LostPinStep = 'block' | 'revoke' | 'new-certificate' | 'done';

export function lostPinStep(view: UserView): LostPinStep {
  if (view.status === 'actief') return 'block';
  if (view.status === 'geblokkeerd') return 'revoke';
  return view.openCode ? 'done' : 'new-certificate';
}
