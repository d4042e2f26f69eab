// What a certificate on a token is for, from its keyUsage (uzi-domain.md: authentication =
// digitalSignature; signing = nonRepudiation; encryption = key/dataEncipherment).
import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_kp_clientAuth,
} from '@peculiar/asn1-x509';
import type { CertificateSummary } from '../../../shared/domain';

export interface CertificateFacts {
  usage: CertificateSummary['usage'];
  nonRepudiation: boolean;
  clientAuth: boolean;
  keyBits: number | null;
  notBefore: Date;
  notAfter: Date;
}

/** Throws when `der` is not a certificate; callers decide what that means. */
export function certificateFacts(der: Buffer): CertificateFacts {
  const cert = AsnConvert.parse(der, Certificate);
  let flags = 0;
  let clientAuth = false;
  for (const ext of cert.tbsCertificate.extensions ?? []) {
    if (ext.extnID === id_ce_keyUsage) {
      const ku = AsnConvert.parse(ext.extnValue.buffer, KeyUsage);
      flags = ku.toNumber();
    } else if (ext.extnID === id_ce_extKeyUsage) {
      clientAuth = AsnConvert.parse(ext.extnValue.buffer, ExtendedKeyUsage).includes(id_kp_clientAuth);
    }
  }
  const nonRepudiation = (flags & KeyUsageFlags.nonRepudiation) !== 0;
  const usage: CertificateSummary['usage'] = nonRepudiation
    ? 'signing'
    : flags & KeyUsageFlags.digitalSignature
      ? 'authentication'
      : flags & (KeyUsageFlags.keyEncipherment | KeyUsageFlags.dataEncipherment)
        ? 'encryption'
        : 'unknown';
  const x = new X509Certificate(der);
  return {
    usage,
    nonRepudiation,
    clientAuth,
    keyBits: x.publicKey.asymmetricKeyDetails?.modulusLength ?? null,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}

/**
 * The certificate that signs login and validation challenges: digitalSignature without
 * nonRepudiation (never the non-repudiation key, uzi-domain.md); clientAuth EKU breaks ties.
 */
export function pickAuthenticationCertificate(certs: readonly CertificateSummary[]): CertificateSummary | null {
  const auth = certs.filter((c) => c.usage === 'authentication');
  if (auth.length <= 1) return auth[0] ?? null;
  const withClientAuth = auth.find((c) => {
    try {
      return certificateFacts(Buffer.from(c.der, 'base64')).clientAuth;
    } catch {
      return false;
    }
  });
  return withClientAuth ?? auth[0] ?? null;
}
