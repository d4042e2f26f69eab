// The HTTP OCSP client against a real responder on 127.0.0.1 signing with the card lab's TEST CA keys:
// only a verified, fresh answer about exactly this certificate counts; everything else is 'unknown'.
import { memoryRequests } from '../../../test/card-lab/memory-requests';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidatorErrorCode } from './errors';
import type { CardLabPki, LabCardId } from '../../../test/card-lab/pki';
import { codeOf, LAB_VALID_AT, labTrust, loadLab, newBrowserCode, signLabToken } from '../../../test/card-lab/lab-tokens';
import { labKeyHash, startOcspResponder, type OcspBehaviour, type OcspResponder } from '../../../test/card-lab/ocsp-responder';
import { createValidator, httpOcspQuery, type OcspUnknownReason } from './index';
import { id_pkix_ocsp_nonce } from './ocsp-asn1';

const NOW = LAB_VALID_AT.getTime();
const HOUR = 60 * 60_000;
const ORIGIN = 'https://portaal.zorgid.test';
let pki: CardLabPki;
let responder: OcspResponder;

beforeAll(async () => {
  pki = await loadLab();
  responder = await startOcspResponder(pki, () => NOW);
}, 60_000);

afterAll(async () => {
  await responder?.close();
});

/** A nonce source that remembers what it gave, so the request can be checked against it. */
function recordingRng() {
  const given: Uint8Array[] = [];
  return {
    given,
    rng: (n: number) => {
      const b = new Uint8Array(randomBytes(n));
      given.push(b);
      return b;
    },
  };
}

async function ask(
  behaviour: OcspBehaviour,
  opts: { card?: LabCardId; url?: string; maxAgeMs?: number; maxBytes?: number; clock?: () => number } = {},
): Promise<{ status: string; reasons: OcspUnknownReason[] }> {
  responder.set(behaviour);
  const reasons: OcspUnknownReason[] = [];
  const card = pki.cards[opts.card ?? 'Z-huisarts'];
  const query = httpOcspQuery({
    clock: opts.clock ?? (() => NOW),
    maxAgeMs: opts.maxAgeMs,
    maxBytes: opts.maxBytes,
    onUnknown: (reason) => reasons.push(reason),
  });
  const status = await query({
    url: opts.url ?? responder.url,
    certificate: new Uint8Array(card.auth!.certDer),
    issuer: new Uint8Array(card.chain[0]!),
    signal: new AbortController().signal,
  });
  return { status, reasons };
}

