// The sign path: the warm slot, else the last signature's slot, else an enumeration. Used by card-backend.ts.
import { AppError } from '../../../shared/errors';
import { stillIn, type CardContext } from './card-context';
import { explainFailure } from './card-failure';
import type { SignRequest } from './card-port';
import type { WarmReadings } from './card-read';
import { findSlot } from './slot-lookup';

export function signOnCard(ctx: CardContext, warm: WarmReadings, request: SignRequest): Promise<Buffer> {
  return ctx.serialised(request.reader, async () => {
    try {
      const reader = request.reader;
      const fresh = await warm.slot(reader);
      // The slot the last signature used, while nothing said its card went: no enumeration, and
      // the adapter asks the token for the PIN status itself.
      const again = !fresh && (!ctx.monitor || stillIn(ctx, reader)) ? warm.lastSlot.get(reader) : undefined;
      const slot = fresh ?? (again === undefined ? await findSlot(ctx, reader) : undefined);
      const slotId = slot?.slotId ?? again!;
      const sig = await ctx.tokenAccess().sign({
        slotId,
        certificateId: request.certificateId,
        mechanism: request.mechanism,
        data: request.data,
        pin: request.pin,
        pinStatus: slot?.pin,
      });
      warm.lastSlot.set(reader, slotId);
      return sig;
    } catch (e) {
      const err = await explainFailure(ctx, request.reader, e);
      if (!(err instanceof AppError) || !err.code.startsWith('ERR_PIN')) warm.forget(request.reader);
      throw err;
    } finally {
      request.pin.fill(0);
      warm.signed(request.reader);
    }
  });
}
