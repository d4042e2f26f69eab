// PKCS#10 certification request (RFC 2986) whose signature the card makes: the portal's proof that
// whoever asks for the certificate holds the private key on the card (proof of possession).
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, AttributeTypeAndValue, Name, RelativeDistinguishedName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';

export const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
// DER NULL: RSA signature algorithms carry explicit NULL parameters (RFC 4055 §5).
const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

/** `sign` gets the DER of CertificationRequestInfo and returns its SHA256withRSA signature. */
export async function buildCsr(input: { spkiDer: Uint8Array; commonName: string; sign: (tbs: Buffer) => Promise<Buffer> }): Promise<Buffer> {
  const cn = new AttributeTypeAndValue({ type: COMMON_NAME });
  cn.value.utf8String = input.commonName;
  const info = new CertificationRequestInfo({
    version: 0,
    subject: new Name([new RelativeDistinguishedName([cn])]),
    subjectPKInfo: AsnConvert.parse(input.spkiDer, SubjectPublicKeyInfo),
  });
  const tbs = Buffer.from(AsnConvert.serialize(info));
  const signature = await input.sign(tbs);
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: DER_NULL }),
    signature: new Uint8Array(signature).buffer,
  });
  return Buffer.from(AsnConvert.serialize(csr));
}
