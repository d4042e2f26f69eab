// The reference portal's storage port. Async on purpose: a national deployment swaps the SQLite
// adapter for a server database without touching the routes.
import type { UziHolder } from '@zorgid/uzi';
import type { ErrorCode } from '../errors';
import type { HandoffPurpose } from '@zorgid/protocol';
import type { OidcStore } from './oidc-store';

/** Stored states; "expired" is not stored but derived from expiresAt and the clock. */
export type StoredHandoffState = 'pending' | 'card-read' | 'signed' | 'done' | 'failed' | 'cancelled';
export type HandoffState = StoredHandoffState | 'expired';

export interface HandoffRecord {
  id: string;
  purpose: HandoffPurpose;
  challenge: string;
  origin: string;
  ura: string | null;
  returnUrl: string;
  /** sha256 of the creator's session id (hex): binds the request to one browser. */
  creatorSession: string;
  createdAt: number;
  expiresAt: number;
  state: StoredHandoffState;
  /** When the app fetched the request over the back-channel. */
  fetchedAt: number | null;
  /** When a token was first posted (single use). */
  usedAt: number | null;
  browserCodeHash: string | null;
  holder: UziHolder | null;
  certSha256: string | null;
  errorCode: ErrorCode | null;
  /** Id the app uses to report card removal for the session this handoff opens. */
  cardSessionId: string | null;
  /** When the browser presented bc and the flow finished. */
  completedAt: number | null;
}

export type HandoffPatch = Partial<
  Pick<HandoffRecord, 'state' | 'fetchedAt' | 'browserCodeHash' | 'holder' | 'certSha256' | 'errorCode' | 'cardSessionId' | 'completedAt'>
>;

export interface SessionRecord {
  /** sha256 of the cookie value (hex): a leaked database holds no usable session. */
  id: string;
  kind: 'anonymous' | 'login';
  createdAt: number;
  expiresAt: number;
  holder: UziHolder | null;
  cardSessionId: string | null;
  endedAt: number | null;
  endReason: string | null;
  /** Set for sessions opened by the Mobile App through the login QR. */
  mobileId?: string | null;
}

export interface LoginQrRecord {
  code: string;
  session: string;
  createdAt: number;
  expiresAt: number;
  /** When a Mobile App redeemed it, and which Mobiel ID did. */
  usedAt?: number | null;
  mobileId?: string | null;
  /** The short code the page shows next to the QR and the phone must confirm (six digits); null on QR codes made before it existed. */
  confirmCode?: string | null;
  /** When a confirmation with a wrong code ended it (one wrong code ends the QR: no guessing). */
  voidedAt?: number | null;
}

/** An organisation registration made by the operator (VZVZ) and finished by its first administrator. */
export interface RegistrationRecord {
  ura: string;
  name: string;
  street: string;
  postcode: string;
  city: string;
  status: 'pending' | 'active';
  createdAt: number;
  activatedAt: number | null;
  /** UZI-nummer of the person who finished it. */
  administrator: string | null;
}

/**
 * One run of "Ik wil een organisatie valideren" in one browser; its id is the handoff id. States name
 * the page the administrator is on: handoff (card work in the app) → card-verified (confirm the
 * organisation) → active (existing Mobiel ID), or → birth-date → app-links → code-issued → active
 * (after the Mobile App redeemed the enrolment code).
 */
export type ValidationState = 'handoff' | 'card-verified' | 'birth-date' | 'app-links' | 'code-issued' | 'active';

export interface ValidationRecord {
  id: string;
  ura: string;
  creatorSession: string;
  state: ValidationState;
  holder: UziHolder | null;
  /** ISO date (YYYY-MM-DD) as the administrator typed it. */
  birthDate: string | null;
  /** 'existing' when a Mobiel ID of this holder was found at confirmation. */
  branch: 'existing' | 'new' | null;
  /** The enrolment QR payload, kept only until the app fetched it once over the back-channel. */
  enrolmentPayload: string | null;
  enrolmentExpiresAt: number | null;
  enrolmentDelivered: boolean;
  createdAt: number;
  updatedAt: number;
}

export type ValidationPatch = Partial<
  Pick<ValidationRecord, 'state' | 'holder' | 'birthDate' | 'branch' | 'enrolmentPayload' | 'enrolmentExpiresAt' | 'enrolmentDelivered' | 'updatedAt'>
>;

export type PortalRole = 'Administrator' | 'Beheerder' | 'Gebruiker';

