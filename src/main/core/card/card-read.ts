// Reading a card: slot, certificates, holder and validity, from the warm reading where one is held.
// Used by card-backend.ts.
import type { CardReading, UziHolder } from '../../../shared/domain';
import { AppError, serializeError, type SerializedError } from '../../../shared/errors';
import { stillIn, type CardContext } from './card-context';
import { explainFailure } from './card-failure';
import { certificateFacts, pickAuthenticationCertificate } from './certificate-usage';
import { findSlot } from './slot-lookup';
import { validityIn, type createWarmReadings, type ValidityWindow, type WarmReading } from './warm-readings';

export type WarmReadings = ReturnType<typeof createWarmReadings>;

export async function readCard(ctx: CardContext, reader: string): Promise<WarmReading> {
  const slot = await findSlot(ctx, reader);
  const certificates = await ctx
    .tokenAccess()
    .readCertificates(slot.slotId)
    .catch(async (e: unknown) => {
      throw await explainFailure(ctx, reader, e);
    });
  const auth = pickAuthenticationCertificate(certificates);
  let holder: UziHolder | null = null;
  let holderError: SerializedError | null = null;
  let validity: CardReading['validity'] = null;
  let window: ValidityWindow | null = null;
  if (!auth) {
    holderError = new AppError('ERR_CARD_NO_AUTH_CERTIFICATE', { reader }).toJSON();
  } else {
    const der = Buffer.from(auth.der, 'base64');
    const facts = certificateFacts(der);
    window = { notBefore: facts.notBefore.getTime(), notAfter: facts.notAfter.getTime() };
    validity = validityIn(window, ctx.clock());
    if (ctx.parseHolder) {
      try {
        holder = ctx.parseHolder(der);
      } catch (e) {
        holderError = serializeError(e);
      }
    }
  }
  const reading: CardReading = {
    reader,
    slotId: slot.slotId,
    tokenLabel: slot.tokenLabel,
    tokenSerial: slot.tokenSerial,
    pin: slot.pin,
    certificates,
    authCertificateId: auth?.id ?? null,
    holder,
    holderError,
    validity,
  };
  return { reading, window };
}

/** CardBackend.read: the warm reading while its card is in (PIN status asked again after a signature), else a fresh read. */
export function readWarmOrFresh(ctx: CardContext, warm: WarmReadings, reader: string): Promise<CardReading> {
  return ctx.serialised(reader, async (): Promise<CardReading> => {
    if (!stillIn(ctx, reader)) warm.forget(reader);
    const entry = warm.current(reader);
    let found = entry ? await entry.reading.catch(() => undefined) : undefined;
    if (found && !entry!.pinFresh) {
      // The certificates stay; the PIN counter is the token's to tell.
      const slot = await findSlot(ctx, reader);
      found = slot.slotId === found.reading.slotId && slot.tokenSerial === found.reading.tokenSerial ? { ...found, reading: { ...found.reading, pin: slot.pin } } : undefined;
    }
    if (!found || warm.current(reader) !== entry) found = await readCard(ctx, reader);
    warm.keep(reader, found);
    return { ...found.reading, validity: found.window ? validityIn(found.window, ctx.clock()) : null };
  });
}
