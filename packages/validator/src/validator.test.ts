// The validator against tokens signed with the card lab's real keys: one test per ERR_TOKEN_* code,
// in the order of handoff-protocol.md §5.
import { memoryRequests } from '../../../test/card-lab/memory-requests';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidatorError } from './errors';
import { toBase64Url, type HandoffPurpose, type HandoffToken } from '@zorgid/protocol';
import type { CardLabPki } from '../../../test/card-lab/pki';
import { codeOf, LAB_VALID_AT, labCrls, labTrust, loadLab, newBrowserCode, signLabToken } from '../../../test/card-lab/lab-tokens';
import { createValidator, type HandoffRequestView, type ValidatorOptions } from './index';

const ORIGIN = 'https://portaal.zorgid.test';
let pki: CardLabPki;

beforeAll(async () => {
  pki = await loadLab();
}, 60_000);


function setup(overrides: Partial<ValidatorOptions> = {}) {
  let now = LAB_VALID_AT.getTime();
  const requests = memoryRequests(ORIGIN, LAB_VALID_AT.getTime());
  const validator = createValidator({ ...labTrust(pki), crls: labCrls(pki), clock: () => now, requests, ...overrides });
  return { validator, requests, setNow: (t: number) => (now = t) };
}


function tokenFor(req: HandoffRequestView, card: Parameters<typeof signLabToken>[0]['card'] = 'Z-huisarts', extra: Partial<Parameters<typeof signLabToken>[0]> = {}) {
  const browserCode = newBrowserCode();
  return { browserCode, token: signLabToken({ pki, card, request: req, browserCode, ...extra }) };
}

const json = (t: unknown) => JSON.stringify(t);

