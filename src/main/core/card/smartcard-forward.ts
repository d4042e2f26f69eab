// CardBackend.smartcardTokens: the token's Smartcard operations, each in its slot's reader queue.
// Used by card-backend.ts.
import { AppError } from '../../../shared/errors';
import { pcscView, type CardContext } from './card-context';
import { explainFailure } from './card-failure';
import type { SmartcardTokenAccess } from './smartcard-token';
import { SMARTCARD_OPS, zeroSecrets } from './smartcard-port';
import { enumerate } from './slot-lookup';

/** The Smartcard operations that only look. */
const READ_ONLY: ReadonlySet<string> = new Set(['inspectBlank', 'readCertificates', 'readKeyAttributes']);

/** `changed(reader)`: the operation may have changed what is on that reader's card (a warm reading is stale). */
export function forwardSmartcardOps(ctx: CardContext, changed: (reader: string) => void = () => {}): SmartcardTokenAccess {
  const forward = (op: (typeof SMARTCARD_OPS)[number]) => async (request: unknown) => {
    if (op === 'listTokens') return enumerate(ctx);
    const slotId = typeof request === 'string' ? request : (request as { slotId: string }).slotId;
    const queue = ctx.readerOfSlot.get(slotId) ?? `slot ${slotId}`;
    return ctx.serialised(queue, async () => {
      // A token that outlives its card in the module (SoftHSM behind a lab card; a middleware
      // that caches) must not be written to once PC/SC saw the card go.
      const view = pcscView(ctx.monitor, queue);
      if (view.state && !view.state.present) {
        zeroSecrets(request);
        throw new AppError('ERR_CARD_REMOVED', { reader: queue });
      }
      const access = ctx.tokenAccess() as Partial<SmartcardTokenAccess>;
      const fn = access[op] as ((r: unknown) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') {
        zeroSecrets(request);
        throw new AppError('ERR_INTERNAL', { reason: 'token access cannot create Smartcards', op });
      }
      try {
        return await fn.call(access, request);
      } catch (e) {
        throw await explainFailure(ctx, queue, e);
      } finally {
        // Keys, certificates and labels written (or half written) by Smartcard creation: read afresh.
        if (!READ_ONLY.has(op)) changed(queue);
      }
    });
  };
  const ops = Object.fromEntries(SMARTCARD_OPS.map((op) => [op, forward(op)])) as unknown as Omit<SmartcardTokenAccess, 'close'>;
  return { ...ops, close: async () => undefined };
}
