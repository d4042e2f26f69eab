// The Smartcard extension of the card backend with in-memory ports: its token operations share the
// per-reader queue with read and sign (a key generation and a signature on the same card never
// interleave), and a middleware that cannot create Smartcards refuses with the PIN zeroed.
import { describe, expect, it } from 'vitest';
import type { CardEvent, ReaderState } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { createCardBackend } from './card-backend';
import type { ReaderMonitor } from './pcsc-adapter';
import { isSmartcardService } from './smartcard-port';
import type { SmartcardTokenAccess } from './smartcard-token';
import type { TokenAccess, TokenSlot } from './token-access';

const slot = (slotId: string, description: string): TokenSlot => ({
  slotId,
  description,
  tokenLabel: `token ${slotId}`,
  tokenSerial: slotId,
  manufacturer: 'm',
  model: 'x',
  pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 },
});

const monitor = (names: string[]): ReaderMonitor => {
  const readers: ReaderState[] = names.map((name) => ({ name, present: true, atr: '3B', family: 'unknown', cardName: 'Onbekende pas' }));
  return {
    subscribe: (_l: (e: CardEvent) => void) => () => undefined,
    ready: async () => undefined,
    readers: () => readers,
    serviceError: () => null,
    close: async () => undefined,
  };
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function recordingSmartcardTokens(slots: TokenSlot[]) {
  const log: string[] = [];
  const timed = async <T>(what: string, value: T): Promise<T> => {
    log.push(`start ${what}`);
    await sleep(40);
    log.push(`end ${what}`);
    return value;
  };
  const unused = async (): Promise<never> => {
    throw new Error('not used here');
  };
  const access: SmartcardTokenAccess = {
    listTokens: async () => slots,
    readCertificates: async () => [],
    sign: (req) => {
      req.pin.fill(0);
      return timed(`sign ${req.slotId}`, Buffer.from('sig'));
    },
    generateKeyPair: (req) => {
      req.pin.fill(0);
      return timed(`keygen ${req.slotId}`, { id: req.id, spkiDer: Buffer.from('spki') });
    },
    inspectBlank: unused,
    setUserPin: unused,
    signWithKey: unused,
    writeCertificate: unused,
    readKeyAttributes: unused,
    finalise: unused,
    destroyObjects: unused,
    close: async () => undefined,
  };
  return { access, log };
}

describe('Smartcard operations in the card backend', () => {
  it('queue with read and sign of the same reader, and run beside other readers', async () => {
    const { access, log } = recordingSmartcardTokens([slot('a', 'R-A'), slot('b', 'R-B')]);
    const backend = createCardBackend({ monitor: monitor(['R-A', 'R-B']), tokens: () => access, clock: () => 0 });
    expect(isSmartcardService(backend)).toBe(true);
    const tokens = backend.smartcardTokens();
    await tokens.listTokens();
    const keygen = tokens.generateKeyPair({ slotId: 'a', pin: Buffer.from('123456'), id: '01', label: 'x', bits: 2048 });
    const sameCard = backend.sign({ reader: 'R-A', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('d'), pin: Buffer.from('1234') });
    const otherCard = backend.sign({ reader: 'R-B', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.from('d'), pin: Buffer.from('1234') });
    await Promise.all([keygen, sameCard, otherCard]);
    const a = log.filter((l) => l.endsWith(' a'));
    expect(a).toEqual(['start keygen a', 'end keygen a', 'start sign a', 'end sign a']);
    // R-B did not wait for R-A's key generation.
    expect(log.indexOf('start sign b')).toBeLessThan(log.indexOf('end keygen a'));
    expect((await keygen).spkiDer.toString()).toBe('spki');
    await backend.close();
  });

  it('refuses on a middleware that cannot create Smartcards, PIN zeroed', async () => {
    const plain: TokenAccess = { listTokens: async () => [slot('a', 'R-A')], readCertificates: async () => [], sign: async () => Buffer.alloc(0), close: async () => undefined };
    const backend = createCardBackend({ monitor: monitor(['R-A']), tokens: () => plain, clock: () => 0 });
    const pin = Buffer.from('123456');
    const err = await backend
      .smartcardTokens()
      .generateKeyPair({ slotId: 'a', pin, id: '01', label: 'x', bits: 2048 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('ERR_INTERNAL');
    expect(pin.every((b) => b === 0)).toBe(true);
    await backend.close();
  });
});
