// Feeds the app's log (core/diagnostics/app-log.ts) from main: card events and every failed contract
// call, as codes only. Shared by the Electron app and the preview host.
import type { ContractHandlers } from '../shared/contract';
import type { Channel } from '../shared/channels';
import { AppError, serializeError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import type { AppLog } from './core/diagnostics/app-log';

/** Card events → log lines. Readers are named by index: a reader's name is the only string we have. */
export function logCardEvents(card: Pick<CardService, 'subscribe'>, appLog: AppLog): () => void {
  let names: string[] = [];
  const index = (reader: string) => Math.max(0, names.indexOf(reader));
  return card.subscribe((e) => {
    if (e.type === 'readers') names = e.readers.map((r) => r.name);
    else if (e.type === 'inserted') appLog.write({ level: 'info', area: 'card', code: 'CARD_INSERTED', fields: { readerIndex: index(e.reader), family: e.family } });
    else if (e.type === 'removed') appLog.write({ level: 'info', area: 'card', code: 'CARD_REMOVED', fields: { readerIndex: index(e.reader) } });
    else if (e.type === 'service') {
      appLog.write({ level: e.status === 'up' ? 'info' : 'warn', area: 'card', code: e.status === 'up' ? 'PCSC_UP' : 'PCSC_DOWN', fields: { status: e.status } });
      if (e.error) appLog.write({ level: 'warn', area: 'card', code: e.error.code });
    } else if (e.type === 'host') appLog.write({ level: 'warn', area: 'host', code: 'HOST_RESTARTED', fields: { status: 'restarted' } });
  });
}

/** Every handler, wrapped: a failure is logged as its code and the channel, then passed on unchanged. */
export function loggedHandlers(handlers: ContractHandlers, appLog: AppLog): ContractHandlers {
  const out: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [channel, handler] of Object.entries(handlers) as [Channel, (input: unknown) => Promise<unknown>][]) {
    out[channel] = async (input) => {
      try {
        return await handler(input);
      } catch (err) {
        const e = serializeError(err);
        const ckr = typeof e.detail?.['ckr'] === 'string' ? e.detail['ckr'] : undefined;
        appLog.write({ level: e.kind === 'fatal' || !(err instanceof AppError) ? 'error' : 'warn', area: 'ipc', code: e.code, fields: { channel, ...(ckr ? { ckr } : {}) } });
        throw err;
      }
    };
  }
  return out as ContractHandlers;
}
