// The IPC gatekeeper's rule, apart from ipcMain so it is unit-tested (types only from electron).
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';

/** Our window, its main frame (not an iframe), on our page. Anything else is refused. */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null, isAppUrl: (url: string) => boolean): boolean {
  if (!win || win.isDestroyed()) return false;
  if (event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== win.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}
