// The ZORG-ID handoff token validator (docs/handoff-protocol.md §5): a library a portal vendor can
// use without the rest of the reference portal. Checks run in the documented order and stop at the
// first failure, which is an AppError with its own ERR_TOKEN_* code.
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import type { CardType, UziHolder } from '../../src/shared/domain';
import { AppError, type ErrorCode } from '../../src/shared/errors';
import {
  HANDOFF_TOKEN_FORMAT,
  HANDOFF_TOKEN_MAX_BYTES,
  HANDOFF_TOKEN_MIN_BYTES,
  fromBase64Url,
  handoffSignedDigest,
  handoffTokenSchema,
  isCanonicalBase64,
  isCanonicalBase64Url,
  type HandoffPurpose,
  type HandoffToken,
  type Sha256,
} from '../../src/shared/handoff-token';
import { parseCertificate, type ParsedCertificate } from './certificate';
import { createCertificateCache } from './certificate-cache';
import { defaultIdentity, type IdentityPort } from './identity';
import { createRevocationChecker, type CrlSource, type OcspConfig, type RevocationChecker } from './revocation';
import { nodeSha256, verifyRs256Digest } from './signature';

export { nodeSha256, verifyRs256Digest } from './signature';
export { createRevocationChecker, type CrlSource, type OcspConfig, type OcspQuery, type RevocationStatus } from './revocation';
export { httpOcspQuery, type HttpOcspOptions, type OcspUnknownReason } from './ocsp-http';
export type { ChainInput, IdentityPort } from './identity';
export { parseCertificate, type ParsedCertificate } from './certificate';

/** A handoff request as the validator needs to see it (the portal's storage maps onto this). */
export interface HandoffRequestView {
  id: string;
  purpose: HandoffPurpose;
  challenge: string;
  origin: string;
  ura: string | null;
  /** epoch ms */
  expiresAt: number;
  /** epoch ms of first use, null while unused. */
  usedAt: number | null;
  /** Cancelled by the person in the app: counts as used. */
  cancelled?: boolean;
}

/** The port to the portal's handoff requests. `markUsed` must be atomic (compare-and-set). */
export interface HandoffRequestPort {
  find(id: string): Promise<HandoffRequestView | null> | HandoffRequestView | null;
  /** true when this call turned the request from unused into used; false when it was used already. */
  markUsed(id: string, at: number): Promise<boolean> | boolean;
}

