// Certification path validation for UZI and ZORG-ID certificates: build the path from the leaf to
// one of the configured trust anchors, check every signature and validity period at `at`, and check
// revocation against the CRLs given (trust anchors and CRLs are configuration, never fetched here).
// Reused by the portal's validator.
import { X509Certificate, verify as verifySignature, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, CertificateList, id_ce_basicConstraints } from '@peculiar/asn1-x509';
import type { UziErrorCode } from './errors';
import { UziError } from './errors';
import { firstChildBytes } from './der';
import { parseX509, validityAt } from './uzi-parser';

export interface VerifyChainInput {
  leaf: Uint8Array;
  /** Candidate intermediate CA certificates, any order. */
  intermediates: Uint8Array[];
  /** Trust anchors (self-signed roots or pinned CAs). */
  anchors: Uint8Array[];
  at: Date;
  /** CRLs (DER). A certificate whose issuer has no CRL here is not revocation-checked, unless `requireCrl`. */
  crls?: Uint8Array[];
  /** Every non-anchor certificate must be covered by a valid CRL from its issuer. */
  requireCrl?: boolean;
}

export type VerifyChainResult =
  | { valid: true; /** leaf first, anchor last */ path: Buffer[] }
  | { valid: false; code: UziErrorCode; detail?: Record<string, unknown> };

interface Parsed {
  der: Buffer;
  asn: Certificate;
  node: X509Certificate;
}

const MAX_PATH = 8;

