// Warm before asked (issue 16): on insert, and at start for a card already in, the backend reads the
// card so the handoff finds it ready; once the card is pulled nothing of it is kept. In-memory ports
// with the card lab's Z-huisarts certificate (the real adapters: card-host.lab.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent, CertificateSummary, ReaderState } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { loadCardLab } from '../../../../test/card-lab/pki';
import { parseUziCertificate } from '@zorgid/uzi';
import { createCardBackend } from './card-backend';
import { certificateFacts } from './certificate-usage';
import type { ReaderMonitor } from './pcsc-adapter';
import type { TokenAccess, TokenSlot } from './token-access';

const R = 'Virtual PCD 00 00';
const slotA: TokenSlot = {
  slotId: '01',
  description: R,
  tokenLabel: 'UZI-pas',
  tokenSerial: 'S1',
  manufacturer: 'm',
  model: 'x',
  pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 },
};

function liveMonitor(initial: ReaderState[]) {
  let readers = initial;
  const listeners = new Set<(e: CardEvent) => void>();
  const monitor: ReaderMonitor = {
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    ready: async () => undefined,
    readers: () => readers,
    serviceError: () => null,
    close: async () => undefined,
  };
  const set = (present: boolean) => {
    readers = [{ name: R, present, atr: present ? '3B' : null, family: present ? 'uzi' : null, cardName: null }];
    const e: CardEvent = present ? { type: 'inserted', reader: R, atr: '3B', family: 'uzi', at: 0 } : { type: 'removed', reader: R, at: 0 };
    for (const l of listeners) l(e);
  };
  return { monitor, insert: () => set(true), pull: () => set(false) };
}

let certificates: CertificateSummary[];
beforeAll(async () => {
  const auth = (await loadCardLab()).cards['Z-huisarts'].auth!;
  const { usage, keyBits } = certificateFacts(auth.certDer);
  certificates = [{ id: auth.id, label: 'auth', der: auth.certDer.toString('base64'), usage, keyBits }];
});

function countingTokens(slots: TokenSlot[]) {
  const calls = { listTokens: 0, readCertificates: 0, sign: 0 };
  const access: TokenAccess = {
    listTokens: async () => (calls.listTokens++, slots),
    readCertificates: async () => (calls.readCertificates++, certificates),
    async sign(req) {
      calls.sign++;
      req.pin.fill(0);
      if (req.pin.length === 0) throw new AppError('ERR_PIN_INCORRECT');
      return Buffer.from('sig');
    },
    close: async () => undefined,
  };
  return { access, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('warm before asked', () => {
  it('reads an inserted card before anyone asks, and the read that follows touches no token', async () => {
    const lab = liveMonitor([]);
    const { access, calls } = countingTokens([slotA]);
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => access, parseHolder: parseUziCertificate, clock: () => Date.parse('2027-01-01'), warmUp: true });
    lab.insert();
    await settle();
    expect(calls.readCertificates).toBe(1);
    expect(backend.warmReaders()).toEqual([R]);
    const before = { ...calls };
    const reading = await backend.read(R);
    expect(reading.holder?.uziNumber).toMatch(/^\d+$/);
    expect(reading.validity).toBe('valid');
    expect(calls).toEqual(before);
    await backend.close();
  });

  it('warms a card already in at start', async () => {
    const lab = liveMonitor([{ name: R, present: true, atr: '3B', family: 'uzi', cardName: null }]);
    const { access, calls } = countingTokens([slotA]);
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => access, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true });
    await settle();
    expect(calls.readCertificates).toBe(1);
    expect(backend.warmReaders()).toEqual([R]);
    await backend.close();
  });

  it('keeps nothing of the card once it is pulled: the warm cache is empty and a read asks the token again', async () => {
    const lab = liveMonitor([]);
    const { access, calls } = countingTokens([slotA]);
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => access, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true });
    lab.insert();
    await backend.read(R);
    lab.pull();
    expect(backend.warmReaders()).toEqual([]);
    await expect(backend.read(R)).rejects.toMatchObject({ code: 'ERR_CARD_NOT_PRESENT' });
    lab.insert();
    await settle();
    expect(calls.readCertificates).toBe(2);
    await backend.close();
  });

  it('forgets the warm reading of a card that Smartcard creation writes to: the next read asks the token again', async () => {
    const lab = liveMonitor([]);
    const { access, calls } = countingTokens([slotA]);
    const written: string[] = [];
    const withWrite = { ...access, writeCertificate: async (req: { slotId: string; pin: Buffer }) => (req.pin.fill(0), void written.push(req.slotId)) };
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => withWrite, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true });
    lab.insert();
    await backend.read(R);
    expect(backend.warmReaders()).toEqual([R]);
    await backend.smartcardTokens().writeCertificate({ slotId: '01', pin: Buffer.from('12345678'), id: '01', label: 'x', der: Buffer.alloc(1) });
    expect(written).toEqual(['01']);
    expect(backend.warmReaders()).toEqual([]);
    await backend.read(R);
    expect(calls.readCertificates).toBe(2);
    await backend.close();
  });

  it('signs with the warm slot, then asks the token for the PIN status again (a wrong PIN changes it)', async () => {
    const lab = liveMonitor([]);
    const slots = [slotA];
    const { access, calls } = countingTokens(slots);
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => access, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true });
    lab.insert();
    await backend.read(R);
    const listed = calls.listTokens;
    const sign = (pin: string) => backend.sign({ reader: R, certificateId: certificates[0]!.id, mechanism: 'SHA256_RSA_PKCS', data: Buffer.from('x'), pin: Buffer.from(pin) });
    expect((await sign('1234')).toString()).toBe('sig');
    expect(calls.listTokens).toBe(listed);
    await expect(sign('')).rejects.toMatchObject({ code: 'ERR_PIN_INCORRECT' });
    slots[0] = { ...slotA, pin: { ...slotA.pin, finalTry: true } };
    expect((await backend.read(R)).pin.finalTry).toBe(true);
    expect(calls.readCertificates).toBe(1);
    await backend.close();
  });

  it('keeps no warm reading without PC/SC (nothing would tell it the card went)', async () => {
    const { access, calls } = countingTokens([slotA]);
    const backend = createCardBackend({ monitor: null, tokens: () => access, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true });
    await backend.read('SoftHSM');
    await backend.read('SoftHSM');
    expect(calls.readCertificates).toBe(2);
    expect(backend.warmReaders()).toEqual([]);
    await backend.close();
  });

  it('a warm read still hanging after its card was pulled ends the card host (no caller deadline would)', async () => {
    const lab = liveMonitor([]);
    const { access } = countingTokens([slotA]);
    const hanging: TokenAccess = { ...access, readCertificates: () => new Promise<never>(() => undefined) };
    const stuck: string[] = [];
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => hanging, clock: () => 0, warmUp: true, warmStuckMs: 100, onWarmStuck: (r) => stuck.push(r) });
    lab.insert();
    await settle();
    lab.pull();
    expect(backend.warmReaders()).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(stuck).toEqual([R]);
  });

  it('a warm read that finished does not count as stuck when its card is pulled', async () => {
    const lab = liveMonitor([]);
    const { access } = countingTokens([slotA]);
    const stuck: string[] = [];
    const backend = createCardBackend({ monitor: lab.monitor, tokens: () => access, parseHolder: parseUziCertificate, clock: () => 0, warmUp: true, warmStuckMs: 50, onWarmStuck: (r) => stuck.push(r) });
    lab.insert();
    await backend.read(R);
    lab.pull();
    await new Promise((r) => setTimeout(r, 120));
    expect(stuck).toEqual([]);
    await backend.close();
  });
});
