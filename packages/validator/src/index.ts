// The ZORG-ID handoff token validator (docs/handoff-protocol.md §5): a library a portal vendor can
// use without the rest of the reference portal. Checks run in the documented order and stop at the
// first failure, which is a ValidatorError with its own ERR_TOKEN_* code.
import { handoffSignedDigest, type HandoffPurpose, type HandoffToken, type Sha256 } from '@zorgid/protocol';
import type { CardType, UziHolder } from '@zorgid/uzi';
import type { ParsedCertificate } from './certificate';
import { createCertificateCache, type CertificateCache } from './certificate-cache';
import { ValidatorError } from './errors';
import { defaultIdentity, type IdentityPort } from './identity';
import { createRevocationChecker, type CrlSource, type OcspConfig, type RevocationChecker } from './revocation';
import { nodeSha256, verifyRs256Digest } from './signature';
import { certRefusal, checkCertificateUse, parseConfigured, parseToken, refuse } from './token-checks';

export { nodeSha256, verifyRs256Digest } from './signature';
export { createRevocationChecker, type CrlSource, type OcspConfig, type OcspQuery, type RevocationStatus } from './revocation';
export { httpOcspQuery, type HttpOcspOptions, type OcspUnknownReason } from './ocsp-http';
export type { ChainInput, IdentityPort } from './identity';
export { parseCertificate, serialToHex, type ParsedCertificate } from './certificate';
export { ValidatorError, isValidatorErrorCode, type ValidatorErrorCode } from './errors';

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

/** Step 8, the portal's own rules (login: an active user bound to this card, …). Throw ValidatorError to refuse. */
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


interface Checks {
  options: ValidatorOptions;
  sha256: Sha256;
  allowed: Record<HandoffPurpose, readonly CardType[]>;
  certs: CertificateCache;
  revocation: RevocationChecker;
}

export function createValidator(options: ValidatorOptions): TokenValidator {
  const anchors = parseConfigured(options.trustAnchors, 'trustAnchors');
  if (anchors.length === 0) throw new Error('validator configuration: at least one trust anchor is required');
  const checks: Checks = {
    options,
    sha256: options.sha256 ?? nodeSha256,
    allowed: { ...DEFAULT_ALLOWED_CARD_TYPES, ...options.allowedCardTypes },
    certs: createCertificateCache({
      identity: options.identity ?? defaultIdentity,
      anchors,
      intermediates: parseConfigured(options.intermediates ?? [], 'intermediates'),
      size: options.chainCacheSize ?? 1000,
    }),
    revocation: createRevocationChecker({ crls: options.crls, reloadAfterMs: options.crlReloadAfterMs, ocsp: options.ocsp, clock: options.clock }),
  };
  return { validate: (input, ctx) => validate(checks, input, ctx), reloadCrls: () => checks.revocation.reload() };
}

/** The request the token answers: purpose, origin, expiry, and single use. */
async function claimRequest(options: ValidatorOptions, token: HandoffToken, ctx: ValidateContext, now: number): Promise<HandoffRequestView> {
  const request = await options.requests.find(ctx.requestId);
  if (!request) return refuse('ERR_TOKEN_REQUEST_UNKNOWN');
  if (token.purpose !== request.purpose) refuse('ERR_TOKEN_PURPOSE_MISMATCH', { token: token.purpose, request: request.purpose });
  if (request.origin !== ctx.origin) refuse('ERR_TOKEN_ORIGIN_MISMATCH');
  // Marking used comes before the expensive checks so that two tokens racing for one request cannot both pass.
  if (now >= request.expiresAt) refuse('ERR_TOKEN_REQUEST_EXPIRED');
  if (request.usedAt !== null || request.cancelled) refuse('ERR_TOKEN_REQUEST_USED');
  if (!(await options.requests.markUsed(request.id, now))) refuse('ERR_TOKEN_REQUEST_USED');
  return request;
}

