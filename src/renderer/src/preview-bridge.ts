// window.zorgid for the browser preview: the same ZorgidApi as Electron's preload, carried over the
// preview host's HTTP API (POST /api/invoke) and event stream (GET /api/events). Loaded only when no
// preload has provided window.zorgid, before the app mounts.
import type { Channel, EventMap, EventName, ZorgidApi } from '../../shared/contract';
import { isChannel, isEventName } from '../../shared/channels';
import type { CardEvent } from '../../shared/domain';
import type { Result, SerializedError } from '../../shared/errors';

/** Byte arrays (the PINs: contract.ts pinBytes) as { $bytes: [...] } in the preview's JSON; the preview host revives them. */
const bytesOnTheWire = (_key: string, value: unknown): unknown => (value instanceof Uint8Array ? { $bytes: Array.from(value) } : value);

const SECRET_META = 'zorgid-preview-secret';
const SECRET_HEADER = 'x-zorgid-secret';
const UNAVAILABLE: SerializedError = { code: 'ERR_CARD_HOST_UNAVAILABLE', kind: 'fatal' };

function readSecret(): string {
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="${SECRET_META}"]`);
  const secret = meta?.content ?? '';
  // Out of the DOM once read: nothing else on the page needs it.
  meta?.remove();
  return secret;
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

export function installPreviewBridge(): void {
  const secret = readSecret();
  const headers = { 'Content-Type': 'application/json', [SECRET_HEADER]: secret };
  const listeners: { [E in EventName]: Set<(payload: EventMap[E]) => void> } = { 'card:event': new Set(), 'handoff:event': new Set(), 'smartcard:event': new Set() };
  let streaming = false;

  const deliverTo = <E extends EventName>(name: E, payload: EventMap[E]): void => {
    for (const listener of [...listeners[name]]) listener(payload);
  };
  const deliver = (event: CardEvent): void => deliverTo('card:event', event);

  async function invoke(channel: Channel, input?: unknown): Promise<Result<never>> {
    if (!isChannel(channel)) return { ok: false, error: { code: 'ERR_IPC_UNKNOWN_CHANNEL', kind: 'fatal' } };
    try {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers,
        body: JSON.stringify({ channel, input }, bytesOnTheWire),
        credentials: 'omit',
        cache: 'no-store',
      });
      const body: unknown = await response.json();
      return isResult(body) ? (body as Result<never>) : { ok: false, error: { code: 'ERR_INTERNAL', kind: 'fatal' } };
    } catch {
      return { ok: false, error: UNAVAILABLE };
    }
  }

  // fetch rather than EventSource: EventSource cannot send the secret header.
  async function stream(): Promise<void> {
    let lost = false;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await fetch('/api/events', { headers: { [SECRET_HEADER]: secret }, credentials: 'omit', cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        if (lost) deliver({ type: 'host', status: 'restarted', reason: 'preview connection restored' });
        lost = false;
        attempt = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trimStart())
              .join('\n');
            const name = /(?:^|\n)event: ([a-z:]+)(?:\n|$)/.exec(block)?.[1];
            if (data && name && isEventName(name)) deliverTo(name, JSON.parse(data) as EventMap[typeof name]);
          }
        }
      } catch {
        // Fall through to the reconnect below.
      }
      if (!lost) deliver({ type: 'service', status: 'down', error: UNAVAILABLE });
      lost = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * 2 ** Math.min(attempt, 4))));
    }
  }

  const api: ZorgidApi = {
    invoke: invoke as ZorgidApi['invoke'],
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      if (!isEventName(event)) return () => {};
      const set = listeners[event] as Set<(payload: EventMap[E]) => void>;
      set.add(listener);
      if (!streaming) {
        streaming = true;
        void stream();
      }
      return () => {
        set.delete(listener);
      };
    },
  };
  Object.defineProperty(window, 'zorgid', { value: Object.freeze(api), writable: false, configurable: false, enumerable: false });
}
