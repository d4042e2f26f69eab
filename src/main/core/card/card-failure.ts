// How a failed card call is explained to the person. Used by card-backend.ts and its parts.
import { AppError } from '../../../shared/errors';
import { pcscView, sleep, type CardContext } from './card-context';

// What the middleware says when a card is pulled mid-call varies (CKR_DEVICE_ERROR, _FUNCTION_FAILED,
// …). When PC/SC sees the reader empty, "the card was removed" is the truth the person can act on.
const CLEAR_ANSWERS = new Set<string>([
  'ERR_PIN_INCORRECT', 'ERR_PIN_LOCKED', 'ERR_PIN_FORMAT', 'ERR_PIN_CANCELLED', 'ERR_CARD_REMOVED',
  'ERR_CARD_NOT_PRESENT', 'ERR_CARD_READER_NOT_FOUND', 'ERR_CARD_TOKEN_AMBIGUOUS', 'ERR_CERT_KEY_USAGE',
  'ERR_CARD_MIDDLEWARE_MISSING',
]);

const UNKNOWN_READER_GRACE_MS = 300;

// Likewise when pcscd itself went away under the call (OpenSC: CKR_GENERAL_ERROR at C_Login): the
// service is what the person or their IT department can restart.
export async function explainFailure(ctx: Pick<CardContext, 'monitor' | 'removalSettleMs'>, reader: string, err: unknown): Promise<unknown> {
  const { monitor } = ctx;
  if (!(err instanceof AppError) || CLEAR_ANSWERS.has(err.code) || !monitor) return err;
  // A reader PC/SC does not know gets the middleware's own answer. But when pcscd dies, pcsclite ends
  // each reader a moment before it reports the service gone (lab: a kill during VERIFY answered
  // ERR_CARD_UNKNOWN, fatal): an unknown reader is given that moment first.
  for (let waited = 0; !monitor.serviceError() && !pcscView(monitor, reader).known; waited += 50) {
    if (waited >= UNKNOWN_READER_GRACE_MS) return err;
    await sleep(50);
  }
  const because = (code: 'ERR_CARD_REMOVED' | 'ERR_CARD_PCSC_UNAVAILABLE') => new AppError(code, { reader, middleware: err.code, ...err.detail }, { cause: err });
  // pcscd notices a pull ~0.3–0.5 s later (build-notes.md); the monitor a dead pcscd about as fast.
  for (let waited = 0; waited <= ctx.removalSettleMs; waited += 100) {
    if (monitor.serviceError()) return because('ERR_CARD_PCSC_UNAVAILABLE');
    if (!pcscView(monitor, reader).state?.present) return because('ERR_CARD_REMOVED');
    await sleep(100);
  }
  return err;
}