describe('token validator (handoff-protocol.md §5)', () => {
  it('accepts a Z card token signed with the authentication key and returns the holder', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    const out = await validator.validate(json(token), { requestId: req.id, origin: ORIGIN });
    expect(out.holder).toMatchObject({ uziNumber: '900016528', ura: '90000382', cardType: 'Z', roleCode: '01.015', surname: 'de Vries' });
    expect(out.certificate.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.browserCodeHash).toBe(token.browserCodeHash);
    expect(requests.all.get(req.id)!.usedAt).toBe(LAB_VALID_AT.getTime());
  });

  it('accepts an N card, an RSA-4096 card, a ZORG-ID Smartcard and intermediates inside the token', async () => {
    const { validator, requests } = setup({ intermediates: [] });
    for (const card of ['N-medewerker', 'Z-4096', 'SC-employee'] as const) {
      const req = requests.add({ purpose: 'validate-organisation', ura: pki.cards[card].expected.ura });
      const { token } = tokenFor(req, card, { withIntermediates: true });
      const out = await validator.validate(json(token), { requestId: req.id, origin: ORIGIN });
      expect(out.holder.uziNumber).toBe(pki.cards[card].expected.uziNumber);
    }
  });

  it('ERR_TOKEN_SIZE: refuses a token under 100 or over 10 000 bytes', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    expect(await codeOf(validator.validate('{"format":"x"}', { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_SIZE');
    const { token } = tokenFor(req);
    const big = json({ ...token, appVersion: 'x'.repeat(10_001) });
    expect(await codeOf(validator.validate(big, { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_SIZE');
    expect(requests.all.get(req.id)!.usedAt).toBeNull();
  });

  it('ERR_TOKEN_SCHEMA: refuses non-JSON, a missing field and an unknown extra field', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    const ctx = { requestId: req.id, origin: ORIGIN };
    expect(await codeOf(validator.validate('x'.repeat(200), ctx))).toBe('ERR_TOKEN_SCHEMA');
    const { signature: _s, ...noSignature } = token;
    expect(await codeOf(validator.validate(json(noSignature), ctx))).toBe('ERR_TOKEN_SCHEMA');
    expect(await codeOf(validator.validate(json({ ...token, pin: '123456' }), ctx))).toBe('ERR_TOKEN_SCHEMA');
    expect(await codeOf(validator.validate(json({ ...token, algorithm: 'ES256' }), ctx))).toBe('ERR_TOKEN_SCHEMA');
  });

  it('ERR_TOKEN_FORMAT_UNKNOWN: refuses a format other than zorgid-auth:1', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    expect(await codeOf(validator.validate(json({ ...token, format: 'zorgid-auth:2' }), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_FORMAT_UNKNOWN');
  });

  it('ERR_TOKEN_REQUEST_UNKNOWN: refuses a token for a request the portal never made', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    expect(await codeOf(validator.validate(json(token), { requestId: 'AAAAAAAAAAAAAAAAAAAAAA', origin: ORIGIN }))).toBe('ERR_TOKEN_REQUEST_UNKNOWN');
  });

  it('ERR_TOKEN_PURPOSE_MISMATCH: refuses a login token for a validate-organisation request', async () => {
    const { validator, requests } = setup();
    const req = requests.add({ purpose: 'validate-organisation', ura: '90000382' });
    const { token } = tokenFor({ ...req, purpose: 'login' });
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_PURPOSE_MISMATCH');
  });

  it('ERR_TOKEN_ORIGIN_MISMATCH: refuses a request that belongs to another portal origin', async () => {
    const { validator, requests } = setup();
    const req = requests.add({ origin: 'https://ander-portaal.example' });
    const { token } = tokenFor(req);
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_ORIGIN_MISMATCH');
  });

  it('ERR_TOKEN_REQUEST_EXPIRED: refuses a token after the 5 minutes (injected clock)', async () => {
    const { validator, requests, setNow } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    setNow(req.expiresAt);
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_REQUEST_EXPIRED');
  });

  it('ERR_TOKEN_REQUEST_USED: a replayed token is refused, also when two arrive at once', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    const ctx = { requestId: req.id, origin: ORIGIN };
    expect(await codeOf(validator.validate(json(token), ctx))).toBe('ok');
    expect(await codeOf(validator.validate(json(token), ctx))).toBe('ERR_TOKEN_REQUEST_USED');

    const req2 = requests.add({});
    const t2 = tokenFor(req2).token;
    const both = await Promise.all([0, 1].map(() => codeOf(validator.validate(json(t2), { requestId: req2.id, origin: ORIGIN }))));
    expect(both.sort()).toEqual(['ERR_TOKEN_REQUEST_USED', 'ok']);
  });

  it('ERR_TOKEN_REQUEST_USED: a request cancelled in the app is dead', async () => {
    const { validator, requests } = setup();
    const req = requests.add({ cancelled: true });
    const { token } = tokenFor(req);
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_REQUEST_USED');
  });

  it('ERR_TOKEN_CERT_MALFORMED: refuses a certificate field that is not a certificate', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req);
    const junk: HandoffToken = { ...token, certificate: Buffer.from(randomBytes(300)).toString('base64') };
    expect(await codeOf(validator.validate(json(junk), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_MALFORMED');
  });

  it('ERR_TOKEN_CERT_EXPIRED: refuses an expired card', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-expired');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_EXPIRED');
  });

  it('ERR_TOKEN_CERT_NOT_YET_VALID: refuses a card that is not valid yet', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-not-yet-valid');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_NOT_YET_VALID');
  });

  it('ERR_TOKEN_CERT_KEY_USAGE: refuses a signature by the non-repudiation (signing) key', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-huisarts', { key: 'sign' });
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_KEY_USAGE');
  });

  it('ERR_TOKEN_CERT_NOT_UZI: refuses a certificate whose UZI otherName does not parse', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-malformed-othername');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_NOT_UZI');
  });

  it('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED: an M card cannot validate an organisation', async () => {
    const { validator, requests } = setup();
    const req = requests.add({ purpose: 'validate-organisation', ura: '90000382' });
    const { token } = tokenFor(req, 'M-balie');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED');
  });

  it('ERR_TOKEN_CERT_UNKNOWN_CA: refuses a card from an unknown CA, even with its own root in the token', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-unknown-ca', { withIntermediates: true });
    const withRoot = { ...token, intermediates: [Buffer.from(pki.unknownRoot).toString('base64')] };
    expect(await codeOf(validator.validate(json(withRoot), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_UNKNOWN_CA');
  });

  it('ERR_TOKEN_CHAIN_INVALID: refuses a card issued before its CA was valid', async () => {
    // The lab's ZORG-ID Smartcard CA is valid from 2024-01-01; this card claims 2023.
    const key = pki.deriveKey('portal-validator/early-smartcard');
    const der = await pki.issueHolderCertificate({
      ca: 'smartcard',
      spkiDer: key.spkiDer,
      usage: 'authentication',
      uzi: { value: '2.16.528.1.1007.99.217-1-900016599-N-90000382-00.000-00000000' },
      holder: { organisation: 'TEST Huisartsenpraktijk De Linde', commonName: 'Vroege Vogel' },
      notBefore: new Date('2023-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    const at = new Date('2023-06-01T00:00:00Z').getTime();
    const { validator, requests } = setup({ clock: () => at });
    const req = requests.add({ expiresAt: at + 300_000 });
    const { token } = tokenFor(req, 'SC-employee', { certificateDer: der, keyPkcs8Der: key.keyPkcs8Der });
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CHAIN_INVALID');
  });

  it('ERR_TOKEN_CERT_REVOKED: refuses a card on the CRL', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { token } = tokenFor(req, 'Z-revoked');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_REVOKED');
  });

  it('ERR_TOKEN_REVOCATION_UNKNOWN: no CRL for the issuer, a stale CRL, or an OCSP responder past 5 s', async () => {
    const noCrl = setup({ crls: [] });
    const req = noCrl.requests.add({});
    expect(await codeOf(noCrl.validator.validate(json(tokenFor(req).token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_REVOCATION_UNKNOWN');

    // A CRL whose nextUpdate has passed says nothing (lab CRLs run 10 years from 2026-01-01).
    const late = new Date('2036-06-01T00:00:00Z').getTime();
    const stale = setup({ clock: () => late, allowedCardTypes: {} });
    const lateCert = await pki.issueHolderCertificate({
      ca: 'zorgverlener',
      spkiDer: pki.cards['Z-huisarts'].auth!.spkiDer,
      usage: 'authentication',
      uzi: { value: pki.cards['Z-huisarts'].otherName! },
      holder: { organisation: 'TEST Huisartsenpraktijk De Linde', commonName: 'Anna Maria de Vries' },
      notBefore: new Date('2036-01-01T00:00:00Z'),
      notAfter: new Date('2037-01-01T00:00:00Z'),
    });
    const req2 = stale.requests.add({ expiresAt: late + 300_000 });
    const t2 = tokenFor(req2, 'Z-huisarts', { certificateDer: lateCert }).token;
    expect(await codeOf(stale.validator.validate(json(t2), { requestId: req2.id, origin: ORIGIN }))).toBe('ERR_TOKEN_REVOCATION_UNKNOWN');

    let aborted = false;
    const slow = setup({
      crls: [],
      ocsp: {
        url: 'http://ocsp.card-lab.test',
        timeoutMs: 50,
        query: ({ signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve('good');
            });
          }),
      },
    });
    const req3 = slow.requests.add({});
    expect(await codeOf(slow.validator.validate(json(tokenFor(req3).token), { requestId: req3.id, origin: ORIGIN }))).toBe('ERR_TOKEN_REVOCATION_UNKNOWN');
    expect(aborted).toBe(true);
  });

  it('uses OCSP when no CRL answers, and believes its "revoked"', async () => {
    const answers: Array<'good' | 'revoked'> = ['good', 'revoked'];
    const { validator, requests } = setup({ crls: [], ocsp: { url: 'http://ocsp.card-lab.test', query: async () => answers.shift()! } });
    const r1 = requests.add({});
    expect(await codeOf(validator.validate(json(tokenFor(r1).token), { requestId: r1.id, origin: ORIGIN }))).toBe('ok');
    const r2 = requests.add({});
    expect(await codeOf(validator.validate(json(tokenFor(r2).token), { requestId: r2.id, origin: ORIGIN }))).toBe('ERR_TOKEN_CERT_REVOKED');
  });

  it('ERR_TOKEN_BROWSER_CODE_MISSING: refuses a token without browserCodeHash', async () => {
    const { validator, requests } = setup();
    const req = requests.add({});
    const { browserCodeHash: _b, ...rest } = tokenFor(req).token;
    expect(await codeOf(validator.validate(json(rest), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_BROWSER_CODE_MISSING');
  });

  it('ERR_TOKEN_SIGNATURE_INVALID: a challenge signed for another origin, another challenge, a swapped browser code', async () => {
    const { validator, requests } = setup();
    const cases: Array<(req: HandoffRequestView) => HandoffToken> = [
      (req) => tokenFor({ ...req, origin: 'https://kwaadwillend.example' }).token,
      (req) => tokenFor({ ...req, challenge: toBase64Url(randomBytes(32)) }).token,
      (req) => ({ ...tokenFor(req).token, browserCodeHash: toBase64Url(randomBytes(32)) }),
      (req) => ({ ...tokenFor(req).token, certificate: Buffer.from(pki.cards['N-medewerker'].auth!.certDer).toString('base64') }),
    ];
    for (const make of cases) {
      const req = requests.add({});
      expect(await codeOf(validator.validate(json(make(req)), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_SIGNATURE_INVALID');
    }
  });

  it('ERR_TOKEN_URA_MISMATCH: validate-organisation needs the registration URA on the card', async () => {
    const { validator, requests } = setup();
    const req = requests.add({ purpose: 'validate-organisation', ura: '90000382' });
    const { token } = tokenFor(req, 'Z-unknown-ura');
    expect(await codeOf(validator.validate(json(token), { requestId: req.id, origin: ORIGIN }))).toBe('ERR_TOKEN_URA_MISMATCH');
  });

  it('runs the portal purpose rules last and passes their refusal through', async () => {
    const seen: HandoffPurpose[] = [];
    const rules = ['ERR_TOKEN_USER_UNKNOWN', 'ERR_TOKEN_USER_BLOCKED', 'ERR_TOKEN_PURPOSE_NOT_SUPPORTED'] as const;
    for (const code of rules) {
      const { validator, requests } = setup({
        purposeRules: (ctx) => {
          seen.push(ctx.purpose);
          expect(ctx.holder.uziNumber).toBe('900016528');
          throw new ValidatorError(code);
        },
      });
      const req = requests.add({});
      expect(await codeOf(validator.validate(json(tokenFor(req).token), { requestId: req.id, origin: ORIGIN }))).toBe(code);
    }
    expect(seen).toEqual(['login', 'login', 'login']);
  });
});
