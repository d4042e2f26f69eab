// The backend's own rules with in-memory ports (the real adapters are covered by the SoftHSM and lab
// tests): slot ↔ reader matching, one operation at a time per reader, PIN zeroing.
import { describe, expect, it } from 'vitest';
import type { CardEvent, ReaderState } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { createCardBackend, matchSlot, readerOfToken } from './card-backend';
import type { ReaderMonitor } from './pcsc-adapter';
import type { TokenAccess, TokenSignRequest, TokenSlot } from './token-access';

const slot = (slotId: string, description: string, tokenLabel = `token ${slotId}`): TokenSlot => ({
  slotId,
  description,
  tokenLabel,
  tokenSerial: slotId,
  manufacturer: 'm',
  model: 'x',
  pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 },
});

describe('which token belongs to a reader (card-lab.md)', () => {
  const R0 = 'Virtual PCD 00 00';
  const R1 = 'Virtual PCD 00 01';

  it('prefers the slot whose description names the reader', () => {
    expect(matchSlot(R1, [slot('a', R0), slot('b', R1)], [R0, R1]).slotId).toBe('b');
    expect(matchSlot('ACME Reader', [slot('a', 'other'), slot('b', 'ACME Reader 0 (slot 1)')], []).slotId).toBe('b');
  });

  it('a Smartcard\'s token labelled with the reader\'s name is that reader\'s card, before the middleware\'s slot for it', () => {
    // The lab's SoftHSM-backed ZORG-ID Smartcard: OpenSC lists its empty PIV applet under the reader's
    // name, the SoftHSM token (where the keys are) carries the name as its label.
    const slots = [slot('u:1', R0, 'UZI-pas'), slot('u:2', R1, 'PIV_II'), slot('s:9', 'SoftHSM slot ID 0x9', R1)];
    expect(matchSlot(R1, slots, [R0, R1], 'zorgid-smartcard').slotId).toBe('s:9');
    expect(matchSlot(R0, slots, [R0, R1], 'uzi').slotId).toBe('u:1');
    // Only a card PC/SC knows as a ZORG-ID Smartcard: a UZI-pas in that reader is the middleware's.
    expect(matchSlot(R1, slots, [R0, R1], 'uzi').slotId).toBe('u:2');
    expect(matchSlot(R0, [...slots, slot('s:8', 'SoftHSM slot ID 0x8', R0)], [R0, R1], 'uzi').slotId).toBe('u:1');
    expect(readerOfToken(slots[2]!, [R0, R1])).toBe(R1);
    expect(readerOfToken(slots[1]!, [R0, R1])).toBe(R1);
    expect(readerOfToken(slot('x', 'SoftHSM slot ID 0x1', 'SC blank'), [R0, R1])).toBeUndefined();
  });

  it('takes the only token when no slot names the reader', () => {
    expect(matchSlot('SoftHSM', [slot('a', 'SoftHSM slot ID 0x1')], []).slotId).toBe('a');
  });

  it('does not hand out the token of another known reader', () => {
    expect(() => matchSlot(R0, [slot('b', R1)], [R0, R1])).toThrow(AppError);
    try {
      matchSlot(R0, [slot('b', R1)], [R0, R1]);
    } catch (e) {
      expect((e as AppError).code).toBe('ERR_CARD_TOKEN_NOT_FOUND');
    }
  });

  it('lets the person choose when several tokens could be it', () => {
    try {
      matchSlot('USB token', [slot('a', 'one'), slot('b', 'two')], []);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('ERR_CARD_TOKEN_AMBIGUOUS');
      expect((e as AppError).kind).toBe('cancel');
      expect((e as AppError).detail).toMatchObject({ tokens: ['token a', 'token b'] });
    }
  });
});

function staticMonitor(readers: ReaderState[]): ReaderMonitor {
  return {
    subscribe: (_l: (e: CardEvent) => void) => () => undefined,
    ready: async () => undefined,
    readers: () => readers,
    serviceError: () => null,
    close: async () => undefined,
  };
}

function recordingTokens(slots: TokenSlot[], signMs = 50) {
  const log: string[] = [];
  const access: TokenAccess = {
    listTokens: async () => slots,
    readCertificates: async () => [],
    async sign(req: TokenSignRequest) {
      log.push(`start ${req.slotId}`);
      await new Promise((r) => setTimeout(r, signMs));
      log.push(`end ${req.slotId}`);
      req.pin.fill(0);
      return Buffer.from('sig');
    },
    close: async () => undefined,
  };
  return { access, log };
}

const present = (name: string): ReaderState => ({ name, present: true, atr: '3B', family: 'unknown', cardName: 'Onbekende pas' });

