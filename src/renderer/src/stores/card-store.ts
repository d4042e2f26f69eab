// What the card screen shows: the readers, and per reader what we know about its card. Driven by the
// card event stream; reading a card is started here when a card appears, never by a component.
import { create } from 'zustand';
import type { CardEvent, CardFamily, CardReading, ReaderState } from '../../../shared/domain';
import type { SerializedError } from '../../../shared/errors';
import { invoke, on } from '../api';

export type CardView =
  | { state: 'reading'; family: CardFamily; startedAt: number; token: number }
  | { state: 'read'; family: CardFamily; reading: CardReading }
  | { state: 'error'; family: CardFamily; error: SerializedError };

export type ServiceState = { status: 'connecting' } | { status: 'up' } | { status: 'down'; error: SerializedError | null };

interface CardStore {
  service: ServiceState;
  readers: ReaderState[];
  cards: Record<string, CardView>;
  /** Starts listening; returns the stop function. */
  start(): () => void;
  read(reader: string, family: CardFamily): Promise<void>;
  apply(event: CardEvent): void;
}

let nextToken = 1;

export const useCardStore = create<CardStore>((set, get) => ({
  service: { status: 'connecting' },
  readers: [],
  cards: {},

  start() {
    const stop = on('card:event', (event) => get().apply(event));
    // Events sent before this listener existed are gone (Electron pushes without replay): ask for
    // the snapshot too. Applying a snapshot twice is harmless.
    void invoke('card:readers').then((result) => {
      if (result.ok) {
        if (get().service.status === 'connecting') set({ service: { status: 'up' } });
        get().apply({ type: 'readers', readers: result.value });
      } else get().apply({ type: 'service', status: 'down', error: result.error });
    });
    return stop;
  },

  async read(reader, family) {
    const token = nextToken++;
    set((s) => ({ cards: { ...s.cards, [reader]: { state: 'reading', family, startedAt: performance.now(), token } } }));
    const result = await invoke('card:read', { reader });
    const current = get().cards[reader];
    // The card was pulled or replaced while we read: this answer is about a card that is gone.
    if (current?.state !== 'reading' || current.token !== token) return;
    const view: CardView = result.ok ? { state: 'read', family, reading: result.value } : { state: 'error', family, error: result.error };
    set((s) => ({ cards: { ...s.cards, [reader]: view } }));
  },

  apply(event) {
    switch (event.type) {
      case 'readers': {
        const present = new Map(event.readers.filter((r) => r.present).map((r) => [r.name, r]));
        const cards = Object.fromEntries(Object.entries(get().cards).filter(([name]) => present.has(name)));
        // A snapshot alone does not prove the service is up (a host still starting reports no readers):
        // 'connecting' ends with the answer to card:readers (start) or an explicit service event.
        set((s) => ({ readers: event.readers, cards, service: s.service.status === 'connecting' || s.service.status === 'down' ? s.service : { status: 'up' } }));
        // A card that was already in a reader when we started (or after a reconnect) is read too.
        for (const [name, reader] of present) if (!cards[name]) void get().read(name, reader.family ?? 'unknown');
        return;
      }
      case 'inserted':
        void get().read(event.reader, event.family);
        return;
      case 'removed': {
        const { [event.reader]: _gone, ...rest } = get().cards;
        set({ cards: rest });
        return;
      }
      case 'service':
        set(
          event.status === 'down'
            ? { service: { status: 'down', error: event.error ?? null }, readers: [], cards: {} }
            : { service: { status: 'up' } },
        );
        return;
      case 'host': {
        // The card host (or the connection to it) restarted: whatever was read before may be stale.
        set({ service: { status: 'up' }, cards: {} });
        void invoke('card:readers').then((result) => {
          get().apply(result.ok ? { type: 'readers', readers: result.value } : { type: 'service', status: 'down', error: result.error });
        });
        return;
      }
    }
  },
}));
