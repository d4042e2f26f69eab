// Hardening that applies to every web contents: no new windows, no navigation away from the app, no
// <webview>, no permissions, and a strict CSP on every response. (Electron security checklist.)
import { app, session, type WebContents } from 'electron';
import { APP_CSP } from './csp';

export { APP_CSP };

/** Call before app ready: renderer sandboxing for every process, and rules for every web contents. */
export function setupSecurity(isAppUrl: (url: string) => boolean): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    const stayInApp = (event: { preventDefault(): void }, url: string): void => {
      if (!isAppUrl(url)) event.preventDefault();
    };
    contents.on('will-navigate', stayInApp);
    contents.on('will-redirect', stayInApp);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** Call after app ready: the default session answers every permission request with no. */
export function setupSessionSecurity(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [APP_CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}
