// Building blocks of the card lab's TEST PKI: names, extensions and signing, shaped like the real
// UZI-register certificates (see /work/shared/design/uzi-domain.md). Exported so parser tests can
// build their own odd certificates (UTF8String otherName, versie 2, unknown OID-CA, server cert)
// with the lab's CA keys instead of hand-edited blobs.
import './reflect-shim';
import { webcrypto, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  GeneralName,
  Name as AsnName,
  OtherName,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { HmacDrbg } from './drbg';

type CryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export const OID = {
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationIdentifier: '2.5.4.97',
  title: '2.5.4.12',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  serialNumber: '2.5.4.5',
  commonName: '2.5.4.3',
  uziOtherName: '2.5.5.5',
  msUpn: '1.3.6.1.4.1.311.20.2.3',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  qcCompliance: '0.4.0.1862.1.1',
  qcSscd: '0.4.0.1862.1.4',
  ekuClientAuth: '1.3.6.1.5.5.7.3.2',
  ekuEmailProtection: '1.3.6.1.5.5.7.3.4',
  ekuServerAuth: '1.3.6.1.5.5.7.3.1',
  // Microsoft Document Signing EKU, present on real UZI authentication certificates (uzi-domain.md).
  ekuMsDocumentSigning: '1.3.6.1.4.1.311.10.3.12',
  /** TEST OID-CA of the UZI-register (uzi-domain.md). */
  testOidCa: '2.16.528.1.1007.99.217',
  /** TEST certificate policies: authentication / signing / encryption (uzi-domain.md). */
  testPolicyAuth: '2.16.528.1.1007.99.211',
  testPolicySign: '2.16.528.1.1007.99.212',
  testPolicyEnc: '2.16.528.1.1007.99.213',
} as const;

type StringKind = 'printable' | 'utf8';
export type DnPart = readonly [oid: string, value: string, kind?: StringKind];

/** A DN in the order given (the UZI layout is order-sensitive: C, O, title, SN, GN, serialNumber, CN). */
export function distinguishedName(parts: readonly DnPart[]): x509.Name {
  const asn = new AsnName(
    parts.map(([type, value, kind]) => {
      const atv = new AttributeTypeAndValue({ type });
      const k = kind ?? (type === OID.countryName || type === OID.serialNumber ? 'printable' : 'utf8');
      if (k === 'printable') atv.value.printableString = value;
      else atv.value.utf8String = value;
      return new RelativeDistinguishedName([atv]);
    }),
  );
  return new x509.Name(AsnConvert.serialize(asn));
}

/** CA subject in the CIBG style: C=NL, O=CIBG, organizationIdentifier=NTRNL-50000535, CN=… */
export function caName(commonName: string, organisation = 'CIBG', orgId = 'NTRNL-50000535'): x509.Name {
  return distinguishedName([
    [OID.countryName, 'NL'],
    [OID.organizationName, organisation],
    [OID.organizationIdentifier, orgId],
    [OID.commonName, commonName],
  ]);
}

export interface UziOtherNameSpec {
  /** The full `<OID-CA>-<versie>-<UZI-nummer>-<pastype>-<URA>-<rolcode>-<AGB>` string (or anything, for bad cards). */
  value: string;
  /** Real certificates use IA5String; 'utf8' exists to prove the parser refuses it. */
  encoding?: 'ia5' | 'utf8';
}

const TAG_SEQUENCE = 0x30;
const TAG_OID = 0x06;
const TAG_UTF8_STRING = 0x0c;
const TAG_IA5_STRING = 0x16;

/** Minimal DER TLV; enough for the few hand-built values (strings, OIDs, sequences) below. */
export function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([header, content]);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return Buffer.from(out);
}

function arrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

function otherName(typeId: string, valueDer: ArrayBuffer): GeneralName {
  return new GeneralName({ otherName: new OtherName({ typeId, value: valueDer }) });
}

export function subjectAltNameExtension(uzi: UziOtherNameSpec | null, upn: string | null): x509.Extension {
  const names: GeneralName[] = [];
  if (uzi) {
    const tag = uzi.encoding === 'utf8' ? TAG_UTF8_STRING : TAG_IA5_STRING;
    names.push(otherName(OID.uziOtherName, arrayBuffer(tlv(tag, Buffer.from(uzi.value, 'utf8')))));
  }
  if (upn) names.push(otherName(OID.msUpn, arrayBuffer(tlv(TAG_UTF8_STRING, Buffer.from(upn, 'utf8')))));
  return new x509.Extension(id_ce_subjectAltName, false, AsnConvert.serialize(new SubjectAlternativeName(names)));
}

/** qcStatements with QcCompliance and QcSSCD, as on the non-repudiation certificate of an UZI-pas. */
export function qcStatementsExtension(): x509.Extension {
  const statements = [OID.qcCompliance, OID.qcSscd].map((oid) => tlv(TAG_SEQUENCE, tlv(TAG_OID, encodeOid(oid))));
  return new x509.Extension(OID.qcStatements, false, tlv(TAG_SEQUENCE, Buffer.concat(statements)));
}

