// The Electron glue's decisions, tested without Electron: which URLs are ours, which IPC senders are
// trusted, which zorgid:// links are accepted, what the tray says.
import type { BrowserWindow, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { linkFromArgv, parseAppLink } from './app-link';
import { appUrlMatcher, windowPaths } from './app-url';
import { isTrustedSender } from './ipc/sender';
import { trayStatus } from './tray-status';

const paths = { ...windowPaths('/opt/zorgid/resources/app.asar/out/main'), devServerUrl: undefined };
const isAppUrl = appUrlMatcher(paths);

describe('our own URLs', () => {
  it('accepts the built index.html (with a hash) and nothing else', () => {
    expect(isAppUrl('file:///opt/zorgid/resources/app.asar/out/renderer/index.html')).toBe(true);
    expect(isAppUrl('file:///opt/zorgid/resources/app.asar/out/renderer/index.html#/instellingen')).toBe(true);
    expect(isAppUrl('file:///opt/zorgid/resources/app.asar/out/renderer/other.html')).toBe(false);
    expect(isAppUrl('file:///tmp/index.html')).toBe(false);
    expect(isAppUrl('https://evil.example/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('accepts the dev server origin only in development', () => {
    const dev = appUrlMatcher({ ...paths, devServerUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });
});

describe('IPC sender check', () => {
  const mainFrame = { url: 'file:///opt/zorgid/resources/app.asar/out/renderer/index.html' } as WebFrameMain;
  const webContents = { mainFrame };
  const win = { webContents, isDestroyed: () => false } as unknown as BrowserWindow;
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as IpcMainInvokeEvent;

  it('trusts our window’s main frame on our page', () => {
    expect(isTrustedSender(event(webContents, mainFrame), win, isAppUrl)).toBe(true);
  });

  it('refuses another window, an iframe, a frame that navigated away, a gone frame and a closed window', () => {
    expect(isTrustedSender(event({ mainFrame }, mainFrame), win, isAppUrl)).toBe(false);
    expect(isTrustedSender(event(webContents, { url: mainFrame.url }), win, isAppUrl)).toBe(false);
    const navigated = { url: 'https://evil.example/' } as WebFrameMain;
    const wc2 = { mainFrame: navigated };
    expect(isTrustedSender(event(wc2, navigated), { webContents: wc2, isDestroyed: () => false } as unknown as BrowserWindow, isAppUrl)).toBe(false);
    expect(isTrustedSender(event(webContents, null), win, isAppUrl)).toBe(false);
    expect(isTrustedSender(event(webContents, mainFrame), { webContents, isDestroyed: () => true } as unknown as BrowserWindow, isAppUrl)).toBe(false);
    expect(isTrustedSender(event(webContents, mainFrame), null, isAppUrl)).toBe(false);
  });
});

describe('zorgid:// links', () => {
  it('accepts only the zorgid scheme', () => {
    expect(parseAppLink('zorgid://handoff?request=abc')?.host).toBe('handoff');
    expect(parseAppLink('https://zorgid/handoff')).toBeNull();
    expect(parseAppLink('zorgid:' + 'x'.repeat(5000))).toBeNull();
    expect(parseAppLink('%%%')).toBeNull();
    expect(linkFromArgv(['/usr/bin/zorgid', '--flag', 'zorgid://handoff?x=1'])?.href).toBe('zorgid://handoff?x=1');
    expect(linkFromArgv(['/usr/bin/zorgid'])).toBeNull();
  });
});

describe('tray status', () => {
  it('says what is in the readers', () => {
    expect(trayStatus([], true)).toBe('Smartcarddienst niet beschikbaar');
    expect(trayStatus([], false)).toBe('Geen kaartlezer');
    expect(trayStatus([{ name: 'Lezer 1', present: false, atr: null, family: null, cardName: null }], false)).toBe('Geen pas geplaatst');
    expect(trayStatus([{ name: 'Lezer 1', present: true, atr: '3B', family: 'uzi', cardName: 'UZI-pas' }], false)).toBe('UZI-pas in Lezer 1');
  });
});