describe('card backend', () => {
  it('runs one card operation at a time per reader, readers in parallel', async () => {
    const { access, log } = recordingTokens([slot('a', 'R-A'), slot('b', 'R-B')]);
    const backend = createCardBackend({ monitor: staticMonitor([present('R-A'), present('R-B')]), tokens: () => access, clock: () => 0 });
    const req = (reader: string) => ({ reader, certificateId: '01', mechanism: 'SHA256_RSA_PKCS' as const, data: Buffer.from('x'), pin: Buffer.from('1234') });
    await Promise.all([backend.sign(req('R-A')), backend.sign(req('R-A')), backend.sign(req('R-B'))]);
    expect(log.filter((l) => l.endsWith(' a'))).toEqual(['start a', 'end a', 'start a', 'end a']);
    // R-B started while R-A's first signature was still running.
    expect(log.indexOf('start b')).toBeLessThan(log.indexOf('end a'));
  });

  it('answers ERR_CARD_NOT_PRESENT for an empty reader and zeroes the PIN anyway', async () => {
    const { access } = recordingTokens([slot('a', 'R-A')]);
    const empty: ReaderState = { name: 'R-A', present: false, atr: null, family: null, cardName: null };
    const backend = createCardBackend({ monitor: staticMonitor([empty]), tokens: () => access, clock: () => 0 });
    const pin = Buffer.from('1234');
    await expect(backend.sign({ reader: 'R-A', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('x'), pin })).rejects.toMatchObject({ code: 'ERR_CARD_NOT_PRESENT' });
    expect(pin.every((b) => b === 0)).toBe(true);
  });

  it('waits a little for the token of a card PC/SC already sees (middleware still detecting it)', async () => {
    const slots: TokenSlot[] = [];
    const { access } = recordingTokens(slots);
    setTimeout(() => slots.push(slot('a', 'R-A')), 400);
    const backend = createCardBackend({ monitor: staticMonitor([present('R-A')]), tokens: () => access, clock: () => 0, tokenWaitMs: 2000 });
    expect((await backend.read('R-A')).slotId).toBe('a');
  });

  it('gives up waiting with ERR_CARD_TOKEN_NOT_FOUND', async () => {
    const { access } = recordingTokens([]);
    const backend = createCardBackend({ monitor: staticMonitor([present('R-A')]), tokens: () => access, clock: () => 0, tokenWaitMs: 300 });
    await expect(backend.read('R-A')).rejects.toMatchObject({ code: 'ERR_CARD_TOKEN_NOT_FOUND' });
  });

  it('says the reader is gone when PC/SC does not know it and no token matches', async () => {
    const { access } = recordingTokens([slot('b', 'R-B')]);
    const backend = createCardBackend({ monitor: staticMonitor([present('R-B')]), tokens: () => access, clock: () => 0 });
    await expect(backend.read('R-A')).rejects.toMatchObject({ code: 'ERR_CARD_READER_NOT_FOUND' });
  });

  it('reports ERR_CARD_REMOVED, not the middleware\'s odd error, when the card was pulled during the call', async () => {
    const readers = [present('R-A')];
    const access: TokenAccess = {
      listTokens: async () => [slot('a', 'R-A')],
      readCertificates: async () => [],
      async sign(req) {
        req.pin.fill(0);
        // pcscd reports the pull a little after the middleware failed.
        setTimeout(() => (readers[0] = { ...readers[0]!, present: false, atr: null }), 200);
        throw new AppError('ERR_CARD_UNKNOWN', { ckr: 'CKR_DEVICE_ERROR' });
      },
      close: async () => undefined,
    };
    const backend = createCardBackend({ monitor: staticMonitor(readers), tokens: () => access, clock: () => 0 });
    await expect(backend.sign({ reader: 'R-A', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('x'), pin: Buffer.from('1234') })).rejects.toMatchObject({
      code: 'ERR_CARD_REMOVED',
      detail: { middleware: 'ERR_CARD_UNKNOWN', ckr: 'CKR_DEVICE_ERROR' },
    });
  });

  it('reports ERR_CARD_PCSC_UNAVAILABLE, not the middleware\'s odd error, when PC/SC went away during the call', async () => {
    let down: AppError | null = null;
    const monitor: ReaderMonitor = { ...staticMonitor([present('R-A')]), serviceError: () => down };
    const access: TokenAccess = {
      listTokens: async () => [slot('a', 'R-A')],
      readCertificates: async () => [],
      async sign(req) {
        req.pin.fill(0);
        // pcscd killed while OpenSC verified the PIN: C_Login says CKR_GENERAL_ERROR; the monitor
        // notices the dead daemon a little later.
        setTimeout(() => (down = new AppError('ERR_CARD_PCSC_UNAVAILABLE')), 200);
        throw new AppError('ERR_CARD_UNKNOWN', { ckr: 'CKR_GENERAL_ERROR', method: 'C_Login' });
      },
      close: async () => undefined,
    };
    const backend = createCardBackend({ monitor, tokens: () => access, clock: () => 0 });
    const err = await backend.sign({ reader: 'R-A', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('x'), pin: Buffer.from('1234') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CARD_PCSC_UNAVAILABLE', kind: 'retry', detail: { middleware: 'ERR_CARD_UNKNOWN', ckr: 'CKR_GENERAL_ERROR' } });
  });

  it('keeps the middleware\'s error when the card is still there', async () => {
    const access: TokenAccess = {
      listTokens: async () => [slot('a', 'R-A')],
      readCertificates: async () => {
        throw new AppError('ERR_CARD_UNKNOWN');
      },
      sign: async () => Buffer.alloc(0),
      close: async () => undefined,
    };
    const backend = createCardBackend({ monitor: staticMonitor([present('R-A')]), tokens: () => access, clock: () => 0, removalSettleMs: 200 });
    await expect(backend.read('R-A')).rejects.toMatchObject({ code: 'ERR_CARD_UNKNOWN' });
  });
});
