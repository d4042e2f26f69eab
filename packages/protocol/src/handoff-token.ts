// The wire format of the handoff (docs/handoff-protocol.md): the request the app fetches from the
// portal, the token it posts back, and the one digest both sides compute. Pure: no I/O, no Node
// imports. Hashing is passed in (`Sha256`), so the app, the portal and any other tool run exactly this
// code; Node callers pass `(d) => createHash('sha256').update(d).digest()` (@zorgid/validator exports it
// as `nodeSha256`).
import { z } from 'zod';

export const HANDOFF_PROTOCOL_VERSION = 'zorgid-handoff/1';
export const HANDOFF_TOKEN_FORMAT = 'zorgid-auth:1';
export const HANDOFF_TOKEN_ALGORITHM = 'RS256';

export const HANDOFF_PURPOSES = ['login', 'validate-organisation', 'create-smartcard', 'enrol-user'] as const;
export type HandoffPurpose = (typeof HANDOFF_PURPOSES)[number];

/** Token size bounds in bytes of the posted JSON (handoff-protocol.md §5 step 1). */
export const HANDOFF_TOKEN_MIN_BYTES = 100;
export const HANDOFF_TOKEN_MAX_BYTES = 10_000;

export type Sha256 = (data: Uint8Array) => Uint8Array;

const base64url = (min: number, max: number) =>
  z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+$/, 'base64url');
const base64 = (min: number, max: number) =>
  z.string().min(min).max(max).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');

/** What `GET {portal}/api/handoff/{id}` answers (the app's back-channel fetch). */
export const handoffRequestSchema = z.strictObject({
  protocol: z.literal(HANDOFF_PROTOCOL_VERSION),
  // 128-bit random id, base64url without padding: 22 characters.
  id: base64url(22, 22),
  purpose: z.enum(HANDOFF_PURPOSES),
  // 32 random bytes, base64url: 43 characters.
  challenge: base64url(43, 43),
  origin: z.string().min(1).max(255),
  ura: z.string().regex(/^\d{8}$/).optional(),
  /** ISO 8601 */
  expiresAt: z.iso.datetime(),
  returnUrl: z.string().min(1).max(1000),
});
export type HandoffRequest = z.infer<typeof handoffRequestSchema>;

/**
 * The token the app posts to `POST {portal}/api/handoff/{id}/token` (the request body is this object
 * as JSON, nothing around it). Unknown fields are refused: a vendor must not be able to smuggle data.
 */
export const handoffTokenSchema = z.strictObject({
  // Any string here; the validator refuses unknown formats with their own code.
  format: z.string().min(1).max(64),
  purpose: z.enum(HANDOFF_PURPOSES),
  algorithm: z.literal(HANDOFF_TOKEN_ALGORITHM),
  // base64url(SHA-256(bc)): 32 bytes → 43 characters. Optional in the schema so that a missing hash
  // gets its own error code (ERR_TOKEN_BROWSER_CODE_MISSING) instead of a generic schema error.
  browserCodeHash: base64url(43, 43).optional(),
  certificate: base64(100, 6000),
  intermediates: z.array(base64(100, 6000)).max(4).optional(),
  // RSA-2048 (344 chars) up to RSA-4096 (684 chars).
  signature: base64(100, 700),
  appVersion: z.string().min(1).max(64),
});
export type HandoffToken = z.infer<typeof handoffTokenSchema>;

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256 of the browser code `bc` exactly as it appears in the 303 URL (its base64url text, UTF-8). */
export function hashBrowserCode(sha256: Sha256, browserCode: string): Uint8Array {
  return sha256(utf8(browserCode));
}

export interface SignedDigestInput {
  /** The portal origin as in the request, e.g. "https://portal.example" (UTF-8 text). */
  origin: string;
  /** The request's challenge, its base64url text (UTF-8), not the decoded bytes. */
  challenge: string;
  purpose: HandoffPurpose;
  /** SHA-256(bc), 32 bytes: the app computes it from bc, the portal decodes it from the token. */
  browserCodeHash: Uint8Array;
}

/**
 * `signed = SHA-256( SHA-256(origin) || SHA-256(challenge) || SHA-256(purpose) || SHA-256(bc) )`.
 * Hashing every part first gives fixed-length fields, so no two inputs concatenate alike.
 */