export interface CertificateFacts {
  der: Uint8Array;
  /** SHA-256 of the DER, hex: the certificate binding a portal stores for a user. */
  sha256: string;
  serialHex: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export interface PurposeContext {
  purpose: HandoffPurpose;
  request: HandoffRequestView;
  holder: UziHolder;
  certificate: CertificateFacts;
}

/** Step 8, the portal's own rules (login: an active user bound to this card, …). Throw AppError to refuse. */
export type PurposeRules = (ctx: PurposeContext) => Promise<void> | void;

export interface ValidatorOptions {
  /** DER (or PEM) of the trust anchors: configuration, never fetched at run time. */
  trustAnchors: Array<Uint8Array | string>;
  /** Intermediates the portal knows besides those in the token. */
  intermediates?: Array<Uint8Array | string>;
  crls: CrlSource | Uint8Array[];
  /** Reload CRLs from their source after this long. Default 1 hour. */
  crlReloadAfterMs?: number;
  ocsp?: OcspConfig;
  /** epoch ms */
  clock: () => number;
  requests: HandoffRequestPort;
  /** Pastypes allowed per purpose; defaults below (uzi-domain.md: validation only Z or N). */
  allowedCardTypes?: Partial<Record<HandoffPurpose, readonly CardType[]>>;
  purposeRules?: PurposeRules;
  /** Verified chains and parsed holders remembered (by certificate); 0 disables. Default 1000. */
  chainCacheSize?: number;
  /** Certificate parsing and chain building; default: the app's own identity code. */
  identity?: IdentityPort;
  sha256?: Sha256;
}

export interface ValidateContext {
  requestId: string;
  /** This portal's own origin; a request made for another origin is refused. */
  origin: string;
}

export interface ValidatedToken {
  request: HandoffRequestView;
  token: HandoffToken;
  holder: UziHolder;
  certificate: CertificateFacts;
  /** base64url(SHA-256(bc)), for the portal's browser-code check. */
  browserCodeHash: string;
}

export interface TokenValidator {
  validate(token: unknown, ctx: ValidateContext): Promise<ValidatedToken>;
  /** Drops cached CRLs (after new ones were published). */
  reloadCrls(): void;
}

export const DEFAULT_ALLOWED_CARD_TYPES: Record<HandoffPurpose, readonly CardType[]> = {
  login: ['Z', 'N', 'M'],
  'validate-organisation': ['Z', 'N'],
  'create-smartcard': ['Z', 'N'],
  'enrol-user': ['Z', 'N'],
};

const refuse = (code: ErrorCode, detail?: Record<string, unknown>): never => {
  throw new AppError(code, detail);
};

function toDer(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const body = input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

function parseConfigured(list: Array<Uint8Array | string>, what: string): ParsedCertificate[] {
  return list.map((item, i) => {
    try {
      return parseCertificate(toDer(item));
    } catch (cause) {
      throw new Error(`validator configuration: ${what}[${i}] is not a certificate`, { cause });
    }
  });
}

/** The byte length the size rule applies to: the JSON as posted. */
function sizeOf(token: unknown): number {
  if (typeof token === 'string') return Buffer.byteLength(token, 'utf8');
  if (token instanceof Uint8Array) return token.length;
  try {
    return Buffer.byteLength(JSON.stringify(token) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function asJson(token: unknown): unknown {
  if (typeof token !== 'string' && !(token instanceof Uint8Array)) return token;
  try {
    return JSON.parse(typeof token === 'string' ? token : Buffer.from(token).toString('utf8'));
  } catch {
    return refuse('ERR_TOKEN_SCHEMA', { reason: 'not JSON' });
  }
}

/** The base64 fields must each be the one text of their bytes (the certificate cache is keyed by text). */
function nonCanonicalField(token: HandoffToken): string | null {
  if (token.browserCodeHash !== undefined && !isCanonicalBase64Url(token.browserCodeHash)) return 'browserCodeHash';
  if (!isCanonicalBase64(token.certificate)) return 'certificate';
  const i = (token.intermediates ?? []).findIndex((c) => !isCanonicalBase64(c));
  if (i !== -1) return `intermediates[${i}]`;
  if (!isCanonicalBase64(token.signature)) return 'signature';
  return null;
}

/** A certificate that failed to parse: not DER has its own code, anything else is `otherwise`. */
const certRefusal = (err: unknown, otherwise: ErrorCode, detail: Record<string, unknown> = {}): never =>
  refuse(err instanceof AppError && err.code === 'ERR_CERT_NOT_DER' ? 'ERR_TOKEN_CERT_NOT_DER' : otherwise, {
    ...detail,
    cause: err instanceof AppError ? err.code : 'unknown',
  });

const hasKeyUsage = (cert: ParsedCertificate, flag: KeyUsageFlags): boolean => cert.keyUsage !== null && (cert.keyUsage & flag) === flag;

/** Step 1 up to the request: size, schema, format and canonical base64. */
function parseToken(input: unknown): HandoffToken {
  const size = sizeOf(input);
  if (size < HANDOFF_TOKEN_MIN_BYTES || size > HANDOFF_TOKEN_MAX_BYTES) refuse('ERR_TOKEN_SIZE', { size });
  const parsed = handoffTokenSchema.safeParse(asJson(input));
  if (!parsed.success) {
    refuse('ERR_TOKEN_SCHEMA', { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  const token = parsed.data as HandoffToken;
  if (token.format !== HANDOFF_TOKEN_FORMAT) refuse('ERR_TOKEN_FORMAT_UNKNOWN', { format: token.format.slice(0, 64) });
  const notCanonical = nonCanonicalField(token);
  if (notCanonical) refuse('ERR_TOKEN_NOT_CANONICAL', { field: notCanonical });
  return token;
}

const factsOf = (cert: ParsedCertificate): CertificateFacts => ({
  der: cert.der,
  sha256: cert.sha256,
  serialHex: cert.serialHex,
  subject: cert.subject,
  issuer: cert.issuer,
  notBefore: cert.notBefore,
  notAfter: cert.notAfter,
});

export function createValidator(options: ValidatorOptions): TokenValidator {
  const sha256 = options.sha256 ?? nodeSha256;
  const identity = options.identity ?? defaultIdentity;
  const anchors = parseConfigured(options.trustAnchors, 'trustAnchors');
  const configuredIntermediates = parseConfigured(options.intermediates ?? [], 'intermediates');
  const allowed = { ...DEFAULT_ALLOWED_CARD_TYPES, ...options.allowedCardTypes };
  const revocation: RevocationChecker = createRevocationChecker({
    crls: options.crls,
    reloadAfterMs: options.crlReloadAfterMs,
    ocsp: options.ocsp,
    clock: options.clock,
  });
  if (anchors.length === 0) throw new Error('validator configuration: at least one trust anchor is required');
  const anchorDers = anchors.map((a) => a.der);
  const { parsedFromBase64, chainIssuer, holderOf } = createCertificateCache({
    identity,
    anchorDers,
    configuredIntermediates,
    chainCacheSize: options.chainCacheSize ?? 1000,
  });

  async function validate(input: unknown, ctx: ValidateContext): Promise<ValidatedToken> {
    // 1. size, schema, format, then the request the token answers.
    const token = parseToken(input);

    const request = await options.requests.find(ctx.requestId);
    if (!request) return refuse('ERR_TOKEN_REQUEST_UNKNOWN');
    if (token.purpose !== request.purpose) refuse('ERR_TOKEN_PURPOSE_MISMATCH', { token: token.purpose, request: request.purpose });
    if (request.origin !== ctx.origin) refuse('ERR_TOKEN_ORIGIN_MISMATCH');

    // 2. expiry and single use; marking used comes before the expensive checks so that two tokens
    // racing for one request cannot both pass.
    const now = options.clock();
    if (now >= request.expiresAt) refuse('ERR_TOKEN_REQUEST_EXPIRED');
    if (request.usedAt !== null || request.cancelled) refuse('ERR_TOKEN_REQUEST_USED');
    if (!(await options.requests.markUsed(request.id, now))) refuse('ERR_TOKEN_REQUEST_USED');

    // 3. the certificate itself.
    let cert: ParsedCertificate;
    try {
      cert = parsedFromBase64(token.certificate);
    } catch (err) {
      return certRefusal(err, 'ERR_TOKEN_CERT_MALFORMED');
    }
    const at = new Date(now);
    if (at < cert.notBefore) refuse('ERR_TOKEN_CERT_NOT_YET_VALID', { notBefore: cert.notBefore.toISOString() });
    if (at > cert.notAfter) refuse('ERR_TOKEN_CERT_EXPIRED', { notAfter: cert.notAfter.toISOString() });
    // The authentication key only: a non-repudiation (qualified signing) key must never sign a login.
    if (!hasKeyUsage(cert, KeyUsageFlags.digitalSignature) || hasKeyUsage(cert, KeyUsageFlags.nonRepudiation)) {
      refuse('ERR_TOKEN_CERT_KEY_USAGE');
    }

    // 4. UZI holder and pastype.
    let holder: UziHolder;
    try {
      holder = holderOf(cert);
    } catch (err) {
      return refuse('ERR_TOKEN_CERT_NOT_UZI', { cause: err instanceof AppError ? err.code : 'unknown' });
    }
    if (!allowed[token.purpose].includes(holder.cardType)) {
      refuse('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED', { cardType: holder.cardType, purpose: token.purpose });
    }

    // 5. chain to a configured anchor, through the token's and the configured intermediates.
    let fromToken: ParsedCertificate[];
    try {
      fromToken = (token.intermediates ?? []).map(parsedFromBase64);
    } catch (err) {
      return certRefusal(err, 'ERR_TOKEN_CHAIN_INVALID', { reason: 'intermediate does not parse' });
    }
    let issuer: ParsedCertificate;
    try {
      issuer = await chainIssuer(cert, fromToken, at);
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'ERR_CERT_CHAIN_INVALID';
      return refuse(code === 'ERR_CERT_UNKNOWN_CA' ? 'ERR_TOKEN_CERT_UNKNOWN_CA' : 'ERR_TOKEN_CHAIN_INVALID', { cause: code });
    }

    // 6. revocation of the holder certificate. CA certificates are not looked up: the UZI-register
    // publishes CRLs per issuing CA, and a compromised CA is removed from the trust configuration.
    const status = await revocation.status(cert, issuer, at);
    if (status === 'revoked') refuse('ERR_TOKEN_CERT_REVOKED');
    if (status === 'unknown') refuse('ERR_TOKEN_REVOCATION_UNKNOWN');

    // 7. the signature over origin, challenge, purpose and the browser code.
    if (!token.browserCodeHash) return refuse('ERR_TOKEN_BROWSER_CODE_MISSING');
    const signed = handoffSignedDigest(sha256, {
      origin: request.origin,
      challenge: request.challenge,
      purpose: request.purpose,
      browserCodeHash: fromBase64Url(token.browserCodeHash),
    });
    if (!verifyRs256Digest(cert.publicKey, signed, Buffer.from(token.signature, 'base64'))) refuse('ERR_TOKEN_SIGNATURE_INVALID');

    // 8. purpose rules: the built-in URA rule, then the portal's own.
    const certificate = factsOf(cert);
    if (request.purpose === 'validate-organisation' && (!request.ura || request.ura !== holder.ura)) {
      refuse('ERR_TOKEN_URA_MISMATCH', { request: request.ura, card: holder.ura });
    }
    await options.purposeRules?.({ purpose: request.purpose, request, holder, certificate });

    return { request, token, holder, certificate, browserCodeHash: token.browserCodeHash };
  }

  return { validate, reloadCrls: () => revocation.reload() };
}
