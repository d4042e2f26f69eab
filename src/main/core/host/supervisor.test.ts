// The card host against the real SoftHSM2 PKCS#11 module, in its own child process per host (so each
// host has its own SOFTHSM2_CONF and C_Initialize).
import { createVerify, X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { createSoftHsmToken, type SoftHsmToken } from '../../../../test/card-lab/softhsm';
import { loadCardLab, LAB_VALID_AT, type LabCard } from '../../../../test/card-lab/pki';
import { SOFTHSM_MODULE } from '../../../../test/card-lab/pcscd';
import { createCardHost, type CardHost } from './supervisor';

const pin = (s = '123456') => Buffer.from(s);

async function expectCode(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

describe('card host with a SoftHSM2 token', () => {
  let card: LabCard;
  let token: SoftHsmToken;
  let host: CardHost;
  let now = LAB_VALID_AT.getTime();
  const events: CardEvent[] = [];

  beforeAll(async () => {
    const lab = await loadCardLab();
    card = lab.cards['Z-huisarts'];
    token = await createSoftHsmToken({
      label: 'zorgid host test',
      objects: [card.auth!, card.sign!].map((k) => ({ id: k.id, label: k.label, certDer: k.certDer, keyPkcs8Der: k.keyPkcs8Der })),
    });
    host = createCardHost({ modulePath: SOFTHSM_MODULE, pcsc: false, env: token.env as Record<string, string>, clock: () => now });
    host.subscribe((e) => events.push(e));
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    token?.dispose();
  });

  it('reads the token, lists its certificates and picks the authentication certificate', async () => {
    const reading = await host.read('SoftHSM');
    expect(reading.tokenLabel).toBe('zorgid host test');
    expect(reading.certificates.map((c) => [c.id, c.usage, c.keyBits]).sort()).toEqual([
      ['01', 'authentication', 2048],
      ['02', 'signing', 2048],
    ]);
    expect(reading.authCertificateId).toBe('01');
    expect(reading.holder).toMatchObject(card.expected);
    expect(reading.pin.locked).toBe(false);
    expect(reading.pin.pinpad).toBe(false);
  });

  it('judges validity by the clock it was given', async () => {
    expect((await host.read('SoftHSM')).validity).toBe('valid');
    now = Date.parse('2031-01-01T00:00:00Z');
    expect((await host.read('SoftHSM')).validity).toBe('expired');
    now = Date.parse('2020-01-01T00:00:00Z');
    expect((await host.read('SoftHSM')).validity).toBe('not-yet-valid');
    now = LAB_VALID_AT.getTime();
  });

  it('signs with the authentication key and zeroes the PIN', async () => {
    const data = Buffer.from('login challenge');
    const p = pin();
    const sig = await host.sign({ reader: 'SoftHSM', certificateId: '01', mechanism: 'SHA256_RSA_PKCS', data, pin: p });
    expect(p.every((b) => b === 0)).toBe(true);
    const key = new X509Certificate(card.auth!.certDer).publicKey;
    expect(createVerify('sha256').update(data).verify(key, sig)).toBe(true);
  });

  it('answers a wrong PIN with ERR_PIN_INCORRECT (retry)', async () => {
    const err = await expectCode(host.sign({ reader: 'SoftHSM', certificateId: '01', mechanism: 'SHA256_RSA_PKCS', data: Buffer.from('x'), pin: pin('999999') }), 'ERR_PIN_INCORRECT');
    expect(err.kind).toBe('retry');
  });

  it('refuses a PIN shorter than the token allows without trying it', async () => {
    await expectCode(host.sign({ reader: 'SoftHSM', certificateId: '01', mechanism: 'SHA256_RSA_PKCS', data: Buffer.from('x'), pin: pin('12') }), 'ERR_PIN_FORMAT');
  });

  it('never signs with the non-repudiation key', async () => {
    await expectCode(host.sign({ reader: 'SoftHSM', certificateId: '02', mechanism: 'SHA256_RSA_PKCS', data: Buffer.from('x'), pin: pin() }), 'ERR_CERT_KEY_USAGE');
  });

  it('answers a call pending on a killed host with ERR_CARD_HOST_RESTARTED, then works again', async () => {
    await host.whenReady();
    const before = events.length;
    const pid = host.hostPid()!;
    const pending = host.read('SoftHSM');
    process.kill(pid, 'SIGKILL');
    await expectCode(pending, 'ERR_CARD_HOST_RESTARTED');
    const reading = await host.read('SoftHSM');
    expect(reading.authCertificateId).toBe('01');
    expect(host.hostPid()).not.toBe(pid);
    const after = events.slice(before);
    expect(after.some((e) => e.type === 'host' && e.status === 'restarted')).toBe(true);
    // The new host reported its readers afresh (empty here: no PC/SC in this host).
    expect(after.findIndex((e) => e.type === 'readers')).toBeGreaterThan(after.findIndex((e) => e.type === 'host'));
  });
});

describe('card host deadlines', () => {
  it('kills a host that does not answer within the deadline and starts a new one', async () => {
    const host = createCardHost({
      entry: fileURLToPath(new URL('./silent-host.fixture.ts', import.meta.url)),
      modulePath: null,
      deadlines: { readers: 800 },
    });
    const events: CardEvent[] = [];
    host.subscribe((e) => events.push(e));
    try {
      await host.whenReady();
      const pid = host.hostPid();
      const started = Date.now();
      await expectCode(host.readers(), 'ERR_CARD_HOST_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(events.some((e) => e.type === 'host' && e.status === 'restarted')).toBe(true);
      await host.whenReady();
      expect(host.hostPid()).not.toBe(pid);
      expect(() => process.kill(pid!, 0)).toThrow();
    } finally {
      await host.close();
    }
  });

  it('gives up after too many restarts with ERR_CARD_HOST_UNAVAILABLE', async () => {
    const host = createCardHost({
      entry: fileURLToPath(new URL('./silent-host.fixture.ts', import.meta.url)),
      modulePath: null,
      deadlines: { readers: 300 },
      restart: { max: 1, windowMs: 60_000, backoffMs: 10, maxBackoffMs: 10 },
    });
    try {
      await expectCode(host.readers(), 'ERR_CARD_HOST_TIMEOUT');
      await expectCode(host.readers(), 'ERR_CARD_HOST_TIMEOUT');
      await expectCode(host.readers(), 'ERR_CARD_HOST_UNAVAILABLE');
    } finally {
      await host.close();
    }
  });

  it('gives a signature the short deadline once the reader is known to have no pinpad, else the pinpad one', async () => {
    const host = createCardHost({
      entry: fileURLToPath(new URL('./silent-host.fixture.ts', import.meta.url)),
      modulePath: null,
      deadlines: { sign: 2500, signWithoutPinpad: 500 },
    });
    const sign = () => host.sign({ reader: 'r', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('x'), pin: Buffer.from('1234') });
    try {
      let started = Date.now();
      await expectCode(sign(), 'ERR_CARD_HOST_TIMEOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
      expect((await host.read('r')).pin.pinpad).toBe(false);
      started = Date.now();
      await expectCode(sign(), 'ERR_CARD_HOST_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await host.close();
    }
  });

  it('reports a missing middleware as ERR_CARD_MIDDLEWARE_MISSING (fatal)', async () => {
    const host = createCardHost({ modulePath: null, moduleCandidates: ['/nonexistent/libaetpkss.so'], pcsc: false });
    try {
      const err = await expectCode(host.read('any'), 'ERR_CARD_MIDDLEWARE_MISSING');
      expect(err.kind).toBe('fatal');
    } finally {
      await host.close();
    }
  });
});
