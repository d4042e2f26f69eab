// Certificate → UziHolder, exactly per uzi-domain.md. Every way a certificate fails to be a valid
// UZI certificate has its own error code, so support can tell a damaged file from a foreign card.
import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  KeyUsage,
  KeyUsageFlags,
  Name,
  SubjectAlternativeName,
  id_ce_keyUsage,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import type { CardType, UziHolder } from './holder';
import { UziError } from './errors';
import { requireStrictDer } from './strict-der';
import { readTlv } from './der';
import { UZI_OTHER_NAME_OID, isKnownOidCa } from './uzi-oids';
import { roleLabel } from './uzi-roles';

const OID_GIVEN_NAME = '2.5.4.42';
const OID_SURNAME = '2.5.4.4';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANISATION = '2.5.4.10';
const OID_SERIAL_NUMBER = '2.5.4.5';

const TAG_IA5_STRING = 0x16;
const TAG_SEQUENCE = 0x30;

/** The seven fields of the otherName value, validated. */
export interface UziOtherName {
  oidCa: string;
  version: string;
  uziNumber: string;
  cardType: CardType;
  ura: string;
  roleCode: string;
  agb: string;
}

/**
 * Parses a certificate into the X.509 schema. Bytes that are not strict DER (indefinite or
 * non-minimal lengths, trailing bytes, or an encoding the schema would write differently) are
 * ERR_CERT_NOT_DER; DER that is not a certificate is ERR_CERT_MALFORMED. Nothing else escapes.
 */
