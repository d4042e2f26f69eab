// ZORG-ID Smartcard creation end to end on real parts: SoftHSM2 through graphene-pk11 (a blank
// SoftHSM token is the blank ZORG-ID Smartcard, another holds a lab UZI-pas), the real reference
// portal over loopback HTTP with SQLite and the card lab's Smartcard CA, then a login with the new
// card that the portal's validator accepts. Pulls are simulated at the token port (every call fails
// with ERR_CARD_REMOVED from the moment a step starts, rollback included), failures by one failing
// port call; either way the blank card must be reusable afterwards.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../src/shared/errors';
import { buildHandoffToken, digestInfoFor, handoffSignedDigest, hashBrowserCode, toBase64Url, type HandoffRequest } from '@zorgid/protocol';
import { openPkcs11 } from '../../src/main/core/card/pkcs11-adapter';
import { SMARTCARD_KEY_ID, SMARTCARD_KEY_LABEL, SMARTCARD_PENDING_LABEL, type SmartcardTokenAccess } from '../../src/main/core/card/smartcard-token';
import {
  SMARTCARD_STEPS,
  createSmartcard,
  slotForReader,
  type CreateSmartcardDeps,
  type SmartcardProgress,
  type SmartcardStep,
} from '../../src/main/core/enrol/create-smartcard';
import { httpSmartcardPortal, type SmartcardPortal } from '../../src/main/core/enrol/smartcard-portal';
import { parseUziCertificate } from '@zorgid/uzi';
import type { Portal } from '../../portal/server';
import { loadLab, LAB_VALID_AT } from '../card-lab/lab-tokens';
import type { CardLabPki } from '../card-lab/pki';
import { SOFTHSM_MODULE } from '../card-lab/pcscd';
import { BLANK_SO_PIN, UZI_PIN, smartcardSoftHsm, softHsmUziCards, startSmartcardPortal, uziLabel, type SmartcardSoftHsm } from './smartcard-lab';

const available = existsSync(SOFTHSM_MODULE) && existsSync('/usr/bin/softhsm2-util') && existsSync('/usr/bin/pkcs11-tool');
if (!available && process.env.CI) throw new Error(`SoftHSM2 unavailable in CI (${SOFTHSM_MODULE}, softhsm2-util, pkcs11-tool)`);
const title = (s: string) => (available ? s : `${s} [skipped: softhsm2 / opensc not installed]`);

const CARD_PIN = '13572468';
const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());

