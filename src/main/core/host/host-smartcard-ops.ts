// The Smartcard token access of the card host: every SmartcardOp forwarded as one 'smartcard' call.
import type { ReaderState } from '../../../shared/domain';
import { readerOfToken } from '../card/card-backend';
import { SMARTCARD_OPS, type SmartcardOp } from '../card/smartcard-port';
import type { TokenSlot } from '../card/token-access';
import type { SmartcardTokenAccess } from '../card/smartcard-token';
import { fromWire, toWire, type ToHost } from './host-protocol';
import type { SealedSecret } from './secret-seal';

/** Sends one smartcard call to the host: the reader it concerns (if known) and its deadline. */
export type SmartcardCall = (message: (id: number) => ToHost, reader: string | undefined, deadlineMs: number) => Promise<unknown>;

export interface SmartcardOpsContext {
  call: SmartcardCall;
  deadlines: { smartcard: number; generateKey: number };
  lastReaders: () => ReaderState[];
  /** Seals a PIN for the host (secret-seal.ts with the supervisor's key). */
  seal: (secret: Buffer) => SealedSecret;
}

export function createSmartcardTokens(ctx: SmartcardOpsContext): SmartcardTokenAccess {
  // Smartcard operations name a slot. The reader its token sits in (last listTokens) lets a pull of
  // that card end a call stuck in the middleware after the removal grace, as for read and sign; a slot
  // in no reader (plain SoftHSM) has only the deadline.
  const slotTokens = new Map<string, Pick<TokenSlot, 'description' | 'tokenLabel'>>();
  const readerOfSlot = (slotId: string): string | undefined => {
    const slot = slotTokens.get(slotId);
    return slot ? readerOfToken(slot, ctx.lastReaders().map((r) => r.name)) : undefined;
  };
  const smartcardOp = (op: SmartcardOp) => async (request: unknown) => {
    const slotId = typeof request === 'string' ? request : (request as { slotId?: unknown } | null)?.slotId;
    const reader = typeof slotId === 'string' ? readerOfSlot(slotId) : undefined;
    const wire = toWire(request, ctx.seal);
    const deadlineMs = op === 'generateKeyPair' ? ctx.deadlines.generateKey : ctx.deadlines.smartcard;
    const value = fromWire(await ctx.call((id) => ({ t: 'call', id, method: 'smartcard', op, request: wire }), reader, deadlineMs));
    if (op === 'listTokens') for (const slot of value as TokenSlot[]) slotTokens.set(slot.slotId, slot);
    return value;
  };
  return {
    ...(Object.fromEntries(SMARTCARD_OPS.map((op) => [op, smartcardOp(op)])) as unknown as Omit<SmartcardTokenAccess, 'close'>),
    // The host's middleware outlives one creation.
    close: async () => undefined,
  };
}
