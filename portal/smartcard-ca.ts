// The portal's ZORG-ID Smartcard CA: issues the authentication certificate for a key generated on a
// blank card. Keys and certificate are configuration (the card lab's "TEST ZORG-ID Smartcard CA" in
// tests and the demo); production keeps the CA key in an HSM behind the same `sign` shape.
//
// Certificate layout (decided for issue 8, matching the card lab's SC-employee): the subject in the
// UZI layout of the employee (C, O, title, SN, GN, serialNumber=UZI-nummer, CN) and the employee's
// UZI otherName 2.5.5.5 copied field by field from the UZI-pas that identified them (OID-CA, versie,
// UZI-nummer, pastype, URA, rolcode, AGB) plus the UPN `<UZI-nummer>@<URA>`. So the app's holder view
// and the validator read a Smartcard like the UZI-pas it stands in for; what makes it a Smartcard is
// the issuer (this CA), which the portal's purpose rules check. keyUsage digitalSignature only (an
// authentication certificate), EKU clientAuth + emailProtection, the TEST/production auth policy.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
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
import type { UziHolder } from '@zorgid/uzi';
import { parseCertificate } from '@zorgid/validator';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const OID = {
  c: '2.5.4.6', o: '2.5.4.10', title: '2.5.4.12', sn: '2.5.4.4', gn: '2.5.4.42', serialNumber: '2.5.4.5', cn: '2.5.4.3',
  uziOtherName: '2.5.5.5', msUpn: '1.3.6.1.4.1.311.20.2.3', clientAuth: '1.3.6.1.5.5.7.3.2', emailProtection: '1.3.6.1.5.5.7.3.4',
  testPolicyAuth: '2.16.528.1.1007.99.211', crlNumber: '2.5.29.20',
} as const;

export interface SmartcardCaConfig {
  /** DER of the CA certificate. */
  certDer: Uint8Array;
  /** PKCS#8 DER of the CA key. */
  keyPkcs8Der: Uint8Array;
  /** Default 3 years (uzi-domain.md), never beyond the CA's own notAfter. */
  validityDays?: number;
  /** Certificate policy of the issued authentication certificate; default the TEST auth policy. */
  policy?: string;
  crlUrl?: string;
}

export interface SmartcardCa {
  certDer: Buffer;
  /** The CA's subject exactly as the validator prints issuers (to recognise Smartcard certificates). */
  subject: string;
  issue(input: { spkiDer: Uint8Array; holder: UziHolder; serialHex: string; now: Date }): Promise<Buffer>;
  /**
   * The CA's CRL (DER): `revoked` with their revocation times, signed with the CA key. The CRL number
   * is thisUpdate in seconds, so a later CRL always has a higher number without a counter to keep.
   */
  crl(input: { revoked: ReadonlyArray<{ serialHex: string; revokedAt: Date }>; thisUpdate: Date; nextUpdate: Date }): Promise<Buffer>;
}

function dn(parts: Array<[string, string | null | undefined]>): x509.Name {
  const rdns = parts
    .filter((p): p is [string, string] => typeof p[1] === 'string' && p[1].length > 0)
    .map(([type, value]) => {
      const atv = new AttributeTypeAndValue({ type });
      if (type === OID.c || type === OID.serialNumber) atv.value.printableString = value;
      else atv.value.utf8String = value;
      return new RelativeDistinguishedName([atv]);
    });
  return new x509.Name(AsnConvert.serialize(new AsnName(rdns)));
}

/** DER INTEGER of a non-negative safe integer (the CRL number). */
function derInteger(n: number): ArrayBuffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const body = Buffer.from(hex, 'hex');
  const bytes = body[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return new Uint8Array([0x02, bytes.length, ...bytes]).buffer;
}

function derString(tag: 0x16 | 0x0c, text: string): ArrayBuffer {
  const body = Buffer.from(text, tag === 0x16 ? 'ascii' : 'utf8');
  if (body.length > 127) throw new RangeError('otherName value too long');
  return new Uint8Array([tag, body.length, ...body]).buffer;
}

export async function createSmartcardCa(config: SmartcardCaConfig): Promise<SmartcardCa> {
  const caCert = new x509.X509Certificate(config.certDer);
  const key = (await webcrypto.subtle.importKey('pkcs8', config.keyPkcs8Der, RSA_SHA256, false, ['sign'])) as webcrypto.CryptoKey;
  const caSpki = Buffer.from(caCert.publicKey.rawData);
  const keyId = (spki: Uint8Array) =>
    createHash('sha1').update(Buffer.from(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey)).digest('hex');
  return {
    certDer: Buffer.from(config.certDer),
    subject: parseCertificate(new Uint8Array(config.certDer)).subject,
    async issue({ spkiDer, holder, serialHex, now }) {
      const years = new Date(now.getTime() + (config.validityDays ?? 3 * 365) * 86_400_000);
      const notAfter = years < caCert.notAfter ? years : caCert.notAfter;
      const uzi = [holder.oidCa, holder.version, holder.uziNumber, holder.cardType, holder.ura, holder.roleCode, holder.agb].join('-');
      const san = new SubjectAlternativeName([
        new GeneralName({ otherName: new OtherName({ typeId: OID.uziOtherName, value: derString(0x16, uzi) }) }),
        new GeneralName({ otherName: new OtherName({ typeId: OID.msUpn, value: derString(0x0c, `${holder.uziNumber}@${holder.ura}`) }) }),
      ]);
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([OID.clientAuth, OID.emailProtection]),
        new x509.Extension(id_ce_subjectAltName, false, AsnConvert.serialize(san)),
        new x509.CertificatePolicyExtension([config.policy ?? OID.testPolicyAuth]),
        new x509.SubjectKeyIdentifierExtension(keyId(spkiDer)),
        new x509.AuthorityKeyIdentifierExtension(keyId(caSpki)),
      ];
      if (config.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([config.crlUrl]));
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialHex,
        subject: dn([
          [OID.c, 'NL'],
          [OID.o, holder.organisation],
          [OID.title, holder.roleLabel],
          [OID.sn, holder.surname],
          [OID.gn, holder.givenName],
          [OID.serialNumber, holder.uziNumber],
          [OID.cn, holder.commonName ?? [holder.givenName, holder.surname].filter(Boolean).join(' ')],
        ]),
        issuer: caCert.subjectName,
        notBefore: now,
        notAfter,
        publicKey: new Uint8Array(spkiDer).buffer as ArrayBuffer,
        signingKey: key,
        signingAlgorithm: RSA_SHA256,
        extensions,
      });
      return Buffer.from(cert.rawData);
    },
    async crl({ revoked, thisUpdate, nextUpdate }) {
      const crl = await x509.X509CrlGenerator.create({
        issuer: caCert.subjectName,
        thisUpdate,
        nextUpdate,
        signingKey: key,
        signingAlgorithm: RSA_SHA256,
        extensions: [
          new x509.AuthorityKeyIdentifierExtension(keyId(caSpki)),
          new x509.Extension(OID.crlNumber, false, derInteger(Math.floor(thisUpdate.getTime() / 1000))),
        ],
        // No reasonCode: a removal says nothing about the key (RFC 5280 §5.3.1: omit "unspecified").
        entries: revoked.map((r) => ({ serialNumber: r.serialHex, revocationDate: r.revokedAt })),
      });
      return Buffer.from(crl.rawData);
    },
  };
}
