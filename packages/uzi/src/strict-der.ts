// The one strict-DER check (X.690 §10) run on certificate bytes before anything parses or trusts them.
// BER allows many encodings of one value; a certificate re-encoded that way keeps its signature (the
// outer signatureAlgorithm is not signed) but changes its bytes, and so its fingerprint, cache key or
// pin. Pure: no Node imports, shared by the certificate parser here and the validator.
import { UziError, type UziErrorCode } from './errors';

export type DerViolation =
  | 'truncated'
  | 'indefinite-length'
  | 'non-minimal-length'
  | 'length-too-long'
  | 'high-tag-number'
  | 'end-of-contents'
  | 'wrong-form'
  | 'trailing-bytes'
  | 'too-deep'
  | 'empty';

export interface DerProblem {
  reason: DerViolation;
  /** Offset of the element where the rule is broken. */
  offset: number;
}

// Certificates nest about 10 levels; the bound keeps hostile input from recursing without end.
const MAX_DEPTH = 32;
// Four length bytes reach 4 GiB; anything we read is far smaller.
const MAX_LENGTH_BYTES = 4;

const UNIVERSAL = 0x00;
const CONSTRUCTED = 0x20;
const TAG_SEQUENCE = 0x10;
const TAG_SET = 0x11;

/**
 * The first DER rule `bytes` breaks, or null when it is exactly one strict-DER element: definite
 * minimal lengths, low tag numbers, every child inside its parent,
 * constructed only for SEQUENCE and SET among the universal types,
 * and nothing after the last byte.
 */
export function derProblem(bytes: Uint8Array): DerProblem | null {
  if (bytes.length === 0) return { reason: 'empty', offset: 0 };
  const problem = walk(bytes, 0, bytes.length, 0, true);
  return typeof problem === 'number' ? null : problem;
}

/** Walks the elements in [start, end); a number is the end offset when all of them are strict DER. */
function walk(bytes: Uint8Array, start: number, end: number, depth: number, single: boolean): DerProblem | number {
  if (depth > MAX_DEPTH) return { reason: 'too-deep', offset: start };
  let at = start;
  while (at < end) {
    const element = header(bytes, at, end);
    if ('reason' in element) return element;
    if (element.constructed) {
      const inner = walk(bytes, element.contentStart, element.end, depth + 1, false);
      if (typeof inner !== 'number') return inner;
    }
    at = element.end;
    if (single && at !== end) return { reason: 'trailing-bytes', offset: at };
  }
  return at;
}

interface Header {
  constructed: boolean;
  contentStart: number;
  end: number;
}

function header(bytes: Uint8Array, at: number, end: number): Header | DerProblem {
  if (at + 2 > end) return { reason: 'truncated', offset: at };
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) return { reason: 'high-tag-number', offset: at };
  if (tag === 0x00) return { reason: 'end-of-contents', offset: at };
  const constructed = (tag & CONSTRUCTED) !== 0;
  // DER encodes strings primitive (X.690 §10.2); SEQUENCE and SET are the constructed universals.
  if ((tag & 0xc0) === UNIVERSAL) {
    const number = tag & 0x1f;
    if (constructed !== (number === TAG_SEQUENCE || number === TAG_SET)) return { reason: 'wrong-form', offset: at };
  }
  const first = bytes[at + 1]!;
  let pos = at + 2;
  let len = first;
  if (first === 0x80) return { reason: 'indefinite-length', offset: at };
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > MAX_LENGTH_BYTES) return { reason: 'length-too-long', offset: at };
    if (pos + n > end) return { reason: 'truncated', offset: at };
    // Minimal (X.690 §10.1): no leading zero byte, and the long form only from 128 on.
    if (bytes[pos] === 0x00) return { reason: 'non-minimal-length', offset: at };
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[pos + i]!;
    if (len < 0x80) return { reason: 'non-minimal-length', offset: at };
    pos += n;
  }
  if (pos + len > end) return { reason: 'truncated', offset: at };
  return { constructed, contentStart: pos, end: pos + len };
}

// Breaking these leaves valid BER: the same value written another way, as a re-encoding attack does.
// The other rules are broken by damaged bytes (truncated, trailing, nonsense tags).
const BER_ONLY: ReadonlySet<DerViolation> = new Set(['indefinite-length', 'non-minimal-length', 'wrong-form']);

/**
 * Throws UziError when `bytes` (a certificate, an extension value) is not one strict-DER element:
 * ERR_CERT_NOT_DER when it is valid BER written the non-DER way, ERR_CERT_MALFORMED when damaged.
 */
export function requireStrictDer(bytes: Uint8Array): void {
  const problem = derProblem(bytes);
  if (!problem) return;
  const code: UziErrorCode = BER_ONLY.has(problem.reason) ? 'ERR_CERT_NOT_DER' : 'ERR_CERT_MALFORMED';
  throw new UziError(code, { reason: problem.reason, offset: problem.offset });
}
