// Test support: a real RFC 6960 OCSP responder over HTTP on 127.0.0.1, answering with the card lab's
// TEST CA keys (or a delegated responder certificate those CAs issue), misbehaving on request so the
// client's every refusal can be shown against real bytes on a real socket.
import { caName, importSigningKey, issueCertificate, OID } from './pki/issue';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Extension, Extensions, Name } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { CardLabPki, LabCaId } from './pki';
import { serialToHex } from '@zorgid/validator';
import {
  BasicOcspResponse,
  CertId,
  CertStatus,
  OcspRequest,
  OcspResponse,
  ResponderId,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@zorgid/validator/ocsp-asn1';

export type OcspCertState = 'good' | 'revoked' | 'unknown';

export type OcspSigner =
  /** The issuing CA signs its own answers. */
  | 'issuer'
  /** A responder certificate issued by the issuing CA with id-kp-OCSPSigning. */
  | 'delegated'
  /** The same, but its EKU is clientAuth only. */
  | 'delegated-no-eku'
  /** The same with id-kp-OCSPSigning, but expired before LAB_VALID_AT. */
  | 'delegated-expired'
  /** Another lab CA signs (and names itself, and sends its certificate along). */
  | { ca: LabCaId }
  /** A responder certificate with id-kp-OCSPSigning, but issued by another lab CA. */
  | { delegatedBy: LabCaId };

export interface OcspBehaviour {
  /** Status by serial hex (lower case, no leading zeros); other serials are `defaultStatus`. */
  statuses?: Record<string, OcspCertState>;
  defaultStatus?: OcspCertState;
  signer?: OcspSigner;
  /** ResponderID byKey instead of byName. */
  responderIdByKey?: boolean;
  /** Defaults: thisUpdate = producedAt = now − 1 h, nextUpdate = now + 1 day; null leaves nextUpdate out. */
  thisUpdate?: Date;
  nextUpdate?: Date | null;
  nonce?: 'echo' | 'omit' | 'wrong';
  /** Flip one bit of the signature. */
  tamper?: boolean;
  delayMs?: number;
  /** A non-successful OCSPResponseStatus (no responseBytes). */
  responseStatus?: number;
  /** Answer 200 with bytes that are not an OCSPResponse. */
  garbage?: boolean;
  /** Answer with this HTTP status and a Location header instead. */
  redirectTo?: string;
  /** Answer about this serial (hex) instead of the one asked for. */
  answerForSerial?: string;
  /** Pad the DER answer by sending this many extra bytes (for the size limit). */
  bodyBytes?: number;
}

export interface SeenRequest {
  contentType: string | undefined;
  der: Uint8Array;
  request: OcspRequest | null;
  /** The client hung up before the answer was ready. */
  abandoned: boolean;
}

export interface OcspResponder {
  url: string;
  set(behaviour: OcspBehaviour): void;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

interface Signer {
  certDer: Buffer;
  keyPkcs8Der: Buffer;
  /** Sent in BasicOCSPResponse.certs. */
  include: boolean;
}

const SHA256_RSA = '1.2.840.113549.1.1.11';
const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
const wholeSeconds = (t: number) => new Date(Math.floor(t / 1000) * 1000);
const sha1 = (b: ArrayBuffer | Uint8Array) => createHash('sha1').update(new Uint8Array(b)).digest();

function keyHashOf(certDer: Uint8Array): Buffer {
  return sha1(AsnConvert.parse(certDer, Certificate).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOcspResponder(pki: CardLabPki, clock: () => number): Promise<OcspResponder> {
  let behaviour: OcspBehaviour = {};
  const seen: SeenRequest[] = [];
  const delegates = new Map<string, Signer>();

  async function delegateFor(caId: LabCaId, kind: 'delegated' | 'delegated-no-eku' | 'delegated-expired'): Promise<Signer> {
    const cacheKey = `${caId}/${kind}`;
    const known = delegates.get(cacheKey);
    if (known) return known;
    const ca = pki.cas[caId];
    const key = pki.deriveKey(`ocsp-responder/${caId}`);
    const certDer = await issueCertificate({
      issuer: { name: new x509.X509Certificate(ca.certDer).subjectName, spkiDer: ca.spkiDer, signingKey: await importSigningKey(ca.keyPkcs8Der) },
      subject: caName(`TEST OCSP Responder ${ca.commonName}`),
      subjectSpkiDer: key.spkiDer,
      serialHex: createHash('sha256').update(cacheKey).digest('hex').slice(0, 30).replace(/^./, '4'),
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: kind === 'delegated-expired' ? new Date('2026-03-01T00:00:00Z') : new Date('2027-01-01T00:00:00Z'),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([kind === 'delegated-no-eku' ? OID.ekuClientAuth : '1.3.6.1.5.5.7.3.9']),
        // RFC 6960 §4.2.2.2.1: clients need not check the responder certificate's own revocation.
        new x509.Extension(OCSP_NOCHECK, false, new Uint8Array([0x05, 0x00])),
      ],
    });
    const signer = { certDer, keyPkcs8Der: key.keyPkcs8Der, include: true };
    delegates.set(cacheKey, signer);
    return signer;
  }

  function issuingCa(issuerKeyHash: ArrayBuffer): LabCaId | null {
    for (const [id, ca] of Object.entries(pki.cas) as Array<[LabCaId, CardLabPki['cas'][LabCaId]]>) {
      if (keyHashOf(ca.certDer).equals(Buffer.from(issuerKeyHash))) return id;
    }
    return null;
  }

  async function answer(request: OcspRequest): Promise<Buffer> {
    const b = behaviour;
    if (b.responseStatus !== undefined) return Buffer.from(AsnConvert.serialize(new OcspResponse({ responseStatus: b.responseStatus })));
    const first = request.tbsRequest.requestList[0];
    const caId = first ? issuingCa(first.reqCert.issuerKeyHash.buffer) : null;
    // 6 = unauthorized: the responder does not serve this issuer (RFC 6960 §2.3).
    if (!first || !caId) return Buffer.from(AsnConvert.serialize(new OcspResponse({ responseStatus: 6 })));

    const signerSpec = b.signer ?? 'issuer';
    const signer: Signer =
      signerSpec === 'issuer'
        ? { certDer: pki.cas[caId].certDer, keyPkcs8Der: pki.cas[caId].keyPkcs8Der, include: false }
        : typeof signerSpec === 'object'
          ? 'ca' in signerSpec
            ? { certDer: pki.cas[signerSpec.ca].certDer, keyPkcs8Der: pki.cas[signerSpec.ca].keyPkcs8Der, include: true }
            : await delegateFor(signerSpec.delegatedBy, 'delegated')
          : await delegateFor(caId, signerSpec);
    const signerAsn = AsnConvert.parse(signer.certDer, Certificate);

    const now = clock();
    const thisUpdate = b.thisUpdate ?? wholeSeconds(now - 60 * 60_000);
    const nextUpdate = b.nextUpdate === null ? undefined : (b.nextUpdate ?? wholeSeconds(now + 24 * 60 * 60_000));
    const responses = request.tbsRequest.requestList.map((r) => {
      const state = b.statuses?.[serialToHex(new Uint8Array(r.reqCert.serialNumber))] ?? b.defaultStatus ?? 'good';
      const certStatus =
        state === 'good'
          ? new CertStatus({ good: null })
          : state === 'revoked'
            ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: new Date('2026-02-01T00:00:00Z'), revocationReason: 1 }) })
            : new CertStatus({ unknown: null });
      const certId = b.answerForSerial
        ? new CertId({ ...r.reqCert, serialNumber: new Uint8Array(Buffer.from(b.answerForSerial, 'hex')).buffer })
        : r.reqCert;
      return new SingleResponse({ certId, certStatus, thisUpdate, nextUpdate });
    });

    const asked = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
    const extensions: Extension[] = [];
    if (asked && (b.nonce ?? 'echo') === 'echo') extensions.push(asked);
    if (b.nonce === 'wrong') {
      extensions.push(new Extension({ extnID: id_pkix_ocsp_nonce, extnValue: new OctetString(AsnConvert.serialize(new OctetString(sha1(Buffer.from('another request'))))) }));
    }

    const data = new ResponseData({
      responderId: b.responderIdByKey
        ? new ResponderId({ byKey: new OctetString(keyHashOf(signer.certDer)) })
        : new ResponderId({ byName: AsnConvert.parse(AsnConvert.serialize(signerAsn.tbsCertificate.subject), Name) }),
      producedAt: thisUpdate,
      responses,
      responseExtensions: extensions.length ? new Extensions(extensions) : undefined,
    });
    const tbs = Buffer.from(AsnConvert.serialize(data));
    const signature = sign('sha256', tbs, createPrivateKey({ key: signer.keyPkcs8Der, format: 'der', type: 'pkcs8' }));
    if (b.tamper) signature[signature.length - 1]! ^= 0x01;
    const basic = new BasicOcspResponse({
      tbsResponseData: data,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_RSA, parameters: new Uint8Array([0x05, 0x00]).buffer }),
      signature: new Uint8Array(signature).buffer,
      certs: signer.include ? [signerAsn] : undefined,
    });
    const basicDer = AsnConvert.serialize(basic);
    return Buffer.from(
      AsnConvert.serialize(new OcspResponse({ responseStatus: 0, responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(basicDer) }) })),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const der = new Uint8Array(await readBody(req));
    let request: OcspRequest | null = null;
    try {
      request = AsnConvert.parse(der, OcspRequest);
    } catch {
      request = null;
    }
    const entry: SeenRequest = { contentType: req.headers['content-type'], der, request, abandoned: false };
    seen.push(entry);
    const b = behaviour;
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (res.destroyed || req.socket.destroyed) {
      entry.abandoned = true;
      return;
    }
    if (b.redirectTo) {
      res.writeHead(302, { location: b.redirectTo }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body: Buffer;
    if (b.garbage) body = Buffer.from('<html>Service temporarily unavailable</html>');
    // 1 = malformedRequest.
    else if (!request) body = Buffer.from(AsnConvert.serialize(new OcspResponse({ responseStatus: 1 })));
    else body = await answer(request);
    if (b.bodyBytes && b.bodyBytes > body.length) body = Buffer.concat([body, Buffer.alloc(b.bodyBytes - body.length)]);
    res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    set(next) {
      behaviour = next;
    },
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The SHA-1 key hash a CertID carries for this CA (to assert what the client asked). */
export const labKeyHash = (certDer: Uint8Array): string => keyHashOf(certDer).toString('hex');