export interface EnrolmentCodeRecord {
  /** SHA-256 of the code (hex): the database never holds a redeemable code. */
  codeHash: string;
  validationId: string | null;
  /**
   * The registered user the code is for (user registration §4, role §5, new certificate §7.6);
   * null for the organisation validation, whose person is created when the code is redeemed.
   */
  personId?: string | null;
  uziNumber: string | null;
  holderName: string;
  ura: string;
  role: PortalRole;
  birthDate: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  voidedAt: number | null;
  voidReason: 'reissued' | 'attempts' | null;
  attempts: number;
}

export interface MobileIdRecord {
  id: string;
  /** The user (ZORG-ID ID) this Mobiel ID — one certificate on one device — belongs to. */
  personId: string;
  uziNumber: string | null;
  name: string;
  birthDate: string;
  /** SubjectPublicKeyInfo DER, base64. */
  publicKeySpki: string;
  keyAlg: 'ES256' | 'RS256';
  status: MobileIdStatus;
  createdAt: number;
  /** Set while blocked (and kept after a revocation, for the record). */
  blockReason?: BlockReason | null;
  blockedAt?: number | null;
  revokedAt?: number | null;
}

export type MobileIdStatus = 'active' | 'blocked' | 'revoked';

/** The fixed list of block reasons (manual §7.4); `apparaat-verloren` is the lost-PIN reason (§9). */
export const BLOCK_REASONS = {
  beveiligingsincident: 'Beveiligingsincident',
  'apparaat-verloren': 'Verlies smartphone / apparaat verloren',
  'inloggegevens-gecompromitteerd': 'Gecompromitteerde inloggegevens',
  vertrouwensbreuk: 'Vertrouwensbreuk',
  'verdachte-activiteit': 'Verdachte activiteit',
} as const;
export type BlockReason = keyof typeof BLOCK_REASONS;

/** A user of ZORG-ID: the identity behind the ZORG-ID ID; national, shared by all its organisations. */
export interface PersonRecord {
  /** The ZORG-ID ID, e.g. ZID-4F2K-9QXM-7D3A. */
  id: string;
  givenName: string | null;
  surname: string | null;
  /** Display name (given name + surname, or the UZI-pas name). */
  name: string;
  birthDate: string;
  /** National attribute (UZI-nummer), untouched by memberships. */
  uziNumber: string | null;
  createdAt: number;
  /** Last use of ZORG-ID (a login); inactive: more than four weeks ago (§7.2). */
  lastUsedAt: number | null;
}

export interface MembershipRecord {
  personId: string;
  ura: string;
  role: PortalRole;
  createdAt: number;
}

/** A local attribute (§7.3): per organisation, removed with the membership. */
export interface AttributeRecord {
  id: number;
  personId: string;
  ura: string;
  type: AttributeType;
  taakcode: string;
  createdAt: number;
}

