// The preload: window.zorgid, exactly the contract, nothing else. Raw ipcRenderer stays in here.
// Sandboxed (no Node), so this file imports only electron and the zod-free channel list.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, isEventName } from '../shared/channels';
import type { EventMap, EventName, ZorgidApi } from '../shared/contract';

const api: ZorgidApi = {
  invoke: ((channel: string, input?: unknown) =>
    isChannel(channel)
      ? ipcRenderer.invoke(channel, input)
      : Promise.resolve({ ok: false, error: { code: 'ERR_IPC_UNKNOWN_CHANNEL', kind: 'fatal' } })) as ZorgidApi['invoke'],
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
    if (!isEventName(event)) return () => {};
    // Only the payload crosses into the page, never the Electron event object.
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as EventMap[E]);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('zorgid', api);
