// What the parts of the card backend (card-backend.ts) share: the PC/SC monitor, the token access
// opened on first use, each reader's queue and the slot → reader map of the last enumeration.
import type { ReaderState, UziHolder } from '../../../shared/domain';
import type { ReaderMonitor } from './pcsc-adapter';
import type { TokenAccess } from './token-access';

export interface CardContext {
  monitor: ReaderMonitor | null;
  clock: () => number;
  parseHolder?: (der: Buffer) => UziHolder;
  tokenWaitMs: number;
  removalSettleMs: number;
  tokenAccess: () => TokenAccess;
  serialised: <T>(reader: string, op: () => Promise<T>) => Promise<T>;
  // Smartcard operations name a slot, not a reader: the reader the slot's token sits in (last
  // enumeration) puts them in that reader's queue, and PC/SC tells whether that card is still there.
  readerOfSlot: Map<string, string>;
}

export interface PcscView {
  known: boolean;
  state: ReaderState | undefined;
  names: string[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// One card operation at a time per reader: a second read during a signature waits its turn.
export function createReaderQueues(): CardContext['serialised'] {
  const queues = new Map<string, Promise<unknown>>();
  return <T>(reader: string, op: () => Promise<T>): Promise<T> => {
    const prev = queues.get(reader) ?? Promise.resolve();
    const next = prev.then(op, op);
    const tail = next.catch(() => undefined);
    queues.set(reader, tail);
    void tail.then(() => {
      if (queues.get(reader) === tail) queues.delete(reader);
    });
    return next;
  };
}

export function pcscView(monitor: ReaderMonitor | null, reader: string): PcscView {
  if (!monitor || monitor.serviceError()) return { known: false, state: undefined, names: [] };
  const all = monitor.readers();
  const state = all.find((r) => r.name === reader);
  return { known: state !== undefined, state, names: all.map((r) => r.name) };
}

export const stillIn = (ctx: Pick<CardContext, 'monitor'>, reader: string) => pcscView(ctx.monitor, reader).state?.present === true;
