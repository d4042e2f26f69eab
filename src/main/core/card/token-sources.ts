// More than one PKCS#11 module behind one token port. The UZI-pas has its middleware (SafeSign); the
// ZORG-ID Smartcard may have another (in the card lab: SoftHSM2 behind a virtual card in a vpcd
// reader). The card backend then sees one list of slots; each slot id carries its module's key, so
// every call goes to the module the slot came from.
import { AppError } from '../../../shared/errors';
import type { SmartcardTokenAccess } from './smartcard-token';
import type { TokenAccess, TokenSlot } from './token-access';

export interface TokenSource {
  /** Short, unique, no ':' — becomes the slot id prefix. */
  key: string;
  access: TokenAccess | SmartcardTokenAccess;
}

const SEP = ':';

/**
 * The first source is the UZI-pas middleware: if it cannot list, nothing can be read. A later source
 * that fails only hides its own tokens (a broken Smartcard middleware must not stop UZI logins) and is
 * reported through onSourceError.
 */
export function combineTokenSources(sources: readonly TokenSource[], onSourceError: (key: string, err: unknown) => void = () => {}): SmartcardTokenAccess {
  if (sources.length === 0) throw new Error('no token source');
  for (const s of sources) if (!s.key || s.key.includes(SEP)) throw new Error(`bad token source key: ${s.key}`);
  const byKey = new Map(sources.map((s) => [s.key, s.access]));

  const route = (qualified: string): { access: TokenAccess | SmartcardTokenAccess; slotId: string } => {
    const at = qualified.indexOf(SEP);
    const access = at > 0 ? byKey.get(qualified.slice(0, at)) : undefined;
    // An id from before a restart, or made up: the slot is gone as far as anyone can tell.
    if (!access) throw new AppError('ERR_CARD_TOKEN_NOT_FOUND', { slotId: qualified.slice(0, 64) });
    return { access, slotId: qualified.slice(at + 1) };
  };

  const forward =
    (method: keyof Omit<SmartcardTokenAccess, 'listTokens' | 'readCertificates' | 'close'>) =>
    async (request: { slotId: string }): Promise<unknown> => {
      const { access, slotId } = route(request.slotId);
      const fn = (access as Partial<SmartcardTokenAccess>)[method] as ((r: unknown) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') throw new AppError('ERR_INTERNAL', { reason: 'token access cannot create Smartcards', op: method });
      return fn.call(access, { ...request, slotId });
    };

  return {
    async listTokens(): Promise<TokenSlot[]> {
      const lists = await Promise.allSettled(sources.map((s) => s.access.listTokens()));
      const slots: TokenSlot[] = [];
      lists.forEach((list, i) => {
        const { key } = sources[i]!;
        if (list.status === 'fulfilled') slots.push(...list.value.map((slot) => ({ ...slot, slotId: `${key}${SEP}${slot.slotId}` })));
        else if (i === 0) throw list.reason;
        else onSourceError(key, list.reason);
      });
      return slots;
    },
    async readCertificates(qualified) {
      const { access, slotId } = route(qualified);
      return access.readCertificates(slotId);
    },
    async sign(request) {
      const { access, slotId } = route(request.slotId);
      return access.sign({ ...request, slotId });
    },
    async inspectBlank(qualified) {
      const { access, slotId } = route(qualified);
      const fn = (access as Partial<SmartcardTokenAccess>).inspectBlank;
      if (typeof fn !== 'function') throw new AppError('ERR_INTERNAL', { reason: 'token access cannot create Smartcards', op: 'inspectBlank' });
      const inspection = await fn.call(access, slotId);
      return { ...inspection, slotId: qualified };
    },
    setUserPin: forward('setUserPin') as SmartcardTokenAccess['setUserPin'],
    generateKeyPair: forward('generateKeyPair') as SmartcardTokenAccess['generateKeyPair'],
    signWithKey: forward('signWithKey') as SmartcardTokenAccess['signWithKey'],
    writeCertificate: forward('writeCertificate') as SmartcardTokenAccess['writeCertificate'],
    readKeyAttributes: forward('readKeyAttributes') as SmartcardTokenAccess['readKeyAttributes'],
    finalise: forward('finalise') as SmartcardTokenAccess['finalise'],
    destroyObjects: forward('destroyObjects') as SmartcardTokenAccess['destroyObjects'],
    async close() {
      await Promise.allSettled(sources.map((s) => s.access.close()));
    },
  };
}