export const ATTRIBUTE_TYPES = ['taakcode', 'functie', 'afdeling'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** An enrolment QR the desktop app fetches once over the back-channel (handoff purpose enrol-user). */
export interface EnrolmentHandoffRecord {
  handoffId: string;
  personId: string;
  ura: string;
  /** Cleared at the first fetch. */
  payload: string | null;
  codeExpiresAt: number;
  deliveredAt: number | null;
}

export type AttemptOutcome = { attempts: number; voided: boolean };

export interface UserRecord {
  uziNumber: string;
  ura: string;
  status: 'active' | 'blocked';
  certSha256: string | null;
  createdAt: number;
  lastLoginAt: number | null;
}

/**
 * A ZORG-ID Smartcard account (seed 003): one certificate from the portal's Smartcard CA on one card,
 * bound to the employee (UZI-nummer of the UZI-pas that identified them) and organisation (URA).
 * pending → active when the written card signed the activation challenge; a newer creation abandons
 * older pending ones, so a card pulled mid-creation never blocks the next attempt.
 */
export interface SmartcardRecord {
  id: string;
  uziNumber: string;
  ura: string;
  /** The ZORG-ID person, when one exists for this UZI-nummer. */
  personId: string | null;
  name: string;
  certSha256: string;
  /** DER, base64. */
  certDer: string;
  serialHex: string;
  status: SmartcardStatus;
  activationChallenge: string;
  createdAt: number;
  activatedAt: number | null;
  blockReason: BlockReason | null;
  blockedAt: number | null;
  removedAt: number | null;
}

export type SmartcardStatus = 'pending' | 'active' | 'blocked' | 'removed' | 'abandoned';

export interface AuditEntry {
  at: number;
  /** Who: "browser:<session hash prefix>", "app", "uzi:<UZI-nummer>", "system". Never a PIN or secret. */
  actor: string;
  action: string;
  outcome: 'ok' | 'refused' | 'error';
  requestId?: string | null;
  code?: ErrorCode | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord extends Required<AuditEntry> {
  seq: number;
}

/** A page of members: `search` matches the name (case-insensitive part), the ZORG-ID ID or the UZI number; `lastUseBefore` keeps members not seen since then. */
export interface MemberQuery {
  offset: number;
  limit: number;
  search?: string;
  lastUseBefore?: number;
}

export interface PortalStore {
  createHandoff(record: HandoffRecord): Promise<void>;
  getHandoff(id: string): Promise<HandoffRecord | null>;
  /** Compare-and-set: true only for the call that turned an unused, live request into used. On disk with the next write's commit. */
  markHandoffUsed(id: string, at: number): Promise<boolean>;
  /** Applies `patch` only when the stored state is one of `from`; true when it did. */
  updateHandoff(id: string, patch: HandoffPatch, from: readonly StoredHandoffState[]): Promise<boolean>;
  /** A taken token in one transaction: handoff pending/card-read → done, the login's user row, the audit record. False, nothing written, if no longer open. */
  acceptHandoffToken(input: { id: string; done: Required<Pick<HandoffPatch, 'holder' | 'browserCodeHash' | 'certSha256' | 'cardSessionId'>>; user: UserRecord | null; audit: AuditEntry }): Promise<boolean>;

  createSession(record: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  endSession(id: string, at: number, reason: string): Promise<boolean>;
  /** Ends every live login session opened by this card session; returns how many. */
  endSessionsOfCard(cardSessionId: string, at: number, reason: string): Promise<number>;

  createLoginQr(record: LoginQrRecord): Promise<void>;
  getLoginQr(code: string): Promise<LoginQrRecord | null>;

  /** Compare-and-set: true for the one call that redeemed an unused, unvoided, live login QR. */
  markLoginQrUsed(code: string, at: number, mobileId: string): Promise<boolean>;
  /** Ends an unused login QR for good (a wrong confirmation code); true when this call ended it. */
  voidLoginQr(code: string, at: number): Promise<boolean>;
  /** The latest login QR of this browser session that a Mobile App redeemed, if any. */
  findRedeemedLoginQr(session: string): Promise<LoginQrRecord | null>;
  /** The newest login QR of this browser session, redeemed or not. */
  findLatestLoginQr(session: string): Promise<LoginQrRecord | null>;

  /** false when a registration with this URA exists already. */
  createRegistration(record: RegistrationRecord): Promise<boolean>;
  getRegistration(ura: string): Promise<RegistrationRecord | null>;
  listRegistrations(): Promise<RegistrationRecord[]>;

  createValidation(record: ValidationRecord): Promise<void>;
  getValidation(id: string): Promise<ValidationRecord | null>;
  updateValidation(id: string, patch: ValidationPatch, from: readonly ValidationState[]): Promise<boolean>;

  /** Voids every open code of the same person and organisation, then stores this one; returns how many were voided. */
  issueEnrolmentCode(record: EnrolmentCodeRecord, at: number): Promise<number>;
  getEnrolmentCode(codeHash: string): Promise<EnrolmentCodeRecord | null>;
  /** Counts a wrong birth date; the code is voided at `max`. */
  countEnrolmentAttempt(codeHash: string, max: number, at: number): Promise<AttemptOutcome>;
  /**
   * One transaction: the code becomes used (only if open), the Mobiel ID and the membership are
   * stored, the registration turns active and the validation (if any) too. false: the code was not open.
   */
  redeemEnrolment(input: {
    codeHash: string;
    at: number;
    mobileId: MobileIdRecord;
    membership: MembershipRecord;
    validationId: string | null;
    /** A person to create first (organisation validation without an existing user). */
    person?: PersonRecord | null;
  }): Promise<boolean>;
  /** Existing Mobiel ID branch, one transaction: false when the registration was no longer pending. */
  activateOrganisation(input: { ura: string; at: number; administrator: string; membership: MembershipRecord; validationId: string }): Promise<boolean>;

  getMobileId(id: string): Promise<MobileIdRecord | null>;
  /** The active Mobiel ID bound to this UZI-pas holder, if any. */
  findMobileIdByUzi(uziNumber: string): Promise<MobileIdRecord | null>;
  /** For seeding and administration. */
  putMobileId(record: MobileIdRecord): Promise<void>;
  /** Memberships of a user (person id). */
  listMemberships(personId: string): Promise<MembershipRecord[]>;

  // ---- administration (manual §4–§9) ----
  createPerson(person: PersonRecord): Promise<void>;
  getPerson(id: string): Promise<PersonRecord | null>;
  findPersonByUzi(uziNumber: string): Promise<PersonRecord | null>;
  touchPerson(id: string, at: number): Promise<void>;
  listMobileIdsOfPerson(personId: string): Promise<MobileIdRecord[]>;
  getMembership(personId: string, ura: string): Promise<MembershipRecord | null>;
  listMembers(ura: string): Promise<MembershipRecord[]>;
  /** One page of an organisation's members in the order they joined, and how many matched in all. */
  listMembersPage(ura: string, query: MemberQuery): Promise<{ members: MembershipRecord[]; total: number }>;
  /** Insert or change the role. */
  putMembership(m: MembershipRecord): Promise<void>;
  /** Ends the membership and removes its local attributes in one transaction; false if there was none. */
  removeMembership(personId: string, ura: string): Promise<boolean>;
  /** Compare-and-set on every Mobiel ID of the person in state `from`; returns how many changed. */
  setMobileIdStatus(personId: string, from: MobileIdStatus, to: MobileIdStatus, at: number, reason: BlockReason | null): Promise<number>;
  addAttribute(a: Omit<AttributeRecord, 'id'>): Promise<AttributeRecord>;
  listAttributes(personId: string, ura: string): Promise<AttributeRecord[]>;
  /** Open (unused, not voided, not expired at `at`) codes of a person. */
  listOpenCodesOfPerson(personId: string, at: number): Promise<EnrolmentCodeRecord[]>;
  createEnrolmentHandoff(r: EnrolmentHandoffRecord): Promise<void>;
  getEnrolmentHandoff(handoffId: string): Promise<EnrolmentHandoffRecord | null>;
  /** Compare-and-set: hands out the payload once and clears it; null when already taken. */
  takeEnrolmentHandoff(handoffId: string, at: number): Promise<string | null>;
  /** Drops the payload of every enrol-user QR whose request expired or ended unfetched; returns how many. */
  sweepEnrolmentHandoffs(at: number): Promise<number>;

  /**
   * One transaction: false when this UZI-nummer has an active or blocked Smartcard already; otherwise
   * abandons its pending ones and stores `record` (status pending).
   */
  createSmartcard(record: SmartcardRecord): Promise<boolean>;
  /** In one transaction: createSmartcard, its handoff pending/card-read → done, the audit record. 'exists' (a live Smartcard) and 'not-pending' (a cancel won) write nothing. */
  issueSmartcard(input: { record: SmartcardRecord; handoff: { id: string } & Required<Pick<HandoffPatch, 'holder' | 'certSha256' | 'completedAt'>>; audit: AuditEntry }): Promise<'issued' | 'exists' | 'not-pending'>;
  getSmartcard(id: string): Promise<SmartcardRecord | null>;
  findSmartcardByCert(certSha256: string): Promise<SmartcardRecord | null>;
  /** The active or blocked Smartcard of this UZI-nummer, if any. */
  findLiveSmartcardByUzi(uziNumber: string): Promise<SmartcardRecord | null>;
  listSmartcards(ura: string): Promise<SmartcardRecord[]>;
  /** Compare-and-set on one Smartcard; true when it changed. */
  setSmartcardStatus(id: string, from: readonly SmartcardStatus[], to: SmartcardStatus, at: number, reason?: BlockReason | null): Promise<boolean>;
  /** Every removed Smartcard of every organisation (what the Smartcard CA's CRL lists), oldest removal first. */
  listRemovedSmartcards(): Promise<Array<{ serialHex: string; removedAt: number }>>;

  getUser(uziNumber: string): Promise<UserRecord | null>;
  putUser(record: UserRecord): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  listAudit(limit?: number): Promise<AuditRecord[]>;

  /** The OpenID Provider's aggregate (sqlite-oidc.ts). */
  oidc: OidcStore;

  /** Settles once every write made so far is on disk (null: nothing waits); answers wait for it. */
  durable(): Promise<void> | null;
  close(): Promise<void>;
}