async function refusal(p: Promise<unknown>): Promise<ErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe.skipIf(!available)(title('ZORG-ID Smartcard creation on SoftHSM2 against the reference portal'), () => {
  let pki: CardLabPki;
  let hsm: SmartcardSoftHsm;
  let tokens: SmartcardTokenAccess;
  let portal: Portal;
  let client: SmartcardPortal;
  let dir: string;
  const now = { value: LAB_VALID_AT.getTime() };

  beforeAll(async () => {
    pki = await loadLab();
    hsm = await smartcardSoftHsm(pki);
    for (const card of ['Z-huisarts', 'N-medewerker', 'M-balie', 'Z-4096', 'Z-unknown-ura'] as const) await hsm.addUzi(card);
    for (const blank of ['SC blank 1', 'SC blank 2', 'SC blank 3', 'SC blank 4', 'SC blank 5']) await hsm.addBlank(blank);
    // The module reads its configuration once, at load: point it at this test's token folder first.
    process.env.SOFTHSM2_CONF = hsm.base.conf;
    tokens = openPkcs11(SOFTHSM_MODULE);
    dir = mkdtempSync(join(tmpdir(), 'zorgid-sc-portal-'));
    portal = await startSmartcardPortal(pki, join(dir, 'portal.sqlite'), () => now.value, [
      ['90000382', 'TEST Huisartsenpraktijk De Linde'],
      ['90000383', 'TEST Apotheek Centrum'],
      ['99999999', 'TEST Praktijk Nergens'],
    ]);
    client = httpSmartcardPortal({ origin: portal.origin, allowlist: [portal.origin] });
  }, 120_000);

  afterAll(async () => {
    await portal?.close();
    await tokens?.close();
    hsm?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deps = (over: Partial<CreateSmartcardDeps> = {}): CreateSmartcardDeps => ({
    blank: tokens,
    uzi: softHsmUziCards(tokens),
    portal: client,
    pinAuthority: () => ({ kind: 'so', soPin: Buffer.from(BLANK_SO_PIN) }),
    appVersion: 'test-0.1.0',
    ...over,
  });
  const input = (uzi: Parameters<typeof uziLabel>[0], blank: string, pin = CARD_PIN) => ({
    uziReader: uziLabel(uzi),
    blankReader: blank,
    pin: Buffer.from(pin),
    pinRepeat: Buffer.from(pin),
    uziPin: async () => Buffer.from(UZI_PIN),
  });

  /** Nothing of a Smartcard on the card: no certificate, no public key and (logged in) no private key. */
  async function expectEmpty(blank: string, pin = CARD_PIN) {
    const { slotId } = await slotForReader(tokens, blank);
    const inspection = await tokens.inspectBlank(slotId);
    expect(inspection).toMatchObject({ blank: true, certificates: 0, publicKeys: 0, dataObjects: 0 });
    expect(await refusal(tokens.readKeyAttributes({ slotId, pin: Buffer.from(pin), id: SMARTCARD_KEY_ID }))).toBe('ERR_CARD_KEY_NOT_FOUND');
  }

  async function login(certLabel: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${portal.url}/api/handoff`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ purpose: 'login' }) });
    const request = (await res.json()) as HandoffRequest;
    const bc = toBase64Url(randomBytes(16));
    const browserCodeHash = hashBrowserCode(sha256, bc);
    const signed = handoffSignedDigest(sha256, { origin: request.origin, challenge: request.challenge, purpose: 'login', browserCodeHash });
    const { slotId } = await slotForReader(tokens, certLabel);
    const [cert] = await tokens.readCertificates(slotId);
    const signature = await tokens.sign({ slotId, certificateId: cert!.id, mechanism: 'RSA_PKCS', data: Buffer.from(digestInfoFor(signed)), pin: Buffer.from(CARD_PIN) });
    const token = buildHandoffToken({ purpose: 'login', browserCodeHash, certificate: new Uint8Array(Buffer.from(cert!.der, 'base64')), signature, appVersion: 'test-0.1.0' });
    const posted = await fetch(`${portal.url}/api/handoff/${request.id}/token`, { method: 'POST', body: JSON.stringify(token) });
    return { status: posted.status, body: (await posted.json()) as Record<string, unknown> };
  }

  it('creates a Smartcard with a Z card, step by step, and the portal accepts a login with it', async () => {
    const events: SmartcardProgress[] = [];
    const pin = Buffer.from(CARD_PIN);
    const pinRepeat = Buffer.from(CARD_PIN);
    const t0 = performance.now();
    const created = await createSmartcard(deps(), { ...input('Z-huisarts', 'SC blank 1'), pin, pinRepeat }, (e) => events.push(e));
    console.log(`SMARTCARD create on SoftHSM2 + portal: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(events.filter((e) => e.status === 'done').map((e) => e.step)).toEqual([...SMARTCARD_STEPS]);
    expect(events.every((e) => e.total === SMARTCARD_STEPS.length)).toBe(true);
    expect([...pin, ...pinRepeat].every((b) => b === 0)).toBe(true);

    // Issued by the Smartcard CA, for the employee of the UZI-pas, and on the card under CKA_ID 01.
    const cert = new X509Certificate(created.certificateDer);
    expect(cert.issuer).toContain('TEST ZORG-ID Smartcard CA');
    expect(cert.verify(new X509Certificate(pki.smartcardCa.certDer).publicKey)).toBe(true);
    expect(parseUziCertificate(new Uint8Array(created.certificateDer))).toMatchObject({ uziNumber: '900016528', cardType: 'Z', ura: '90000382' });
    const { slotId } = await slotForReader(tokens, 'SC blank 1');
    const onCard = await tokens.readCertificates(slotId);
    expect(onCard.map((c) => [c.id, c.label, c.usage])).toEqual([[SMARTCARD_KEY_ID, SMARTCARD_KEY_LABEL, 'authentication']]);
    expect(Buffer.from(onCard[0]!.der, 'base64').equals(created.certificateDer)).toBe(true);
    expect((await tokens.inspectBlank(slotId)).blank).toBe(false);

    // The private key never leaves the card.
    const attrs = await tokens.readKeyAttributes({ slotId, pin: Buffer.from(CARD_PIN), id: SMARTCARD_KEY_ID });
    expect(attrs).toEqual({ sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, private: true, sign: true, token: true, modulusBits: 2048 });

    const record = await portal.store.findSmartcardByCert(createHash('sha256').update(created.certificateDer).digest('hex'));
    expect(record).toMatchObject({ status: 'active', uziNumber: '900016528', ura: '90000382' });

    const ok = await login('SC blank 1');
    expect(ok).toMatchObject({ status: 200, body: { outcome: 'accepted' } });

    // The login rule can refuse: a blocked Smartcard does not log in.
    await portal.store.setSmartcardStatus(record!.id, ['active'], 'blocked', now.value, 'verdachte-activiteit');
    expect((await login('SC blank 1')).body).toMatchObject({ code: 'ERR_TOKEN_USER_BLOCKED' });
    await portal.store.setSmartcardStatus(record!.id, ['blocked'], 'active', now.value);
    expect((await login('SC blank 1')).status).toBe(200);
  }, 60_000);

  it('refuses a second Smartcard for the same person and leaves the second blank card blank', async () => {
    expect(await refusal(createSmartcard(deps(), input('Z-huisarts', 'SC blank 2')))).toBe('ERR_SMARTCARD_ALREADY_EXISTS');
    await expectEmpty('SC blank 2');
  }, 60_000);

  it('refuses a person with a Mobiel ID (one or the other)', async () => {
    await portal.store.createPerson({ id: 'ZID-TEST-0000-0001', givenName: 'Sanne', surname: 'Jansen', name: 'Sanne Jansen', birthDate: '1990-01-01', uziNumber: '900016529', createdAt: now.value, lastUsedAt: null });
    await portal.store.putMobileId({
      id: 'mobile-sanne', personId: 'ZID-TEST-0000-0001', uziNumber: '900016529', name: 'Sanne Jansen', birthDate: '1990-01-01',
      publicKeySpki: 'AA', keyAlg: 'ES256', status: 'active', createdAt: now.value,
    });
    expect(await refusal(createSmartcard(deps(), input('N-medewerker', 'SC blank 2')))).toBe('ERR_SMARTCARD_HAS_MOBIEL_ID');
    await expectEmpty('SC blank 2');
  }, 60_000);

  it('refuses an M card (a function, not a person)', async () => {
    expect(await refusal(createSmartcard(deps(), input('M-balie', 'SC blank 2')))).toBe('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED');
    await expectEmpty('SC blank 2');
  }, 60_000);

  it('refuses a card that is not blank and never touches it', async () => {
    const { slotId } = await slotForReader(tokens, 'SC blank 1');
    const before = await tokens.readCertificates(slotId);
    expect(await refusal(createSmartcard(deps(), input('Z-4096', 'SC blank 1')))).toBe('ERR_SMARTCARD_NOT_BLANK');
    expect(await tokens.readCertificates(slotId)).toEqual(before);
  }, 60_000);

  it('checks the PIN entered twice before touching any card, and zeroes both', async () => {
    const pin = Buffer.from('123456');
    const pinRepeat = Buffer.from('123465');
    expect(await refusal(createSmartcard(deps(), { ...input('Z-4096', 'SC blank 3'), pin, pinRepeat }))).toBe('ERR_SMARTCARD_PIN_MISMATCH');
    expect([...pin, ...pinRepeat].every((b) => b === 0)).toBe(true);
    expect(await refusal(createSmartcard(deps(), input('Z-4096', 'SC blank 3', '12345')))).toBe('ERR_SMARTCARD_PIN_FORMAT');
    expect(await refusal(createSmartcard(deps(), input('Z-4096', 'SC blank 3', '12345a')))).toBe('ERR_SMARTCARD_PIN_FORMAT');
  });

  /** The blank card's port, pulled (every call fails) from the moment `step` starts until reinserted. */
  function pulledAt(step: SmartcardStep) {
    let pulled = false;
    const port = new Proxy(tokens, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (pulled) {
            for (const a of args) if (a && typeof a === 'object') for (const v of Object.values(a)) if (Buffer.isBuffer(v)) v.fill(0);
            return Promise.reject(new AppError('ERR_CARD_REMOVED', { simulated: true }));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { port, onProgress: (e: SmartcardProgress) => { if (e.step === step && e.status === 'running') pulled = true; } };
  }

  it.each(SMARTCARD_STEPS)('blank card pulled at "%s": a clear error, and the card stays blank and reusable', async (step) => {
    const { port, onProgress } = pulledAt(step);
    const events: SmartcardProgress[] = [];
    const code = await refusal(createSmartcard(deps({ blank: port }), input('Z-4096', 'SC blank 3'), (e) => { onProgress(e); events.push(e); }));
    expect(code).toBe('ERR_CARD_REMOVED');
    expect(events.at(-1)).toMatchObject({ status: 'failed', code: 'ERR_CARD_REMOVED' });
    const madeOnCard = SMARTCARD_STEPS.indexOf(step) > SMARTCARD_STEPS.indexOf('set-pin');
    // The rollback could not reach the card: leftovers of this creation stay behind.
    expect(events.at(-1)).toMatchObject({ rolledBack: !madeOnCard });
    // Reinserted: blank by definition (leftovers of this creation only), and a new key pair goes on it.
    const { slotId } = await slotForReader(tokens, 'SC blank 3');
    const inspection = await tokens.inspectBlank(slotId);
    expect(inspection.blank).toBe(true);
    if (SMARTCARD_STEPS.indexOf(step) > SMARTCARD_STEPS.indexOf('generate-key')) expect(inspection.leftoverObjects).toBeGreaterThan(0);
    const pin = () => Buffer.from(SMARTCARD_STEPS.indexOf(step) < 2 ? '000000' : CARD_PIN);
    await tokens.generateKeyPair({ slotId, pin: pin(), id: SMARTCARD_KEY_ID, label: SMARTCARD_PENDING_LABEL, bits: 2048 });
    expect(await tokens.destroyObjects({ slotId, pin: pin(), id: SMARTCARD_KEY_ID })).toBe(2);
  }, 60_000);

  it.each(SMARTCARD_STEPS)('a failing call at "%s" is rolled back: no keys or certificates left on the blank card', async (step) => {
    let armed = false;
    let failed = false;
    const failOnce = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(t, prop, receiver) {
          const value = Reflect.get(t, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (armed && !failed) {
              failed = true;
              for (const a of args) if (a && typeof a === 'object') for (const v of Object.values(a)) if (Buffer.isBuffer(v)) v.fill(0);
              return Promise.reject(new AppError('ERR_CARD_SIGN_FAILED', { simulated: step }));
            }
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    // The failing call is the first one of the step, whichever port the step uses.
    const blankPort = ['identify-uzi', 'certify'].includes(step) ? tokens : failOnce(tokens);
    const uzi = step === 'identify-uzi' ? failOnce(softHsmUziCards(tokens)) : softHsmUziCards(tokens);
    const portalPort = step === 'certify' ? failOnce(client) : client;
    const events: SmartcardProgress[] = [];
    const code = await refusal(
      createSmartcard(deps({ blank: blankPort, uzi, portal: portalPort }), input('Z-4096', 'SC blank 4'), (e) => {
        events.push(e);
        if (e.step === step && e.status === 'running') armed = true;
      }),
    );
    expect(failed).toBe(true);
    expect(events.at(-1)).toMatchObject({ step, status: 'failed', rolledBack: true });
    expect(code).toBe('ERR_CARD_SIGN_FAILED');
    // Before "set-pin" ran once, the card still has the PIN it came with.
    await expectEmpty('SC blank 4', SMARTCARD_STEPS.indexOf(step) < 2 ? '000000' : CARD_PIN);
  }, 60_000);

  it('after all those failures the same blank cards still become Smartcards (pending creations never block)', async () => {
    const created = await createSmartcard(deps(), input('Z-4096', 'SC blank 3'));
    expect(parseUziCertificate(new Uint8Array(created.certificateDer))).toMatchObject({ uziNumber: '900016530', ura: '90000383' });
    const { slotId } = await slotForReader(tokens, 'SC blank 3');
    expect((await tokens.readCertificates(slotId)).map((c) => c.label)).toEqual([SMARTCARD_KEY_LABEL]);
    expect((await login('SC blank 3')).status).toBe(200);
  }, 60_000);

  /** One reader, "Lezer 1": only the inserted card's token is visible, as with a real reader. */
  function oneReader(first: string) {
    let inserted = first;
    const port = new Proxy(tokens, {
      get(target, prop, receiver) {
        if (prop === 'listTokens') {
          return async () => (await target.listTokens()).filter((t) => t.tokenLabel === inserted).map((t) => ({ ...t, description: 'Lezer 1' }));
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    return { port, insert: (label: string) => { inserted = label; } };
  }

  it('works with one reader: asks for the UZI-pas, then the blank card back', async () => {
    const reader = oneReader('SC blank 5');
    const events: SmartcardProgress[] = [];
    const created = await createSmartcard(
      deps({
        blank: reader.port,
        uzi: softHsmUziCards(reader.port),
        waitForCard: async (_r, card) => reader.insert(card === 'uzi' ? uziLabel('Z-unknown-ura') : 'SC blank 5'),
      }),
      { ...input('Z-unknown-ura', 'SC blank 5'), uziReader: 'Lezer 1', blankReader: 'Lezer 1' },
      (e) => events.push(e),
    );
    expect(events.filter((e) => e.status === 'insert-card').map((e) => [e.step, 'card' in e ? e.card : null])).toEqual([
      ['identify-uzi', 'uzi'],
      ['write-certificate', 'blank'],
    ]);
    expect(parseUziCertificate(new Uint8Array(created.certificateDer))).toMatchObject({ uziNumber: '900016537' });
    const { slotId } = await slotForReader(tokens, 'SC blank 5');
    expect((await tokens.readCertificates(slotId)).map((c) => c.label)).toEqual([SMARTCARD_KEY_LABEL]);
  }, 60_000);

  it('with one reader never rolls back on the UZI-pas that sits where the blank card was', async () => {
    const reader = oneReader('SC blank 4');
    const uziSlot = (await slotForReader(tokens, uziLabel('M-balie'))).slotId;
    const before = await tokens.readCertificates(uziSlot);
    const code = await refusal(
      createSmartcard(
        deps({ blank: reader.port, uzi: softHsmUziCards(reader.port), waitForCard: async () => reader.insert(uziLabel('M-balie')) }),
        { ...input('M-balie', 'SC blank 4'), uziReader: 'Lezer 1', blankReader: 'Lezer 1' },
      ),
    );
    expect(code).toBe('ERR_TOKEN_CARD_TYPE_NOT_ALLOWED');
    // The UZI-pas keeps its certificate and key; the blank card keeps this creation's leftovers only.
    expect(await tokens.readCertificates(uziSlot)).toEqual(before);
    expect(await tokens.readKeyAttributes({ slotId: uziSlot, pin: Buffer.from(UZI_PIN), id: '01' })).toMatchObject({ sensitive: true });
    const blank = await tokens.inspectBlank((await slotForReader(tokens, 'SC blank 4')).slotId);
    expect(blank).toMatchObject({ blank: true, certificates: 0 });
    expect(blank.leftoverObjects).toBe(1);
  }, 60_000);
});