export function parseX509(der: Uint8Array): Certificate {
  if (der[0] !== TAG_SEQUENCE) throw new UziError('ERR_CERT_MALFORMED', { reason: 'not a SEQUENCE' });
  requireStrictDer(der);
  let cert: Certificate;
  let reencoded: Uint8Array;
  try {
    cert = AsnConvert.parse(der, Certificate);
    // Reading the times here makes a broken Time CHOICE fail now, not in the first caller.
    cert.tbsCertificate.validity.notBefore.getTime().toISOString();
    cert.tbsCertificate.validity.notAfter.getTime().toISOString();
    reencoded = new Uint8Array(AsnConvert.serialize(cert));
  } catch (cause) {
    throw new UziError('ERR_CERT_MALFORMED', { reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
  // DER has one encoding per value: what the schema writes back must be these very bytes.
  if (!bytesEqual(reencoded, der)) throw new UziError('ERR_CERT_NOT_DER', { reason: 'not-canonical' });
  // Extension values are DER of their own (RFC 5280 §4.1), opaque to the schema above.
  for (const ext of cert.tbsCertificate.extensions ?? []) requireStrictDer(new Uint8Array(ext.extnValue.buffer));
  return cert;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `<OID-CA>-<versie>-<UZI-nummer>-<pastype>-<URA>-<rolcode>-<AGB>`, checked field by field in that order. */
export function parseUziOtherNameValue(value: string): UziOtherName {
  const fields = value.split('-');
  if (fields.length !== 7) throw new UziError('ERR_CERT_UZI_FIELD_COUNT', { fields: fields.length });
  const [oidCa, version, uziNumber, cardType, ura, roleCode, agb] = fields as [string, string, string, string, string, string, string];
  if (version !== '1') throw new UziError('ERR_CERT_UZI_VERSION', { version });
  if (!isKnownOidCa(oidCa)) throw new UziError('ERR_CERT_UZI_OID_CA_UNKNOWN', { oidCa });
  // Current cards have 9 digits, older TEST sets 8 (uzi-domain.md).
  if (!/^\d{8,9}$/.test(uziNumber)) throw new UziError('ERR_CERT_UZI_NUMBER_INVALID', { uziNumber });
  if (!/^[ZNMS]$/.test(cardType)) throw new UziError('ERR_CERT_UZI_CARD_TYPE_INVALID', { cardType });
  if (!/^\d{8}$/.test(ura)) throw new UziError('ERR_CERT_UZI_URA_INVALID', { ura });
  if (!/^\d{2}\.\d{3}$/.test(roleCode)) throw new UziError('ERR_CERT_UZI_ROLE_INVALID', { roleCode });
  if (!/^\d{8}$/.test(agb)) throw new UziError('ERR_CERT_UZI_AGB_INVALID', { agb });
  return { oidCa, version, uziNumber, cardType: cardType as CardType, ura, roleCode, agb };
}

/** The raw otherName 2.5.5.5 string of a parsed certificate (ERR_CERT_NOT_UZI / ERR_CERT_UZI_VALUE_NOT_IA5). */
export function uziOtherNameString(cert: Certificate): string {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) throw new UziError('ERR_CERT_NOT_UZI', { reason: 'no subjectAltName' });
  let san: SubjectAlternativeName;
  try {
    san = AsnConvert.parse(ext.extnValue, SubjectAlternativeName);
  } catch (cause) {
    throw new UziError('ERR_CERT_MALFORMED', { reason: 'subjectAltName does not parse' }, { cause });
  }
  const other = san.find((g) => g.otherName?.typeId === UZI_OTHER_NAME_OID)?.otherName;
  if (!other) throw new UziError('ERR_CERT_NOT_UZI', { reason: 'no otherName 2.5.5.5' });
  // `value` is the content of `[0] EXPLICIT`: it must be exactly one IA5String of ASCII characters.
  const bytes = new Uint8Array(other.value);
  const tlv = readTlv(bytes, 0);
  if (!tlv || tlv.end !== bytes.length) throw new UziError('ERR_CERT_MALFORMED', { reason: 'otherName 2.5.5.5 value does not parse' });
  if (tlv.tag !== TAG_IA5_STRING) throw new UziError('ERR_CERT_UZI_VALUE_NOT_IA5', { tag: tlv.tag });
  const content = bytes.subarray(tlv.contentStart, tlv.end);
  if (content.some((b) => b > 0x7f)) throw new UziError('ERR_CERT_UZI_VALUE_NOT_IA5', { reason: 'non-ASCII byte' });
  return Buffer.from(content).toString('latin1');
}

function nameAttribute(name: Name, oid: string): string | null {
  for (const rdn of name) {
    for (const atv of rdn) {
      if (atv.type === oid) return atv.value.toString();
    }
  }
  return null;
}

/** Reads the UZI holder from an UZI (or ZORG-ID Smartcard) certificate, DER. */
export function parseUziCertificate(der: Uint8Array): UziHolder {
  const cert = parseX509(der);
  const fields = parseUziOtherNameValue(uziOtherNameString(cert));
  const tbs = cert.tbsCertificate;
  return {
    uziNumber: fields.uziNumber,
    cardType: fields.cardType,
    roleCode: fields.roleCode,
    roleLabel: roleLabel(fields.roleCode),
    ura: fields.ura,
    agb: fields.agb,
    oidCa: fields.oidCa,
    version: fields.version,
    givenName: nameAttribute(tbs.subject, OID_GIVEN_NAME),
    surname: nameAttribute(tbs.subject, OID_SURNAME),
    commonName: nameAttribute(tbs.subject, OID_COMMON_NAME),
    organisation: nameAttribute(tbs.subject, OID_ORGANISATION),
    subjectSerialNumber: nameAttribute(tbs.subject, OID_SERIAL_NUMBER),
    notBefore: tbs.validity.notBefore.getTime().toISOString(),
    notAfter: tbs.validity.notAfter.getTime().toISOString(),
  };
}

export type CertificateUsage = 'authentication' | 'signing' | 'encryption' | 'unknown';

/**
 * What a card certificate is for, from its keyUsage: nonRepudiation → signing (never use it for
 * login), digitalSignature → authentication, key/data encipherment → encryption.
 */
export function certificateUsage(der: Uint8Array): CertificateUsage {
  const cert = parseX509(der);
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_keyUsage);
  if (!ext) return 'unknown';
  let flags: number;
  try {
    flags = AsnConvert.parse(ext.extnValue, KeyUsage).toNumber();
  } catch (cause) {
    throw new UziError('ERR_CERT_MALFORMED', { reason: 'keyUsage does not parse' }, { cause });
  }
  if (flags & KeyUsageFlags.nonRepudiation) return 'signing';
  if (flags & KeyUsageFlags.digitalSignature) return 'authentication';
  if (flags & (KeyUsageFlags.keyEncipherment | KeyUsageFlags.dataEncipherment)) return 'encryption';
  return 'unknown';
}

/**
 * Login and validation challenges are signed with the authentication key only, never with the
 * non-repudiation (qualified signature) key (uzi-domain.md).
 */
export function requireAuthenticationCertificate(der: Uint8Array): void {
  const usage = certificateUsage(der);
  if (usage !== 'authentication') throw new UziError('ERR_CERT_KEY_USAGE', { usage });
}

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** Public key size in bits (RSA modulus, EC curve size); null for key types we do not know. */
export function keyBits(der: Uint8Array): number | null {
  const cert = parseX509(der);
  const spki = Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
  try {
    const details = createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails;
    if (details?.modulusLength) return details.modulusLength;
    if (details?.namedCurve) return CURVE_BITS[details.namedCurve] ?? null;
    return null;
  } catch {
    return null;
  }
}

export type Validity = 'valid' | 'expired' | 'not-yet-valid';

/** Validity of a certificate (DER or parsed) at `now`; both bounds inclusive as in RFC 5280. */
export function validityAt(cert: Uint8Array | Certificate, now: Date): Validity {
  const c = cert instanceof Certificate ? cert : parseX509(cert);
  const t = now.getTime();
  if (t < c.tbsCertificate.validity.notBefore.getTime().getTime()) return 'not-yet-valid';
  if (t > c.tbsCertificate.validity.notAfter.getTime().getTime()) return 'expired';
  return 'valid';
}