/** Strict DER and the X.509 schema first (parseX509), then OpenSSL's view; only UziError escapes. */
function parse(der: Uint8Array): Parsed {
  const asn = parseX509(der);
  const buf = Buffer.from(der);
  try {
    return { der: buf, asn, node: new X509Certificate(buf) };
  } catch (cause) {
    throw new UziError('ERR_CERT_MALFORMED', { reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}

// OpenSSL gives no subject or issuer text (undefined) for an empty Name.
const nameText = (name: string | undefined): string => (name ?? '').replace(/\n/g, ', ');
const subjectOf = (p: Parsed): string => nameText(p.node.subject);

/** `candidate` names the issuer of `child` (names, key identifiers, keyCertSign) — OpenSSL's X509_check_issued. */
function namesIssuer(candidate: Parsed, child: Parsed): boolean {
  return child.node.checkIssued(candidate.node);
}

function signedBy(child: Parsed, issuer: Parsed): boolean {
  try {
    return child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

function isCa(p: Parsed): { ca: boolean; pathLen: number | undefined } {
  const ext = p.asn.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_basicConstraints);
  if (!ext) return { ca: false, pathLen: undefined };
  try {
    const bc = AsnConvert.parse(ext.extnValue, BasicConstraints);
    return { ca: bc.cA, pathLen: bc.pathLenConstraint };
  } catch (cause) {
    throw new UziError('ERR_CERT_MALFORMED', { reason: 'basicConstraints does not parse', subject: subjectOf(p) }, { cause });
  }
}

const fail = (code: UziErrorCode, detail?: Record<string, unknown>): VerifyChainResult => ({ valid: false, code, ...(detail ? { detail } : {}) });

export async function verifyChain(input: VerifyChainInput): Promise<VerifyChainResult> {
  try {
    return verifyChainSync(input);
  } catch (err) {
    if (err instanceof UziError) return fail(err.code, err.detail);
    throw err;
  }
}

function verifyChainSync(input: VerifyChainInput): VerifyChainResult {
  const leaf = parse(input.leaf);
  const anchors = input.anchors.map(parse);
  const intermediates = input.intermediates.map(parse);

  // Path building: prefer an anchor at every step; an issuer whose name matches but whose signature
  // does not verify is remembered, so a forged or swapped CA reports CHAIN_INVALID, not UNKNOWN_CA.
  const path: Parsed[] = [leaf];
  let anchored = false;
  let badSignature: Parsed | null = null;
  while (!anchored && path.length <= MAX_PATH) {
    const current = path[path.length - 1]!;
    const inPath = (c: Parsed) => path.some((p) => p.der.equals(c.der));
    const anchor = anchors.find((a) => namesIssuer(a, current) && signedBy(current, a));
    if (anchor) {
      if (!inPath(anchor)) path.push(anchor);
      anchored = true;
      break;
    }
    if (anchors.some((a) => a.der.equals(current.der))) {
      anchored = true;
      break;
    }
    for (const c of [...anchors, ...intermediates]) if (namesIssuer(c, current) && !signedBy(current, c)) badSignature = current;
    const next = intermediates.find((c) => !inPath(c) && namesIssuer(c, current) && signedBy(current, c));
    if (!next) break;
    path.push(next);
  }
  if (!anchored) {
    if (badSignature) return fail('ERR_CERT_CHAIN_INVALID', { reason: 'signature does not verify', subject: subjectOf(badSignature) });
    return fail('ERR_CERT_UNKNOWN_CA', { issuer: nameText(path[path.length - 1]!.node.issuer) });
  }

  // Every issuer must be a CA allowed to have this many CAs below it (RFC 5280 §4.2.1.9).
  for (let i = 1; i < path.length; i++) {
    const { ca, pathLen } = isCa(path[i]!);
    const isAnchor = i === path.length - 1;
    if (!ca && !isAnchor) return fail('ERR_CERT_CHAIN_INVALID', { reason: 'issuer is not a CA', subject: subjectOf(path[i]!) });
    if (pathLen !== undefined && i - 1 > pathLen) return fail('ERR_CERT_CHAIN_INVALID', { reason: 'path length exceeded', subject: subjectOf(path[i]!) });
  }

  for (const p of path) {
    const v = validityAt(p.asn, input.at);
    if (v === 'expired') return fail('ERR_CERT_EXPIRED', { subject: subjectOf(p), notAfter: p.asn.tbsCertificate.validity.notAfter.getTime().toISOString() });
    if (v === 'not-yet-valid') return fail('ERR_CERT_NOT_YET_VALID', { subject: subjectOf(p), notBefore: p.asn.tbsCertificate.validity.notBefore.getTime().toISOString() });
  }

  const crls = (input.crls ?? []).map(parseCrl);
  for (let i = 0; i < path.length - 1; i++) {
    const status = revocationStatus(path[i]!, path[i + 1]!, crls, input.at);
    if (status === 'revoked') return fail('ERR_CERT_REVOKED', { subject: subjectOf(path[i]!) });
    if (status === 'unknown' || (status === 'unchecked' && input.requireCrl)) {
      return fail('ERR_CERT_REVOCATION_UNKNOWN', { subject: subjectOf(path[i]!) });
    }
  }
  return { valid: true, path: path.map((p) => p.der) };
}

interface ParsedCrl {
  asn: CertificateList;
  tbs: Uint8Array;
  issuerDer: Buffer;
}

function parseCrl(der: Uint8Array): ParsedCrl {
  try {
    const asn = AsnConvert.parse(der, CertificateList);
    const tbs = firstChildBytes(der);
    if (!tbs) throw new Error('no tbsCertList');
    return { asn, tbs, issuerDer: Buffer.from(AsnConvert.serialize(asn.tbsCertList.issuer)) };
  } catch (cause) {
    throw new UziError('ERR_CERT_REVOCATION_UNKNOWN', { reason: 'CRL does not parse' }, { cause });
  }
}

const HASH_OF_SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

function crlSignedBy(crl: ParsedCrl, issuerKey: KeyObject): boolean {
  const hash = HASH_OF_SIGNATURE[crl.asn.signatureAlgorithm.algorithm];
  if (!hash) return false;
  try {
    return verifySignature(hash, crl.tbs, issuerKey, new Uint8Array(crl.asn.signature));
  } catch {
    return false;
  }
}

function normaliseSerial(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase();
}

/**
 * 'revoked' when a CRL signed by the issuer lists the certificate with a revocation date at or
 * before `at`; 'unknown' when the issuer's CRL is present but unusable (bad signature, stale);
 * 'unchecked' when no CRL of this issuer was given.
 */
function revocationStatus(cert: Parsed, issuer: Parsed, crls: ParsedCrl[], at: Date): 'good' | 'revoked' | 'unknown' | 'unchecked' {
  const issuerName = Buffer.from(AsnConvert.serialize(cert.asn.tbsCertificate.issuer));
  const mine = crls.filter((c) => c.issuerDer.equals(issuerName));
  if (mine.length === 0) return 'unchecked';
  const key = issuer.node.publicKey;
  const serial = normaliseSerial(new Uint8Array(cert.asn.tbsCertificate.serialNumber));
  let usable = false;
  for (const crl of mine) {
    if (!crlSignedBy(crl, key)) continue;
    const next = crl.asn.tbsCertList.nextUpdate?.getTime();
    if (next && next.getTime() < at.getTime()) continue;
    usable = true;
    const entry = crl.asn.tbsCertList.revokedCertificates?.find((r) => normaliseSerial(new Uint8Array(r.userCertificate)) === serial);
    if (entry && entry.revocationDate.getTime().getTime() <= at.getTime()) return 'revoked';
  }
  return usable ? 'good' : 'unknown';
}
