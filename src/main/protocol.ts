// zorgid:// links and the single-instance lock. A zorgid:// link opened while the app runs arrives in
// the first instance ('second-instance' on Windows/Linux, 'open-url' on macOS); the handoff issue
// plugs its flow into `onLink`.
import { app } from 'electron';
import { APP_SCHEME, parseAppLink } from './app-link';

export { linkFromArgv, parseAppLink } from './app-link';

export interface ProtocolOptions {
  onLink: (url: URL) => void;
  /** Bring the existing window forward (a second start means the person wants the app). */
  focus: () => void;
}

/** Returns false when another instance holds the lock: the caller quits at once. */
export function setupSingleInstance(options: ProtocolOptions): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => {
    options.focus();
    for (const arg of argv) {
      const link = parseAppLink(arg);
      if (link) options.onLink(link);
    }
  });
  app.on('open-url', (event, raw) => {
    event.preventDefault();
    const link = parseAppLink(raw);
    if (link) options.onLink(link);
  });
  return true;
}

export function setupProtocol(): void {
  // In development the app runs as `electron <path>`: register that command line, not bare electron.
  if (!app.isPackaged && process.argv[1]) app.setAsDefaultProtocolClient(APP_SCHEME, process.execPath, [process.argv[1]]);
  else app.setAsDefaultProtocolClient(APP_SCHEME);
}
