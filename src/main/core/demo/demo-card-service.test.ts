import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent } from '../../../shared/domain';
import { DEMO_CARDS } from '../../../shared/channels';
import { ZORGID_SMARTCARD_LAB_ATR } from '../card/atr-table';
import { loadDemoCards } from './demo-card-set';
import { placeholderDemoCards } from './demo-cards';
import { createDemoCardService, DEMO_READER_NAMES, type DemoCard } from './demo-card-service';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const [R1] = DEMO_READER_NAMES;
let cards: DemoCard[];

beforeAll(async () => {
  cards = (await loadDemoCards(NOW)).cards;
}, 180_000);

const service = () => createDemoCardService({ cards, clock: () => NOW, readDelayMs: 0 });
const pin = (s: string) => Buffer.from(s, 'latin1');

describe('demo card service', () => {
  it('emits a snapshot first, then inserted/removed with the ATR family', () => {
    const demo = service();
    const events: CardEvent[] = [];
    demo.subscribe((e) => events.push(e));
    demo.insert('Z', 0);
    demo.remove(0);
    expect(events.map((e) => e.type)).toEqual(['readers', 'inserted', 'readers', 'removed', 'readers']);
    expect(events[1]).toMatchObject({ type: 'inserted', reader: R1, family: 'uzi', at: NOW });
  });

  it('reads holder and validity against the injected clock', async () => {
    const demo = service();
    demo.insert('Z-expired', 0);
    expect((await demo.read(R1)).validity).toBe('expired');
    demo.insert('Z-not-yet-valid', 0);
    expect((await demo.read(R1)).validity).toBe('not-yet-valid');
    demo.insert('M', 0);
    const m = await demo.read(R1);
    expect(m.holder).toMatchObject({ cardType: 'M', roleCode: '00.000' });
    expect(m.validity).toBe('valid');
  });

  it('fails a read whose card is pulled meanwhile', async () => {
    let release!: () => void;
    const demo = createDemoCardService({ cards, clock: () => NOW, sleep: () => new Promise<void>((r) => (release = r)) });
    demo.insert('Z', 0);
    const reading = demo.read(R1);
    demo.remove(0);
    release();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_CARD_REMOVED' });
  });

  it('signs with the key of the authentication certificate; the signature verifies', async () => {
    const demo = service();
    demo.insert('Z', 0);
    const reading = await demo.read(R1);
    const auth = reading.certificates.find((c) => c.id === reading.authCertificateId)!;
    const data = Buffer.from('challenge');
    const p = pin('123456');
    const sig = await demo.sign({ reader: R1, certificateId: auth.id, mechanism: 'SHA256_RSA_PKCS', data, pin: p });
    expect(p.every((b) => b === 0)).toBe(true);
    const publicKey = auth.der ? new X509Certificate(Buffer.from(auth.der, 'base64')).publicKey : createPublicKey(cards[0]!.keys.get('01')!);
    expect(verify('sha256', data, publicKey, sig)).toBe(true);
  });

  it('counts wrong PINs like a card: two tries left, one, then blocked — also for the right PIN', async () => {
    const demo = service();
    demo.insert('N', 0);
    const req = (p: string) => ({ reader: R1, certificateId: '01', mechanism: 'SHA256_RSA_PKCS' as const, data: Buffer.from('x'), pin: pin(p) });
    await expect(demo.sign(req('000000'))).rejects.toMatchObject({ code: 'ERR_PIN_INCORRECT', detail: { triesLeft: 2 } });
    expect((await demo.read(R1)).pin).toMatchObject({ countLow: true, finalTry: false, locked: false });
    await expect(demo.sign(req('000000'))).rejects.toMatchObject({ code: 'ERR_PIN_INCORRECT', detail: { triesLeft: 1 } });
    expect((await demo.read(R1)).pin.finalTry).toBe(true);
    await expect(demo.sign(req('000000'))).rejects.toMatchObject({ code: 'ERR_PIN_LOCKED' });
    await expect(demo.sign(req('123456'))).rejects.toMatchObject({ code: 'ERR_PIN_LOCKED' });
    expect((await demo.read(R1)).pin.locked).toBe(true);
  });

  it('reads a blank ZORG-ID Smartcard as the card backend reads a token without certificates', async () => {
    const demo = service();
    const events: CardEvent[] = [];
    demo.subscribe((e) => events.push(e));
    demo.insert('SC-blank', 1);
    expect(events.find((e) => e.type === 'inserted')).toMatchObject({ family: 'zorgid-smartcard' });
    const reading = await demo.read(DEMO_READER_NAMES[1]);
    expect(reading.certificates).toEqual([]);
    expect(reading.holder).toBeNull();
    expect(reading.holderError).toMatchObject({ code: 'ERR_CARD_NO_AUTH_CERTIFICATE' });
    expect(reading.validity).toBeNull();
  });

  it('reads a created ZORG-ID Smartcard with the employee as holder, and signs with its key', async () => {
    const demo = service();
    demo.insert('SC', 0);
    expect((await demo.readers())[0]).toMatchObject({ family: 'zorgid-smartcard', atr: ZORGID_SMARTCARD_LAB_ATR });
    const reading = await demo.read(R1);
    expect(reading.tokenLabel).toMatch(/^ZORG-ID Smartcard/);
    expect(reading.holder).toMatchObject({ uziNumber: '900016529', cardType: 'N', commonName: 'Sanne Jansen', ura: '90000382' });
    expect(reading.validity).toBe('valid');
    const data = Buffer.from('challenge');
    const sig = await demo.sign({ reader: R1, certificateId: reading.authCertificateId!, mechanism: 'SHA256_RSA_PKCS', data, pin: pin('123456') });
    const auth = reading.certificates.find((c) => c.id === reading.authCertificateId)!;
    const sc = cards.find((c) => c.key === 'SC')!;
    const publicKey = auth.der ? new X509Certificate(Buffer.from(auth.der, 'base64')).publicKey : createPublicKey(sc.keys.get(auth.id)!);
    expect(verify('sha256', data, publicKey, sig)).toBe(true);
  });

  it('offers every demo card key, the ZORG-ID Smartcards included', () => {
    expect([...service().cards()].sort()).toEqual([...DEMO_CARDS].sort());
  });

  it('has the ZORG-ID Smartcards without the card lab too', () => {
    const placeholders = placeholderDemoCards(NOW);
    expect(placeholders.map((c) => c.key).sort()).toEqual([...DEMO_CARDS].sort());
    const sc = placeholders.find((c) => c.key === 'SC')!;
    expect(sc.atr).toBe(ZORGID_SMARTCARD_LAB_ATR);
    expect(sc.holder).toMatchObject({ uziNumber: '900016529', cardType: 'N' });
    const blank = placeholders.find((c) => c.key === 'SC-blank')!;
    expect(blank).toMatchObject({ atr: ZORGID_SMARTCARD_LAB_ATR, certificates: [], holder: null, holderError: { code: 'ERR_CARD_NO_AUTH_CERTIFICATE' } });
  });

  it('reports a stopped card service, no readers and missing middleware', async () => {
    const demo = service();
    demo.insert('Z', 0);
    demo.scenario({ middleware: 'missing' });
    await expect(demo.read(R1)).rejects.toMatchObject({ code: 'ERR_CARD_MIDDLEWARE_MISSING' });
    demo.scenario({ service: 'down' });
    await expect(demo.readers()).rejects.toMatchObject({ code: 'ERR_CARD_PCSC_UNAVAILABLE' });
    demo.scenario({ service: 'up', readers: 0 });
    expect(await demo.readers()).toEqual([]);
    expect(() => demo.insert('Z', 0)).toThrow(expect.objectContaining({ code: 'ERR_CARD_NO_READER' }));
  });
});
