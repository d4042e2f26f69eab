// The only place raw ipcMain is used: one handler per contract channel, all through the shared
// dispatcher, each call first checked to come from our own window's top frame showing our own page.
import { ipcMain, type BrowserWindow } from 'electron';
import { CHANNELS, type ContractHandlers, type EventMap } from '../../shared/contract';
import { handleInvoke } from './dispatch';
import { isTrustedSender } from './sender';

export interface IpcOptions {
  handlers: ContractHandlers;
  window: () => BrowserWindow | null;
  isAppUrl: (url: string) => boolean;
  subscribe: (listener: (event: EventMap['card:event']) => void) => () => void;
  subscribeHandoff?: (listener: (view: EventMap['handoff:event']) => void) => () => void;
  subscribeSmartcard?: (listener: (view: EventMap['smartcard:event']) => void) => () => void;
  log?: (line: string) => void;
}

export function registerIpc(options: IpcOptions): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input) =>
      handleInvoke(channel, input, {
        handlers: options.handlers,
        senderVerified: isTrustedSender(event, options.window(), options.isAppUrl),
        log: (e) => options.log?.(`ipc: ${e.channel} ${e.ok ? 'ok' : e.code} ${e.ms} ms`),
      }),
    );
  }
  const send = <E extends keyof EventMap>(name: E, payload: EventMap[E]): void => {
    const win = options.window();
    if (win && !win.isDestroyed() && options.isAppUrl(win.webContents.getURL())) win.webContents.send(name, payload);
  };
  const unsubscribe = options.subscribe((cardEvent) => send('card:event', cardEvent));
  const unsubscribeHandoff = options.subscribeHandoff?.((view) => send('handoff:event', view)) ?? (() => {});
  const unsubscribeSmartcard = options.subscribeSmartcard?.((view) => send('smartcard:event', view)) ?? (() => {});
  return () => {
    unsubscribe();
    unsubscribeHandoff();
    unsubscribeSmartcard();
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
