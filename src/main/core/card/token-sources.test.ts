// Two PKCS#11 modules behind one token port (fakes at the TokenAccess port; the real pair — OpenSC and
// SoftHSM2 in the card host — runs in test/smartcard/smartcard-pull.lab.test.ts and the Smartcard E2E).
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { SmartcardTokenAccess } from './smartcard-token';
import { combineTokenSources } from './token-sources';
import type { TokenAccess, TokenSlot } from './token-access';

const slot = (slotId: string, tokenLabel: string): TokenSlot => ({
  slotId,
  description: `slot ${slotId}`,
  tokenLabel,
  tokenSerial: `serial-${slotId}`,
  manufacturer: 'm',
  model: 'x',
  pin: { countLow: false, finalTry: false, locked: false, pinpad: false, minLength: 4, maxLength: 8 },
});

function fake(name: string, slots: TokenSlot[], calls: string[], fail?: Error): SmartcardTokenAccess {
  const log = (op: string, slotId: string) => calls.push(`${name}.${op}(${slotId})`);
  return {
    listTokens: async () => {
      if (fail) throw fail;
      return slots;
    },
    readCertificates: async (slotId) => (log('readCertificates', slotId), []),
    sign: async (r) => (log('sign', r.slotId), Buffer.from(name)),
    inspectBlank: async (slotId) => (log('inspectBlank', slotId), { slotId, blank: true, userPinInitialised: true, certificates: 0, publicKeys: 0, leftoverObjects: 0, dataObjects: 0 }),
    setUserPin: async (r) => void log('setUserPin', r.slotId),
    generateKeyPair: async (r) => (log('generateKeyPair', r.slotId), { id: r.id, spkiDer: Buffer.alloc(0) }) as never,
    signWithKey: async (r) => (log('signWithKey', r.slotId), Buffer.from(name)),
    writeCertificate: async (r) => void log('writeCertificate', r.slotId),
    readKeyAttributes: async (r) => (log('readKeyAttributes', r.slotId), {}) as never,
    finalise: async (r) => void log('finalise', r.slotId),
    destroyObjects: async (r) => (log('destroyObjects', r.slotId), 1),
    close: async () => void calls.push(`${name}.close`),
  };
}

describe('combineTokenSources', () => {
  it('lists both modules\' tokens with qualified ids and sends each call to the module its slot came from', async () => {
    const calls: string[] = [];
    const tokens = combineTokenSources([
      { key: 'u', access: fake('uzi', [slot('1', 'UZI-pas')], calls) },
      { key: 's', access: fake('sc', [slot('1', 'Virtual PCD 00 01')], calls) },
    ]);
    const list = await tokens.listTokens();
    expect(list.map((s) => [s.slotId, s.tokenLabel])).toEqual([['u:1', 'UZI-pas'], ['s:1', 'Virtual PCD 00 01']]);

    const pin = Buffer.from('123456');
    expect((await tokens.sign({ slotId: 's:1', certificateId: '01', mechanism: 'RSA_PKCS', data: Buffer.alloc(1), pin })).toString()).toBe('sc');
    await tokens.readCertificates('u:1');
    expect(await tokens.inspectBlank('s:1')).toMatchObject({ slotId: 's:1', blank: true });
    await tokens.generateKeyPair({ slotId: 's:1', pin, id: '01', label: 'x', bits: 2048 });
    await tokens.destroyObjects({ slotId: 's:1', pin, id: '01' });
    expect(calls).toEqual(['sc.sign(1)', 'uzi.readCertificates(1)', 'sc.inspectBlank(1)', 'sc.generateKeyPair(1)', 'sc.destroyObjects(1)']);
    await tokens.close();
    expect(calls.slice(-2)).toEqual(['uzi.close', 'sc.close']);
  });

  it('a failing Smartcard module hides only its tokens; a failing UZI-pas module fails the listing', async () => {
    const errors: string[] = [];
    const broken = new AppError('ERR_CARD_MIDDLEWARE_FAILED');
    const withBrokenSmartcard = combineTokenSources(
      [{ key: 'u', access: fake('uzi', [slot('1', 'UZI-pas')], []) }, { key: 's', access: fake('sc', [], [], broken) }],
      (key) => errors.push(key),
    );
    expect((await withBrokenSmartcard.listTokens()).map((s) => s.slotId)).toEqual(['u:1']);
    expect(errors).toEqual(['s']);
    const withBrokenUzi = combineTokenSources([{ key: 'u', access: fake('uzi', [], [], broken) }, { key: 's', access: fake('sc', [slot('1', 'x')], []) }]);
    await expect(withBrokenUzi.listTokens()).rejects.toMatchObject({ code: 'ERR_CARD_MIDDLEWARE_FAILED' });
  });

  it('a slot id from no module is a token not found, never a call to some module', async () => {
    const calls: string[] = [];
    const tokens = combineTokenSources([{ key: 'u', access: fake('uzi', [], calls) as TokenAccess }]);
    await expect(tokens.readCertificates('1')).rejects.toMatchObject({ code: 'ERR_CARD_TOKEN_NOT_FOUND' });
    await expect(tokens.readCertificates('x:1')).rejects.toMatchObject({ code: 'ERR_CARD_TOKEN_NOT_FOUND' });
    expect(calls).toEqual([]);
    expect(() => combineTokenSources([{ key: 'a:b', access: fake('uzi', [], calls) }])).toThrow();
  });
});
