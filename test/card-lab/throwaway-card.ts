// A throwaway RSA-2048 key and self-signed certificate, for lab self-tests that must not depend on
// the test PKI (and as the fallback card while the PKI is not loaded).
import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto';
// Shared with the PKI: @peculiar/x509 needs a Reflect metadata shim loaded first.
import './pki/reflect-shim';
import * as x509 from '@peculiar/x509';

export interface ThrowawayCredential {
  certDer: Buffer;
  keyPkcs8Der: Buffer;
  privateKey: KeyObject;
}

const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

export async function throwawayCredential(commonName: string, serial = '01'): Promise<ThrowawayCredential> {
  const crypto = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1];
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial,
      name: `CN=${commonName}, O=ZORG-ID card lab (TEST)`,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2034-01-01T00:00:00Z'),
      signingAlgorithm: alg,
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    },
    crypto,
  );
  const keyPkcs8Der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certDer: Buffer.from(cert.rawData),
    keyPkcs8Der,
    privateKey: createPrivateKey({ key: keyPkcs8Der, format: 'der', type: 'pkcs8' }),
  };
}
