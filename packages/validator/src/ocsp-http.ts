// An RFC 6960 OCSP client over HTTP POST for the validator's OCSP hook (revocation.ts). Whatever is
// doubtful — transport, size, parsing, signer, CertID, dates, nonce — answers 'unknown', which the
// validator refuses (ERR_TOKEN_REVOCATION_UNKNOWN); only a verified, fresh answer is 'good'.
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, ExtendedKeyUsage, Extension, Extensions, id_ce_extKeyUsage, id_kp_OCSPSigning } from '@peculiar/asn1-x509';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { parseCertificate, serialToHex, signatureVerifies, type ParsedCertificate } from './certificate';
import {
  BasicOcspResponse,
  CertId,
  OCSP_RESPONSE_STATUS,
  OcspRequest,
  OcspResponse,
  OcspSingleRequest,
  TbsRequest,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  type ResponderId,
} from './ocsp-asn1';
import type { OcspQuery, RevocationStatus } from './revocation';
import { readCapped } from '@zorgid/protocol';

/** Why an answer was 'unknown'; for logs and tests, never shown to the card holder. */
export type OcspUnknownReason =
  | 'transport'
  | 'http-status'
  | 'too-large'
  | 'malformed'
  | 'response-status'
  | 'response-type'
  | 'responder-unknown'
  | 'responder-not-authorised'
  | 'signature'
  | 'cert-id'
  | 'nonce'
  | 'not-yet-valid'
  | 'expired'
  | 'too-old'
  | 'status-unknown';

export interface HttpOcspOptions {
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** epoch ms; default Date.now. */
  clock?: () => number;
  /** Source of the request nonce; default node:crypto randomBytes. */
  rng?: (n: number) => Uint8Array;
  /** An answer whose thisUpdate is older than this is 'unknown', nextUpdate or not. Default 24 h. */
  maxAgeMs?: number;
  /** Larger response bodies are not read. Default 64 KiB. */
  maxBytes?: number;
  /** Called once for every 'unknown' answer with the reason. */
  onUnknown?: (reason: OcspUnknownReason, detail?: string) => void;
}

// Responders index their answers by SHA-1 CertIDs (RFC 5019 §2.1.1 requires SHA-1 there).
const SHA1 = '1.3.14.3.2.26';
// Clocks of responder and portal disagree a little; five minutes is the usual allowance.
const SKEW_MS = 5 * 60_000;
const DEFAULT_MAX_AGE_MS = 24 * 60 * 60_000;
const DEFAULT_MAX_BYTES = 64 * 1024;
// RFC 8954 §2.1: 1 to 32 octets; 32 gives the most protection against replay.
const NONCE_BYTES = 32;

class Refusal extends Error {
  constructor(
    readonly reason: OcspUnknownReason,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

const refuse = (reason: OcspUnknownReason, detail?: string): never => {
  throw new Refusal(reason, detail);
};

const sha1 = (data: Uint8Array | ArrayBuffer): Buffer => createHash('sha1').update(new Uint8Array(data)).digest();
const bytesEqual = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean => Buffer.from(new Uint8Array(a)).equals(Buffer.from(new Uint8Array(b)));

interface Subject {
  parsed: ParsedCertificate;
  asn: Certificate;
  /** SHA-1 of the subjectPublicKey BIT STRING contents (CertID issuerKeyHash, ResponderID byKey). */
  keyHash: Buffer;
}

function subjectOf(der: Uint8Array): Subject {
  const asn = AsnConvert.parse(der, Certificate);
  return { parsed: parseCertificate(der), asn, keyHash: sha1(asn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey) };
}

function certIdFor(leaf: ParsedCertificate, leafAsn: Certificate, issuer: Subject): CertId {
  return new CertId({
    // parameters NULL, as RFC 6960 implementations encode SHA-1.
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: new Uint8Array([0x05, 0x00]).buffer }),
    issuerNameHash: new OctetString(sha1(Buffer.from(leaf.issuerKey, 'hex'))),
    issuerKeyHash: new OctetString(issuer.keyHash),
    serialNumber: leafAsn.tbsCertificate.serialNumber,
  });
}

function sameCertId(a: CertId, b: CertId): boolean {
  return (
    a.hashAlgorithm.algorithm === b.hashAlgorithm.algorithm &&
    bytesEqual(a.issuerNameHash.buffer, b.issuerNameHash.buffer) &&
    bytesEqual(a.issuerKeyHash.buffer, b.issuerKeyHash.buffer) &&
    serialToHex(new Uint8Array(a.serialNumber)) === serialToHex(new Uint8Array(b.serialNumber))
  );
}

function responderIs(id: ResponderId, who: Subject): boolean {
  if (id.byKey) return bytesEqual(id.byKey.buffer, who.keyHash);
  if (id.byName) return Buffer.from(AsnConvert.serialize(id.byName)).toString('hex') === who.parsed.subjectKey;
  return false;
}

function extendedKeyUsage(cert: Certificate): string[] {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_extKeyUsage);
  return ext ? [...AsnConvert.parse(ext.extnValue, ExtendedKeyUsage)] : [];
}

/**
 * RFC 6960 §4.2.2.2: the issuer itself, or a certificate the issuer gave id-kp-OCSPSigning, valid now.
 */
function delegateAllowed(delegate: Subject, issuer: Subject, now: number): string | null {
  if (delegate.parsed.issuerKey !== issuer.parsed.subjectKey) return 'not issued by the certificate issuer';
  if (!new X509Certificate(delegate.parsed.der).verify(issuer.parsed.publicKey)) return 'issuer signature does not verify';
  if (now < delegate.parsed.notBefore.getTime() || now > delegate.parsed.notAfter.getTime()) return 'outside its validity';
  if (!extendedKeyUsage(delegate.asn).includes(id_kp_OCSPSigning)) return 'no id-kp-OCSPSigning';
  const ku = delegate.parsed.keyUsage;
  if (ku !== null && (ku & KeyUsageFlags.digitalSignature) === 0) return 'keyUsage without digitalSignature';
  return null;
}

