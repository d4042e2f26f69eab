// One certificate as the validator needs it. Crypto and validity come from node:crypto; the few
// fields Node does not expose (raw names, serial bytes, keyUsage bits) are read with a DER walk,
// because a full @peculiar/asn1-schema parse costs several milliseconds per certificate and this
// runs for every token. What counts as a certificate at all is decided once, by the app's parseX509
// (strict DER, byte-exact re-encoding): two parsers of one format must not disagree (issue 15).
import { X509Certificate as NodeX509Certificate, createHash, verify, type KeyObject } from 'node:crypto';
import { readTlv, type Tlv } from '@zorgid/uzi';
import { parseX509 } from '@zorgid/uzi';
import { ValidatorError } from './errors';

export interface ParsedCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, hex. */
  sha256: string;
  /** Lower-case hex, no leading zero bytes. */
  serialHex: string;
  subject: string;
  issuer: string;
  /** DER of the subject / issuer Name, hex: names are matched byte for byte. */
  subjectKey: string;
  issuerKey: string;
  notBefore: Date;
  notAfter: Date;
  /** KeyUsage bits numbered as asn1-x509 KeyUsageFlags (digitalSignature 1, nonRepudiation 2, …); null without the extension. */
  keyUsage: number | null;
  isCa: boolean;
  publicKey: KeyObject;
}

const OID_KEY_USAGE = Buffer.from([0x55, 0x1d, 0x0f]); // 2.5.29.15

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function serialToHex(serial: Uint8Array): string {
  let i = 0;
  while (i < serial.length - 1 && serial[i] === 0) i++;
  return hex(serial.subarray(i));
}

function need(t: Tlv | null, tag?: number): Tlv {
  if (!t || (tag !== undefined && t.tag !== tag)) throw new Error('certificate DER does not have the expected structure');
  return t;
}

/** KeyUsage BIT STRING → flags: bit 0 (0x80 of the first byte) is digitalSignature = 1, and so on. */
function keyUsageFlags(bits: Uint8Array): number {
  let flags = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bits[1 + (i >> 3)] ?? 0;
    if (byte & (0x80 >> (i & 7))) flags |= 1 << i;
  }
  return flags;
}

function readKeyUsage(der: Uint8Array, extensions: Tlv): number | null {
  const list = need(readTlv(der, extensions.contentStart), 0x30);
  for (let at = list.contentStart; at < list.end; ) {
    const ext = need(readTlv(der, at), 0x30);
    const oid = need(readTlv(der, ext.contentStart), 0x06);
    if (Buffer.from(der.subarray(oid.contentStart, oid.end)).equals(OID_KEY_USAGE)) {
      let next = need(readTlv(der, oid.end));
      if (next.tag === 0x01) next = need(readTlv(der, next.end)); // critical
      const value = need(next, 0x04);
      const bitString = need(readTlv(der, value.contentStart), 0x03);
      return keyUsageFlags(der.subarray(bitString.contentStart, bitString.end));
    }
    at = ext.end;
  }
  return null;
}

/** The raw issuer Name of a CRL (DER hex), to match certificates byte for byte. Throws ValidatorError only. */
export function crlIssuerKey(crlDer: Uint8Array): string {
  try {
    const list = need(readTlv(crlDer, 0), 0x30);
    const tbs = need(readTlv(crlDer, list.contentStart), 0x30);
    let el = need(readTlv(crlDer, tbs.contentStart));
    if (el.tag === 0x02) el = need(readTlv(crlDer, el.end)); // version
    const signatureAlg = need(el, 0x30);
    const issuer = need(readTlv(crlDer, signatureAlg.end), 0x30);
    return hex(crlDer.subarray(signatureAlg.end, issuer.end));
  } catch (cause) {
    throw new ValidatorError('ERR_CERT_REVOCATION_UNKNOWN', { reason: 'CRL does not parse' }, { cause });
  }
}

/**
 * Throws ValidatorError on anything that is not a DER X.509 certificate: ERR_CERT_NOT_DER for bytes that
 * are not strict DER, ERR_CERT_MALFORMED for the rest.
 */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const der = new Uint8Array(input);
  parseX509(der);
  try {
    return readCertificate(der);
  } catch (cause) {
    throw new ValidatorError('ERR_CERT_MALFORMED', { reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}

function readCertificate(der: Uint8Array): ParsedCertificate {
  const node = new NodeX509Certificate(der);
  const cert = need(readTlv(der, 0), 0x30);
  const tbs = need(readTlv(der, cert.contentStart), 0x30);
  let el = need(readTlv(der, tbs.contentStart));
  if (el.tag === 0xa0) el = need(readTlv(der, el.end)); // [0] version
  const serial = need(el, 0x02);
  const signatureAlg = need(readTlv(der, serial.end), 0x30);
  const issuer = need(readTlv(der, signatureAlg.end), 0x30);
  const validity = need(readTlv(der, issuer.end), 0x30);
  const subject = need(readTlv(der, validity.end), 0x30);
  const spki = need(readTlv(der, subject.end), 0x30);
  let keyUsage: number | null = null;
  for (let at = spki.end; at < tbs.end; ) {
    const t = need(readTlv(der, at));
    if (t.tag === 0xa3) keyUsage = readKeyUsage(der, t);
    at = t.end;
  }
  return {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    serialHex: serialToHex(der.subarray(serial.contentStart, serial.end)),
    // OpenSSL gives no text (undefined) for an empty Name.
    subject: (node.subject ?? '').replace(/\n/g, ', '),
    issuer: (node.issuer ?? '').replace(/\n/g, ', '),
    subjectKey: hex(der.subarray(validity.end, subject.end)),
    issuerKey: hex(der.subarray(signatureAlg.end, issuer.end)),
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    keyUsage,
    isCa: node.ca,
    publicKey: node.publicKey,
  };
}

const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/** Verifies an RSA PKCS#1 v1.5 signature made by `issuerKey` over `tbs` (a CRL's signed part). */
export function signatureVerifies(signed: { tbs: Uint8Array; signature: Uint8Array; signatureAlgorithm: string }, issuerKey: KeyObject): boolean {
  const hash = SIGNATURE_HASHES[signed.signatureAlgorithm];
  if (!hash) return false;
  try {
    return verify(hash, signed.tbs, issuerKey, signed.signature);
  } catch {
    return false;
  }
}
