// The one app window. Everything a page could use to reach Node is off; the preload is the only bridge.
import { BrowserWindow } from 'electron';
import type { WindowPaths } from './app-url';

export { appUrlMatcher, windowPaths, type WindowPaths } from './app-url';

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1120,
    height: 800,
    minWidth: 720,
    minHeight: 560,
    show: false,
    title: 'ZORG-ID Desktop',
    backgroundColor: '#f4f6f8',
    autoHideMenuBar: true,
    ...(paths.icon ? { icon: paths.icon } : {}),
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void (paths.devServerUrl ? win.loadURL(paths.devServerUrl) : win.loadFile(paths.indexHtml));
  return win;
}

export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
