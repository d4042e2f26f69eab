// The audit record and its hash chain. Pure: no SQLite here, so the same rules can be checked on an
// exported log. What may be in a record is a closed list of short, typed fields: a PIN, a challenge,
// a certificate or any other secret has no field to go in, and an unknown field is refused.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
import { HANDOFF_PURPOSES } from '@zorgid/protocol';

export const AUDIT_OUTCOMES = ['started', 'ok', 'refused', 'failed', 'cancelled'] as const;

// A run of 40+ base64/base64url/hex characters is what a challenge, a key or a certificate looks like;
// no legitimate free-text field (a reader name) contains one.
const SECRET_LIKE = /[A-Za-z0-9+/_=-]{40,}/;

const slug = (max: number) => z.string().min(1).max(max).regex(/^[a-z][a-z0-9.-]*$/, 'lower-case slug');

export const AuditEntrySchema = z.strictObject({
  /** ms since epoch, from the injected clock */
  at: z.number().int().nonnegative(),
  /** The flow the step belongs to: "login", "validate-organisation", "loopback", "settings", … */
  flow: slug(40),
  /** "navigate", "request-fetched", "card-read", "pin", "signed", "token-posted", … */
  step: slug(64),
  outcome: z.enum(AUDIT_OUTCOMES),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).optional(),
  // PC/SC reader names are printable text ("Virtual PCD 00 00"); nothing else.
  reader: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x20-\x7e]+$/, 'printable ASCII')
    .refine((s) => !SECRET_LIKE.test(s), 'looks like a secret')
    .optional(),
  /** A portal origin, e.g. "https://portaal.example" — an origin, not a URL with a path or query. */
  portal: z
    .string()
    .max(255)
    .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'origin')
    .optional(),
  purpose: z.enum(HANDOFF_PURPOSES).optional(),
  /** SHA-256 (hex) of the handoff request id: the id itself is a live capability until it expires. */
  requestIdHash: z.string().regex(/^[0-9a-f]{64}$/, 'sha-256 hex').optional(),
  /** UZI-nummer: digits only (uzi-domain.md). */
  uziNumber: z.string().regex(/^\d{1,12}$/).optional(),
  /** URA: 8 digits. */
  ura: z.string().regex(/^\d{8}$/).optional(),
});

export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** A stored record: the entry plus its place in the chain (part of what is hashed, so renumbering shows). */
export interface AuditRecord extends AuditEntry {
  seq: number;
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashRequestId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * Canonical JSON of a record: keys sorted, no whitespace, absent fields left out. Records only hold
 * strings and integers, so this is RFC 8785 (JCS) for the values that can occur.
 */
export function canonicalJson(record: AuditRecord): string {
  const entries = Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** hash = SHA-256( prevHash (32 raw bytes) || UTF-8 canonical JSON ), as lower-case hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical, 'utf8').digest('hex');
}
