// The only file that touches pcsclite (PC/SC). Readers and cards are kept as a snapshot; events are
// the diff between snapshots (the fortify pcsc watcher is the model). pcsclite never reconnects after
// pcscd goes away (build-notes.md), so a lost service means: drop the instance, poll for a new one.
import type { CardEvent, CardFamily, ReaderState } from '../../../shared/domain';
import { AppError, type SerializedError } from '../../../shared/errors';
import { formatAtr, lookupAtr } from './atr-table';

// Just the part of pcsclite's typings we use, so this file type-checks without the optional package.
interface PcscReader {
  name: string;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_MUTE: number;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  close(): void;
}
interface Pcsc {
  on(event: 'reader', listener: (reader: PcscReader) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  close(): void;
}
export type PcscFactory = () => Pcsc;

export interface ReaderMonitor {
  /** Listener gets every event from now on (no initial snapshot: see `readers()`). */
  subscribe(listener: (event: CardEvent) => void): () => void;
  /** Resolves once the first picture of readers and cards is complete (or the service is down). */
  ready(): Promise<void>;
  readers(): ReaderState[];
  /** null while PC/SC is up; the reason while it is down. */
  serviceError(): SerializedError | null;
  close(): Promise<void>;
}

export interface ReaderMonitorOptions {
  clock?: () => number;
  /** First retry delay after PC/SC went away; grows ×1.5 up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Replaces `import('pcsclite')` (tests of the no-pcsclite path). */
  load?: () => Promise<PcscFactory>;
}

async function loadPcsclite(): Promise<PcscFactory> {
  const mod = (await import('pcsclite')) as unknown as { default?: PcscFactory } & PcscFactory;
  return mod.default ?? mod;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface ReaderEntry {
  state: ReaderState;
  /** Until the first status arrives, the reader's card state is unknown — not "removed". */
  seen: boolean;
  /** pcsc-lite's event counter (upper 16 bits of dwEventState) in the last status. */
  events: number;
  handle: PcscReader;
}

/** pcsc-lite counts card insertions and removals per reader in the upper 16 bits of the event state. */
const eventCount = (state: number): number => (state >>> 16) & 0xffff;

const emitTo = (listeners: Set<(event: CardEvent) => void>, event: CardEvent) => {
  for (const l of [...listeners]) {
    try {
      l(event);
    } catch {
      /* a listener's bug must not stop the monitor */
    }
  }
};

function closeQuietly(things: Iterable<{ close(): void } | undefined>): void {
  for (const thing of things) {
    try {
      thing?.close();
    } catch {
      /* already ended */
    }
  }
}

type StatusChange = 'same' | 'first' | { removed: boolean; inserted: boolean; family: CardFamily };

/** Takes a reader's status into its entry and says what it means: nothing new, the first picture, or a pull and/or insert. */
function applyStatus(entry: ReaderEntry, status: { state: number; atr?: Buffer }): StatusChange {
  const present = (status.state & entry.handle.SCARD_STATE_PRESENT) !== 0;
  const atr = present && status.atr && status.atr.length > 0 ? formatAtr(status.atr) : null;
  const prev = entry.state;
  const first = !entry.seen;
  entry.seen = true;
  // Two statuses can reach us as one (pcsclite reports only the latest when we were busy): a card
  // pulled and another — or the same — put back shows only in the event counter. Without it the new
  // card would never be read, or a login would outlive the pull that should have ended it.
  const counted = eventCount(status.state);
  const swapped = !first && prev.present && present && counted !== entry.events;
  entry.events = counted;
  if (prev.present === present && prev.atr === atr && !first && !swapped) return 'same';
  const match = atr ? lookupAtr(atr) : null;
  const family = match?.family ?? 'unknown';
  entry.state = { name: prev.name, present, atr, family: present ? family : null, cardName: present ? (match?.name.nl ?? null) : null };
  // The first status only tells what is there already: no insert/remove (build-notes.md).
  return first ? 'first' : { removed: prev.present, inserted: present, family };
}

/**
 * The readers pcscd lists and the cards in them, as one snapshot; subscribers get the changes. "Ready"
 * = every listed reader has reported its first status; pcsclite gives no "list done" signal, so a
 * short quiet period stands in for it (and caps the wait when there are no readers).
 */
function createReaderTable(clock: () => number, emit: (event: CardEvent) => void) {
  const readers = new Map<string, ReaderEntry>();
  let readyResolve: (() => void) | undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  let settleTimer: NodeJS.Timeout | undefined;
  let lastEmitted = '';
  const snapshot = (): ReaderState[] => [...readers.values()].map((r) => ({ ...r.state })).sort((a, b) => a.name.localeCompare(b.name));
  // pcsclite repeats itself (a reader's first status, re-listed readers); subscribers get changes only.
  const emitReaders = () => {
    const readersNow = snapshot();
    const key = JSON.stringify(readersNow);
    if (key === lastEmitted) return;
    lastEmitted = key;
    emit({ type: 'readers', readers: readersNow });
  };
  const markReady = () => {
    readyResolve?.();
    readyResolve = undefined;
  };
  const checkReady = (quietMs = 150) => {
    if (!readyResolve) return;
    clearTimeout(settleTimer);
    if ([...readers.values()].every((r) => r.seen)) settleTimer = setTimeout(markReady, quietMs);
  };
  const onStatus = (entry: ReaderEntry, status: { state: number; atr?: Buffer }) => {
    const change = applyStatus(entry, status);
    if (change === 'same') return;
    if (change !== 'first') {
      const at = clock();
      if (change.removed) emit({ type: 'removed', reader: entry.state.name, at });
      if (change.inserted) emit({ type: 'inserted', reader: entry.state.name, atr: entry.state.atr ?? '', family: change.family, at });
    }
    emitReaders();
    if (change === 'first') checkReady();
  };
  function add(handle: PcscReader): void {
    const entry: ReaderEntry = { state: { name: handle.name, present: false, atr: null, family: null, cardName: null }, seen: false, events: 0, handle };
    readers.set(handle.name, entry);
    // Reader errors come with pcscd going away (the PCSC object reports that) or a reader being
    // unplugged ('end' follows); either way there is nothing to do here but not crash.
    handle.on('error', () => undefined);
    handle.on('status', (status) => {
      if (readers.get(handle.name) === entry) onStatus(entry, status);
    });
    handle.on('end', () => {
      if (readers.get(handle.name) !== entry) return;
      readers.delete(handle.name);
      if (entry.state.present) emit({ type: 'removed', reader: handle.name, at: clock() });
      emitReaders();
      checkReady();
    });
    emitReaders();
    checkReady();
  }
  /** Forgets every reader (PC/SC went away or the monitor closes); true when there were any. */
  function drop(): boolean {
    const had = readers.size > 0;
    closeQuietly([...readers.values()].map((r) => r.handle));
    readers.clear();
    return had;
  }
  const stop = () => {
    clearTimeout(settleTimer);
    markReady();
  };
  return { ready, snapshot, emitReaders, checkReady, markReady, add, drop, stop };
}

export function startReaderMonitor(options: ReaderMonitorOptions = {}): ReaderMonitor {
  const clock = options.clock ?? Date.now;
  const retryMs = options.retryMs ?? 500;
  const maxRetryMs = options.maxRetryMs ?? 2000;
  const listeners = new Set<(event: CardEvent) => void>();
  const emit = (event: CardEvent) => emitTo(listeners, event);
  const table = createReaderTable(clock, emit);
  let pcsc: Pcsc | undefined;
  let factory: PcscFactory | undefined;
  let down: SerializedError | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let nextRetry = retryMs;

  const goDown = (reason: AppError) => {
    const wasUp = down === null;
    down = reason.toJSON();
    const instance = pcsc;
    pcsc = undefined;
    const had = table.drop();
    closeQuietly([instance]);
    if (wasUp) {
      emit({ type: 'service', status: 'down', error: down });
      if (had) table.emitReaders();
    }
    table.markReady();
    scheduleRetry();
  };

  const scheduleRetry = () => {
    if (closed || retryTimer || !factory) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, nextRetry);
    nextRetry = Math.min(Math.round(nextRetry * 1.5), maxRetryMs);
  };

  const connect = () => {
    if (closed || !factory) return;
    let instance: Pcsc;
    try {
      instance = factory();
    } catch (e) {
      goDown(new AppError('ERR_CARD_PCSC_UNAVAILABLE', { message: errText(e) }));
      return;
    }
    pcsc = instance;
    const lost = (e?: unknown) => {
      if (pcsc !== instance) return;
      goDown(new AppError('ERR_CARD_PCSC_UNAVAILABLE', { message: e === undefined ? 'PC/SC connection ended' : errText(e) }));
    };
    instance.on('error', lost);
    instance.on('end', () => lost());
    instance.on('reader', (handle) => {
      if (pcsc === instance) table.add(handle);
    });
    if (down !== null) {
      down = null;
      nextRetry = retryMs;
      emit({ type: 'service', status: 'up' });
    }
    // No reader at all gives no event; the quiet period then makes the monitor ready.
    table.checkReady(400);
  };

  void (async () => {
    try {
      factory = await (options.load ?? loadPcsclite)();
    } catch (e) {
      // The native module did not load (optional dependency missing, or built for another ABI): PC/SC
      // stays down for good, and the screen names the module (ErrorNotice shows detail.module).
      down = new AppError('ERR_APP_NATIVE_MODULE', { module: 'pcsclite', message: `pcsclite not available: ${errText(e)}` }).toJSON();
      emit({ type: 'service', status: 'down', error: down });
      table.markReady();
      return;
    }
    connect();
  })();

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => table.ready,
    readers: table.snapshot,
    serviceError: () => down,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      table.stop();
      listeners.clear();
      const instance = pcsc;
      pcsc = undefined;
      table.drop();
      closeQuietly([instance]);
    },
  };
}