/** Positive 16-byte serial, a pure function of seed and name; high bits fixed so the DER length never varies. */
export function serialFor(seed: string, name: string): string {
  const bytes = new HmacDrbg(`serial/${seed}/${name}`).bytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

export interface IssuerKey {
  name: x509.Name;
  /** SPKI DER of the issuer's public key (for the authority key identifier). */
  spkiDer: Buffer;
  signingKey: CryptoKey;
}

export async function importSigningKey(pkcs8Der: Buffer): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8Der, RSA_SHA256, false, ['sign']) as Promise<CryptoKey>;
}

export interface CertificateSpec {
  issuer: IssuerKey;
  subject: x509.Name;
  subjectSpkiDer: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
}

/** Signs a certificate; RSASSA-PKCS1-v1_5 is deterministic, so equal inputs give equal DER. */
export async function issueCertificate(spec: CertificateSpec): Promise<Buffer> {
  const ski = keyIdentifier(spec.subjectSpkiDer);
  const aki = keyIdentifier(spec.issuer.spkiDer);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serialHex,
    subject: spec.subject,
    issuer: spec.issuer.name,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: spec.subjectSpkiDer,
    signingKey: spec.issuer.signingKey,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      ...spec.extensions,
      new x509.SubjectKeyIdentifierExtension(ski),
      new x509.AuthorityKeyIdentifierExtension(aki),
    ],
  });
  return Buffer.from(cert.rawData);
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spkiDer: Buffer): string {
  const asn = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(asn.subjectPublicKey)).digest('hex');
}

export function caExtensions(opts: { pathLength?: number; policies?: string[]; crlUrl?: string }): x509.Extension[] {
  const ext: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, opts.pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  if (opts.policies?.length) ext.push(new x509.CertificatePolicyExtension(opts.policies));
  if (opts.crlUrl) ext.push(new x509.CRLDistributionPointsExtension([opts.crlUrl]));
  return ext;
}

export type HolderCertUsage = 'authentication' | 'signing' | 'encryption' | 'server';

/** Key usage, EKU and policy per certificate kind (uzi-domain.md "Keys, usages, policies"). */
export function holderExtensions(opts: {
  usage: HolderCertUsage;
  uzi: UziOtherNameSpec | null;
  upn?: string | null;
  policy: string;
  crlUrl: string;
  ocspUrl?: string;
}): x509.Extension[] {
  const ext: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  switch (opts.usage) {
    case 'authentication':
      ext.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
      ext.push(new x509.ExtendedKeyUsageExtension([OID.ekuClientAuth, OID.ekuEmailProtection, OID.ekuMsDocumentSigning]));
      break;
    case 'signing':
      ext.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true));
      ext.push(qcStatementsExtension());
      break;
    case 'encryption':
      ext.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment, true));
      break;
    case 'server':
      ext.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true));
      ext.push(new x509.ExtendedKeyUsageExtension([OID.ekuServerAuth, OID.ekuClientAuth]));
      break;
  }
  ext.push(subjectAltNameExtension(opts.uzi, opts.upn ?? null));
  ext.push(new x509.CertificatePolicyExtension([opts.policy]));
  ext.push(new x509.CRLDistributionPointsExtension([opts.crlUrl]));
  if (opts.ocspUrl) ext.push(new x509.AuthorityInfoAccessExtension({ ocsp: [opts.ocspUrl] }));
  return ext;
}

export interface HolderName {
  organisation: string;
  title?: string | null;
  surname?: string | null;
  givenName?: string | null;
  serialNumber?: string | null;
  commonName: string;
}

/** Holder subject in the UZI layout: C, O, title, SN, GN, serialNumber, CN (absent parts skipped). */
export function holderName(h: HolderName): x509.Name {
  const parts: DnPart[] = [[OID.countryName, 'NL'], [OID.organizationName, h.organisation]];
  if (h.title) parts.push([OID.title, h.title]);
  if (h.surname) parts.push([OID.surname, h.surname]);
  if (h.givenName) parts.push([OID.givenName, h.givenName]);
  if (h.serialNumber) parts.push([OID.serialNumber, h.serialNumber]);
  parts.push([OID.commonName, h.commonName]);
  return distinguishedName(parts);
}

export async function createCrl(opts: {
  issuer: IssuerKey;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: { serialHex: string; date: Date }[];
}): Promise<Buffer> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: opts.issuer.name,
    thisUpdate: opts.thisUpdate,
    nextUpdate: opts.nextUpdate,
    signingKey: opts.issuer.signingKey,
    signingAlgorithm: RSA_SHA256,
    extensions: [new x509.AuthorityKeyIdentifierExtension(keyIdentifier(opts.issuer.spkiDer))],
    entries: opts.revoked.map((r) => ({
      serialNumber: r.serialHex,
      revocationDate: r.date,
      reason: x509.X509CrlReason.keyCompromise,
    })),
  });
  return Buffer.from(crl.rawData);
}

export function toPem(der: Buffer, label: 'CERTIFICATE' | 'PRIVATE KEY' | 'X509 CRL'): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
