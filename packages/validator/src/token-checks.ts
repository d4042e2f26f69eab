// The validator's checks that need nothing but the token: size, JSON, schema, format, canonical
// base64, and what a parsed certificate may be used for.
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import {
  HANDOFF_TOKEN_FORMAT,
  HANDOFF_TOKEN_MAX_BYTES,
  HANDOFF_TOKEN_MIN_BYTES,
  handoffTokenSchema,
  hasCanonicalPadding,
  hasCanonicalUrlPadding,
  type HandoffToken,
} from '@zorgid/protocol';
import { parseCertificate, type ParsedCertificate } from './certificate';
import { ValidatorError, type ValidatorErrorCode } from './errors';

export const refuse = (code: ValidatorErrorCode, detail?: Record<string, unknown>): never => {
  throw new ValidatorError(code, detail);
};

function toDer(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const body = input.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

export function parseConfigured(list: Array<Uint8Array | string>, what: string): ParsedCertificate[] {
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

/**
 * The base64 fields must each be the one text of their bytes (the certificate cache is keyed by text).
 * Only for a token that passed handoffTokenSchema: its regexes have checked the alphabets already.
 */
function nonCanonicalField(token: HandoffToken): string | null {
  if (token.browserCodeHash !== undefined && !hasCanonicalUrlPadding(token.browserCodeHash)) return 'browserCodeHash';
  if (!hasCanonicalPadding(token.certificate)) return 'certificate';
  const i = (token.intermediates ?? []).findIndex((c) => !hasCanonicalPadding(c));
  if (i !== -1) return `intermediates[${i}]`;
  if (!hasCanonicalPadding(token.signature)) return 'signature';
  return null;
}

/** A certificate that failed to parse: not DER has its own code, anything else is `otherwise`. */
export const certRefusal = (err: unknown, otherwise: ValidatorErrorCode, detail: Record<string, unknown> = {}): never =>
  refuse(err instanceof ValidatorError && err.code === 'ERR_CERT_NOT_DER' ? 'ERR_TOKEN_CERT_NOT_DER' : otherwise, {
    ...detail,
    cause: err instanceof ValidatorError ? err.code : 'unknown',
  });

const hasKeyUsage = (cert: ParsedCertificate, flag: KeyUsageFlags): boolean => cert.keyUsage !== null && (cert.keyUsage & flag) === flag;


/** Step 1 of §5: size, JSON, schema, format and canonical base64, in that order. */
export function parseToken(input: unknown): HandoffToken {
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

/** Step 3 of §5: validity at `at`, and the authentication key only (never a non-repudiation key). */
export function checkCertificateUse(cert: ParsedCertificate, at: Date): void {
  if (at < cert.notBefore) refuse('ERR_TOKEN_CERT_NOT_YET_VALID', { notBefore: cert.notBefore.toISOString() });
  if (at > cert.notAfter) refuse('ERR_TOKEN_CERT_EXPIRED', { notAfter: cert.notAfter.toISOString() });
  if (!hasKeyUsage(cert, KeyUsageFlags.digitalSignature) || hasKeyUsage(cert, KeyUsageFlags.nonRepudiation)) {
    refuse('ERR_TOKEN_CERT_KEY_USAGE');
  }
}