describe('httpOcspQuery (RFC 6960 over HTTP POST)', () => {
  it('good: POSTs a SHA-1 CertID with our nonce and believes the issuing CA’s signed "good"', async () => {
    const card = pki.cards['Z-huisarts'];
    const { rng, given } = recordingRng();
    responder.set({});
    const before = responder.seen.length;
    const query = httpOcspQuery({ clock: () => NOW, rng });
    const status = await query({ url: responder.url, certificate: card.auth!.certDer, issuer: card.chain[0]!, signal: new AbortController().signal });
    expect(status).toBe('good');

    const seen = responder.seen[before]!;
    expect(seen.contentType).toBe('application/ocsp-request');
    const single = seen.request!.tbsRequest.requestList;
    expect(single).toHaveLength(1);
    expect(single[0]!.reqCert.hashAlgorithm.algorithm).toBe('1.3.14.3.2.26');
    expect(Buffer.from(single[0]!.reqCert.issuerKeyHash.buffer).toString('hex')).toBe(labKeyHash(card.chain[0]!));
    expect(Buffer.from(single[0]!.reqCert.serialNumber).toString('hex').replace(/^00/, '')).toBe(card.auth!.serialHex);
    const nonce = seen.request!.tbsRequest.requestExtensions!.find((e) => e.extnID === id_pkix_ocsp_nonce)!;
    // extnValue = DER OCTET STRING (0x04, 32) around the 32 nonce bytes (RFC 8954).
    expect(Buffer.from(nonce.extnValue.buffer).toString('hex')).toBe(`0420${Buffer.from(given[0]!).toString('hex')}`);
  });

  it('revoked: a signed "revoked" is believed', async () => {
    const serial = pki.cards['Z-huisarts'].auth!.serialHex;
    expect(await ask({ statuses: { [serial]: 'revoked' } })).toEqual({ status: 'revoked', reasons: [] });
  });

  it('unknown: a signed "unknown" stays unknown', async () => {
    expect(await ask({ defaultStatus: 'unknown' })).toEqual({ status: 'unknown', reasons: ['status-unknown'] });
  });

  it('answers for the other issuing CAs with their own keys (N card, ZORG-ID Smartcard)', async () => {
    expect(await ask({}, { card: 'N-medewerker' })).toEqual({ status: 'good', reasons: [] });
    expect(await ask({ signer: 'delegated' }, { card: 'SC-employee' })).toEqual({ status: 'good', reasons: [] });
  });

  it('delegated responder: accepted with id-kp-OCSPSigning from the issuer (ResponderID by name and by key)', async () => {
    expect(await ask({ signer: 'delegated' })).toEqual({ status: 'good', reasons: [] });
    expect(await ask({ signer: 'delegated', responderIdByKey: true })).toEqual({ status: 'good', reasons: [] });
    const serial = pki.cards['Z-huisarts'].auth!.serialHex;
    expect(await ask({ signer: 'delegated', statuses: { [serial]: 'revoked' } })).toEqual({ status: 'revoked', reasons: [] });
  });

  it('delegated responder: refused without id-kp-OCSPSigning, or outside its validity', async () => {
    expect(await ask({ signer: 'delegated-no-eku' })).toEqual({ status: 'unknown', reasons: ['responder-not-authorised'] });
    expect(await ask({ signer: 'delegated-expired' })).toEqual({ status: 'unknown', reasons: ['responder-not-authorised'] });
  });

  it('a "good" signed by another CA (with its certificate attached) is unknown', async () => {
    expect(await ask({ signer: { ca: 'medewerker-op-naam' } })).toEqual({ status: 'unknown', reasons: ['responder-not-authorised'] });
    expect(await ask({ signer: { ca: 'unknown-root' } })).toEqual({ status: 'unknown', reasons: ['responder-not-authorised'] });
    // An OCSP signing certificate is only good for the CA that issued it.
    expect(await ask({ signer: { delegatedBy: 'medewerker-op-naam' } })).toEqual({ status: 'unknown', reasons: ['responder-not-authorised'] });
    expect(await ask({ signer: { delegatedBy: 'medewerker-op-naam' } }, { card: 'N-medewerker' })).toEqual({ status: 'good', reasons: [] });
  });

  it('a tampered signature is unknown', async () => {
    expect(await ask({ tamper: true })).toEqual({ status: 'unknown', reasons: ['signature'] });
    expect(await ask({ tamper: true, signer: 'delegated' })).toEqual({ status: 'unknown', reasons: ['signature'] });
  });

  it('an answer about another certificate is unknown', async () => {
    const other = pki.cards['N-medewerker'].auth!.serialHex;
    expect(await ask({ answerForSerial: other })).toEqual({ status: 'unknown', reasons: ['cert-id'] });
  });

  it('stale answers are unknown: nextUpdate passed, or thisUpdate older than maxAgeMs', async () => {
    expect(await ask({ thisUpdate: new Date(NOW - 48 * HOUR), nextUpdate: new Date(NOW - HOUR) })).toEqual({ status: 'unknown', reasons: ['expired'] });
    expect(await ask({ thisUpdate: new Date(NOW - 3 * HOUR), nextUpdate: null }, { maxAgeMs: 2 * HOUR })).toEqual({ status: 'unknown', reasons: ['too-old'] });
    expect(await ask({ thisUpdate: new Date(NOW - 3 * HOUR), nextUpdate: new Date(NOW + HOUR) }, { maxAgeMs: 2 * HOUR })).toEqual({
      status: 'unknown',
      reasons: ['too-old'],
    });
    // Within maxAgeMs and without nextUpdate it is believed.
    expect(await ask({ thisUpdate: new Date(NOW - HOUR), nextUpdate: null }, { maxAgeMs: 2 * HOUR })).toEqual({ status: 'good', reasons: [] });
  });

  it('answers from the future are unknown; a minute of clock skew is tolerated', async () => {
    expect(await ask({ thisUpdate: new Date(NOW + HOUR) })).toEqual({ status: 'unknown', reasons: ['not-yet-valid'] });
    expect(await ask({ thisUpdate: new Date(NOW + 60_000) })).toEqual({ status: 'good', reasons: [] });
  });

  it('a wrong nonce is unknown; a responder that leaves the nonce out is believed (maxAgeMs bounds replay)', async () => {
    expect(await ask({ nonce: 'wrong' })).toEqual({ status: 'unknown', reasons: ['nonce'] });
    expect(await ask({ nonce: 'omit' })).toEqual({ status: 'good', reasons: [] });
  });

  it('tryLater, malformedRequest, unauthorized and a garbage body are unknown', async () => {
    expect(await ask({ responseStatus: 3 })).toEqual({ status: 'unknown', reasons: ['response-status'] });
    expect(await ask({ responseStatus: 1 })).toEqual({ status: 'unknown', reasons: ['response-status'] });
    expect(await ask({ responseStatus: 6 })).toEqual({ status: 'unknown', reasons: ['response-status'] });
    expect(await ask({ garbage: true })).toEqual({ status: 'unknown', reasons: ['malformed'] });
  });

  it('does not follow redirects, and does not read an oversized body', async () => {
    const before = responder.seen.length;
    expect(await ask({ redirectTo: `${responder.url}elsewhere` })).toEqual({ status: 'unknown', reasons: ['http-status'] });
    expect(responder.seen.length).toBe(before + 1);
    expect(await ask({ bodyBytes: 200_000 }, { maxBytes: 64 * 1024 })).toEqual({ status: 'unknown', reasons: ['too-large'] });
    expect(await ask({}, { maxBytes: 64 })).toEqual({ status: 'unknown', reasons: ['too-large'] });
  });

  it('a responder that is not there is unknown', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    expect(await ask({}, { url: `http://127.0.0.1:${port}/` })).toEqual({ status: 'unknown', reasons: ['transport'] });
  });
});


