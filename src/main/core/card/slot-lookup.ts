// Which token slot belongs to a reader, and which reader a slot's token sits in. Used by
// card-backend.ts (which exports readerOfToken and matchSlot on).
import type { CardFamily } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { pcscView, sleep, type CardContext } from './card-context';
import type { TokenSlot } from './token-access';

/**
 * The reader a token sits in: the one its slot description names (SafeSign, OpenSC), else the one its
 * label names — a module without readers bound to one (the card lab's SoftHSM-backed ZORG-ID
 * Smartcard: a virtual card in a vpcd reader, its token the SoftHSM token labelled with that reader).
 */
export function readerOfToken(slot: Pick<TokenSlot, 'description' | 'tokenLabel'>, readers: readonly string[]): string | undefined {
  return readers.find((r) => r === slot.description) ?? readers.find((r) => slot.description.includes(r)) ?? readers.find((r) => r === slot.tokenLabel);
}

/**
 * card-lab.md "How the app finds the token for a reader": for a card PC/SC knows as a ZORG-ID
 * Smartcard, the token labelled with the reader's name (a readerless module bound to that reader — the
 * lab's SoftHSM-backed Smartcard, whose empty PIV applet OpenSC lists under the reader's name as well);
 * else the slot whose description names the reader (SafeSign, OpenSC); else the only token not named
 * after another reader; else the person chooses.
 */
export function matchSlot(reader: string, slots: readonly TokenSlot[], knownReaders: readonly string[], family?: CardFamily | null): TokenSlot {
  if (family === 'zorgid-smartcard') {
    const labelled = slots.filter((s) => s.tokenLabel === reader);
    if (labelled.length === 1) return labelled[0]!;
  }
  const exact = slots.filter((s) => s.description === reader);
  if (exact.length === 1) return exact[0]!;
  const named = slots.filter((s) => s.description.includes(reader));
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new AppError('ERR_CARD_TOKEN_AMBIGUOUS', { reader, tokens: named.map((s) => s.tokenLabel) });
  const others = knownReaders.filter((r) => r !== reader && !reader.includes(r));
  const unclaimed = slots.filter((s) => !others.some((r) => s.description.includes(r)) && !knownReaders.includes(s.tokenLabel));
  if (unclaimed.length === 1) return unclaimed[0]!;
  if (unclaimed.length > 1) throw new AppError('ERR_CARD_TOKEN_AMBIGUOUS', { reader, tokens: unclaimed.map((s) => s.tokenLabel) });
  throw new AppError('ERR_CARD_TOKEN_NOT_FOUND', { reader });
}

export async function enumerate(ctx: CardContext): Promise<TokenSlot[]> {
  const slots = await ctx.tokenAccess().listTokens();
  const names = pcscView(ctx.monitor, '').names;
  for (const s of slots) ctx.readerOfSlot.set(s.slotId, readerOfToken(s, names) ?? `slot ${s.slotId}`);
  return slots;
}

export async function findSlot(ctx: CardContext, reader: string): Promise<TokenSlot> {
  const { monitor } = ctx;
  if (monitor) await monitor.ready();
  const started = Date.now();
  for (;;) {
    const view = pcscView(monitor, reader);
    if (view.state && !view.state.present) throw new AppError('ERR_CARD_NOT_PRESENT', { reader });
    const slots = await enumerate(ctx);
    try {
      return matchSlot(reader, slots, view.names, view.state?.family);
    } catch (e) {
      const waitable = e instanceof AppError && e.code === 'ERR_CARD_TOKEN_NOT_FOUND';
      // A card PC/SC sees may still be in OpenSC's detection; a reader PC/SC never heard of won't be.
      if (!waitable || !view.state?.present || Date.now() - started > ctx.tokenWaitMs) {
        if (waitable && !view.known && monitor && !monitor.serviceError()) throw new AppError('ERR_CARD_READER_NOT_FOUND', { reader });
        throw e;
      }
      await sleep(250);
    }
  }
}