/** The issuing CA on a verified path through the token's and the configured intermediates. */
async function verifiedIssuer(certs: CertificateCache, cert: ParsedCertificate, token: HandoffToken, at: Date): Promise<ParsedCertificate> {
  let offered: ParsedCertificate[];
  try {
    offered = (token.intermediates ?? []).map(certs.fromBase64);
  } catch (err) {
    return certRefusal(err, 'ERR_TOKEN_CHAIN_INVALID', { reason: 'intermediate does not parse' });
  }
  try {
    return await certs.issuerOf(cert, offered, at);
  } catch (err) {
    const code = err instanceof ValidatorError ? err.code : 'ERR_CERT_CHAIN_INVALID';
    return refuse(code === 'ERR_CERT_UNKNOWN_CA' ? 'ERR_TOKEN_CERT_UNKNOWN_CA' : 'ERR_TOKEN_CHAIN_INVALID', { cause: code });
  }
}

function holderFor(checks: Checks, cert: ParsedCertificate, purpose: HandoffPurpose): UziHolder {
  let holder: UziHolder;
  try {
    holder = checks.certs.holderOf(cert);
  } catch (err) {
    return refuse('ERR_TOKEN_CERT_NOT_UZI', { cause: err instanceof ValidatorError ? err.code : 'unknown' });
  }
  if (!checks.allowed[purpose].includes(holder.cardType)) refuse('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED', { cardType: holder.cardType, purpose });
  return holder;
}

/** handoff-protocol.md §5, in order; the first failure is the answer. */
async function validate(checks: Checks, input: unknown, ctx: ValidateContext): Promise<ValidatedToken> {
  // 1. size, schema, format; 2. the request it answers, claimed once.
  const token = parseToken(input);
  const now = checks.options.clock();
  const request = await claimRequest(checks.options, token, ctx, now);

  // 3. the certificate itself; 4. its UZI holder and pastype.
  let cert: ParsedCertificate;
  try {
    cert = checks.certs.fromBase64(token.certificate);
  } catch (err) {
    return certRefusal(err, 'ERR_TOKEN_CERT_MALFORMED');
  }
  const at = new Date(now);
  checkCertificateUse(cert, at);
  const holder = holderFor(checks, cert, token.purpose);

  // 5. chain to a configured anchor; 6. revocation of the holder certificate. CA certificates are not
  // looked up: the UZI-register publishes CRLs per issuing CA, and a compromised CA is removed from
  // the trust configuration.
  const issuer = await verifiedIssuer(checks.certs, cert, token, at);
  const status = await checks.revocation.status(cert, issuer, at);
  if (status === 'revoked') refuse('ERR_TOKEN_CERT_REVOKED');
  if (status === 'unknown') refuse('ERR_TOKEN_REVOCATION_UNKNOWN');

  // 7. the signature over origin, challenge, purpose and the browser code.
  if (!token.browserCodeHash) return refuse('ERR_TOKEN_BROWSER_CODE_MISSING');
  const signed = handoffSignedDigest(checks.sha256, {
    origin: request.origin,
    challenge: request.challenge,
    purpose: request.purpose,
    // Canonical base64url (step 1), so Node's decoder reads exactly its bytes.
    browserCodeHash: Buffer.from(token.browserCodeHash, 'base64url'),
  });
  if (!verifyRs256Digest(cert.publicKey, signed, Buffer.from(token.signature, 'base64'))) refuse('ERR_TOKEN_SIGNATURE_INVALID');

  // 8. purpose rules: the built-in URA rule, then the portal's own.
  const { der, sha256, serialHex, subject, issuer: issuerName, notBefore, notAfter } = cert;
  const certificate: CertificateFacts = { der, sha256, serialHex, subject, issuer: issuerName, notBefore, notAfter };
  if (request.purpose === 'validate-organisation' && (!request.ura || request.ura !== holder.ura)) {
    refuse('ERR_TOKEN_URA_MISMATCH', { request: request.ura, card: holder.ura });
  }
  await checks.options.purposeRules?.({ purpose: request.purpose, request, holder, certificate });
  return { request, token, holder, certificate, browserCodeHash: token.browserCodeHash };
}