function verifySigner(basic: BasicOcspResponse, issuer: Subject, now: number): void {
  const signed = {
    tbs: new Uint8Array(basic.tbsResponseDataRaw ?? refuse('malformed', 'no tbsResponseData')),
    signature: new Uint8Array(basic.signature),
    signatureAlgorithm: basic.signatureAlgorithm.algorithm,
  };
  const responderId = basic.tbsResponseData.responderId;
  if (responderIs(responderId, issuer)) {
    if (!signatureVerifies(signed, issuer.parsed.publicKey)) refuse('signature', 'by the issuer');
    return;
  }
  let why: string | null = null;
  for (const cert of basic.certs ?? []) {
    let delegate: Subject;
    try {
      delegate = subjectOf(new Uint8Array(AsnConvert.serialize(cert)));
    } catch {
      continue;
    }
    if (!responderIs(responderId, delegate)) continue;
    why = delegateAllowed(delegate, issuer, now);
    if (why) continue;
    if (!signatureVerifies(signed, delegate.parsed.publicKey)) refuse('signature', 'by the delegated responder');
    return;
  }
  return why ? refuse('responder-not-authorised', why) : refuse('responder-unknown');
}

function nonceExtension(nonce: Uint8Array): Extension {
  return new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(nonce))) });
}

/** The OCSPRequest DER for one certificate, with a nonce extension. */
export function buildOcspRequest(certificate: Uint8Array, issuer: Uint8Array, nonce: Uint8Array): { der: Uint8Array; certId: CertId; nonce: Extension } {
  const leaf = parseCertificate(certificate);
  const certId = certIdFor(leaf, AsnConvert.parse(certificate, Certificate), subjectOf(issuer));
  const nonceExt = nonceExtension(nonce);
  const request = new OcspRequest({
    tbsRequest: new TbsRequest({ requestList: [new OcspSingleRequest({ reqCert: certId })], requestExtensions: new Extensions([nonceExt]) }),
  });
  return { der: new Uint8Array(AsnConvert.serialize(request)), certId, nonce: nonceExt };
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    refuse('too-large', `content-length ${declared}`);
  }
  const bytes = await readCapped(response.body, maxBytes);
  return bytes ?? refuse('too-large', `over ${maxBytes} bytes`);
}

function checkAnswer(body: Uint8Array, sent: ReturnType<typeof buildOcspRequest>, issuer: Subject, now: number, maxAgeMs: number): RevocationStatus {
  let response: OcspResponse;
  let basic: BasicOcspResponse;
  try {
    response = AsnConvert.parse(body, OcspResponse);
  } catch {
    return refuse('malformed', 'OCSPResponse');
  }
  if (response.responseStatus !== OCSP_RESPONSE_STATUS.successful) refuse('response-status', String(response.responseStatus));
  if (!response.responseBytes || response.responseBytes.responseType !== id_pkix_ocsp_basic) refuse('response-type');
  try {
    basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOcspResponse);
  } catch {
    return refuse('malformed', 'BasicOCSPResponse');
  }
  verifySigner(basic, issuer, now);

  const data = basic.tbsResponseData;
  const echoed = data.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  // A responder may leave the nonce out (pre-signed answers); then maxAgeMs bounds a replay.
  if (echoed && !bytesEqual(echoed.extnValue.buffer, sent.nonce.extnValue.buffer)) refuse('nonce');

  const single = data.responses.find((r) => sameCertId(r.certId, sent.certId)) ?? refuse('cert-id');
  const thisUpdate = single.thisUpdate.getTime();
  if (thisUpdate > now + SKEW_MS || data.producedAt.getTime() > now + SKEW_MS) refuse('not-yet-valid', single.thisUpdate.toISOString());
  if (single.nextUpdate && single.nextUpdate.getTime() + SKEW_MS < now) refuse('expired', single.nextUpdate.toISOString());
  if (now - thisUpdate > maxAgeMs) refuse('too-old', single.thisUpdate.toISOString());

  const status = single.certStatus;
  if (status.revoked) return 'revoked';
  if (status.good === null) return 'good';
  return refuse('status-unknown');
}

/** The validator's OCSP hook over HTTP: `ocsp: { url, query: httpOcspQuery(), timeoutMs }`. */
export function httpOcspQuery(options: HttpOcspOptions = {}): OcspQuery {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? Date.now;
  const rng = options.rng ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  return async ({ url, certificate, issuer, signal }) => {
    try {
      const issuerSubject = subjectOf(issuer);
      const sent = buildOcspRequest(certificate, issuer, rng(NONCE_BYTES));
      let body: Uint8Array;
      try {
        const response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
          body: sent.der,
          signal,
          // A redirect could lead the query anywhere; the configured responder answers itself.
          redirect: 'manual',
        });
        if (response.status !== 200) {
          await response.body?.cancel().catch(() => undefined);
          refuse('http-status', String(response.status));
        }
        body = await readBounded(response, maxBytes);
      } catch (err) {
        if (err instanceof Refusal) throw err;
        return refuse('transport', err instanceof Error ? err.message : String(err));
      }
      return checkAnswer(body, sent, issuerSubject, clock(), maxAgeMs);
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal('malformed', err instanceof Error ? err.message : String(err));
      options.onUnknown?.(refusal.reason, refusal.detail);
      return 'unknown';
    }
  };
}