describe('the validator with the HTTP OCSP client wired (no CRLs configured)', () => {
  async function validateWith(behaviour: OcspBehaviour, timeoutMs: number, card: LabCardId = 'Z-huisarts'): Promise<ValidatorErrorCode | 'ok'> {
    responder.set(behaviour);
    const requests = memoryRequests(ORIGIN, NOW);
    const validator = createValidator({
      ...labTrust(pki),
      crls: [],
      clock: () => NOW,
      requests,
      ocsp: { url: responder.url, timeoutMs, query: httpOcspQuery({ clock: () => NOW }) },
    });
    const req = requests.add();
    const token = signLabToken({ pki, card, request: req, browserCode: newBrowserCode() });
    return codeOf(validator.validate(JSON.stringify(token), { requestId: req.id, origin: ORIGIN }));
  }

  it('accepts on a signed "good", refuses a signed "revoked" and a tampered answer', async () => {
    expect(await validateWith({}, 5000)).toBe('ok');
    expect(await validateWith({ defaultStatus: 'revoked' }, 5000)).toBe('ERR_TOKEN_CERT_REVOKED');
    expect(await validateWith({ tamper: true }, 5000)).toBe('ERR_TOKEN_REVOCATION_UNKNOWN');
  });

  it('ERR_TOKEN_REVOCATION_UNKNOWN when the responder is slower than the hook timeout, and the request is abandoned', async () => {
    const before = responder.seen.length;
    const started = performance.now();
    expect(await validateWith({ delayMs: 1500 }, 200)).toBe('ERR_TOKEN_REVOCATION_UNKNOWN');
    const took = performance.now() - started;
    expect(took).toBeLessThan(1200);
    // The responder saw the query and, once its delay was over, found the client gone.
    await new Promise((r) => setTimeout(r, 1600));
    expect(responder.seen.length).toBe(before + 1);
    expect(responder.seen[before]!.abandoned).toBe(true);
  });
});
