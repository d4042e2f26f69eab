// Reads a reader's card until its token is there: OpenSC needs ~1.5 s after an insert, a freshly
// started card host longer. Only retryable errors are waited out; anything else is the answer.
import type { CardReading } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';

export async function readWhenReady(host: { read(reader: string): Promise<CardReading> }, reader: string, timeoutMs = 15_000): Promise<CardReading> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await host.read(reader);
    } catch (e) {
      if (!(e instanceof AppError) || e.kind !== 'retry' || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