export function handoffSignedDigest(sha256: Sha256, input: SignedDigestInput): Uint8Array {
  if (input.browserCodeHash.length !== 32) throw new RangeError('browserCodeHash must be 32 bytes');
  return sha256(
    concatBytes([sha256(utf8(input.origin)), sha256(utf8(input.challenge)), sha256(utf8(input.purpose)), input.browserCodeHash]),
  );
}

/** DER prefix of DigestInfo{ sha256, NULL } (RFC 8017 §9.2 note 1). */
export const SHA256_DIGEST_INFO_PREFIX = Uint8Array.of(
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
);

/**
 * What a card signs with raw CKM_RSA_PKCS: DigestInfo(SHA-256, signed). RS256 here means
 * RSASSA-PKCS1-v1_5 with `signed` as the SHA-256 hash value — it is NOT hashed once more, so the
 * card never needs CKM_SHA256_RSA_PKCS (which not every UZI-pas middleware offers).
 */
export function digestInfoFor(signed: Uint8Array): Uint8Array {
  if (signed.length !== 32) throw new RangeError('signed digest must be 32 bytes');
  return concatBytes([SHA256_DIGEST_INFO_PREFIX, signed]);
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * True when `text` is the one padded base64 text of its bytes (RFC 4648 §4, §3.5): alphabet only,
 * padding exactly as long as needed, padding bits zero. Decoders ignore those bits and forgive
 * missing padding, so without this one set of bytes has several texts (and cache or audit keys).
 */
export function isCanonicalBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && hasCanonicalPadding(text);
}

/**
 * The half of isCanonicalBase64 after the alphabet: for a text already known to be base64 characters
 * with at most two trailing `=` (handoffTokenSchema checks that), padding as long as needed and its
 * bits zero. The validator calls this after the schema, so a 2 KB certificate is scanned once, not twice.
 */
export function hasCanonicalPadding(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  // Decoding and encoding again would say the same; checking the one character before the padding
  // is enough, and keeps a 2 KB certificate from costing a round trip through strings.
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return pad === 0 || unusedBitsZero(text, text.length - pad - 1, pad === 2 ? 0x0f : 0x03);
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The last data character's bits that no byte uses (`mask`) must be zero (RFC 4648 §3.5). */
function unusedBitsZero(text: string, at: number, mask: number, alphabet = B64_ALPHABET): boolean {
  const value = alphabet.indexOf(text[at]!);
  return value >= 0 && (value & mask) === 0;
}

/** True when `text` is the one unpadded base64url text of its bytes (RFC 4648 §5), padding bits zero. */
export function isCanonicalBase64Url(text: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(text) && hasCanonicalUrlPadding(text);
}

/** The half of isCanonicalBase64Url after the alphabet (see hasCanonicalPadding). */
export function hasCanonicalUrlPadding(text: string): boolean {
  if (text.length % 4 === 1) return false;
  // Unpadded: 2 or 3 characters in the last group carry 1 or 2 bytes and leave 4 or 2 bits unused.
  const rest = text.length % 4;
  return rest === 0 || unusedBitsZero(text, text.length - 1, rest === 2 ? 0x0f : 0x03, B64URL_ALPHABET);
}

export interface BuildTokenInput {
  purpose: HandoffPurpose;
  browserCodeHash: Uint8Array;
  /** DER of the authentication certificate. */
  certificate: Uint8Array;
  intermediates?: Uint8Array[];
  /** The PKCS#1 v1.5 signature over digestInfoFor(signed). */
  signature: Uint8Array;
  appVersion: string;
}

export function buildHandoffToken(input: BuildTokenInput): HandoffToken {
  return {
    format: HANDOFF_TOKEN_FORMAT,
    purpose: input.purpose,
    algorithm: HANDOFF_TOKEN_ALGORITHM,
    browserCodeHash: toBase64Url(input.browserCodeHash),
    certificate: toBase64(input.certificate),
    ...(input.intermediates && input.intermediates.length > 0 ? { intermediates: input.intermediates.map(toBase64) } : {}),
    signature: toBase64(input.signature),
    appVersion: input.appVersion,
  };
}
