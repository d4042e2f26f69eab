// Composition root of the Electron app: one setupX() per concern, in the order Electron needs them.
//   production build   → real readers through the supervised card host (utilityProcess), nothing else
//   development build  → also the demo card with ZORGID_MODE=demo (npm start when the Electron binary
//                        exists). Demo mode is a build-time choice: __ZORGID_DEMO__ is false in the
//                        production build (electron.vite.config.ts), so the bundler drops the demo code
//                        and no environment variable can switch the installed app into demo mode.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, type BrowserWindow } from 'electron';
import type { AppInfo } from '../shared/contract';
import { createRealCardBackend, type CardBackend, type CardBackendOptions } from './card-backend';
import { electronCardHost } from './card-host-electron';
import type { AppStore } from './core/store';
import { createHandlers } from './handlers';
import { handoffHandlers, setupHandoff, type HandoffSetup } from './handoff-setup';
import { execCommandPort, linuxPolicyDirs, readPolicy } from './core/policy';
import { setupPolicy } from './policy-setup';
import type { SettingsView } from '../shared/settings-view';
import { setupSmartcard } from './smartcard-setup';
import { registerIpc } from './ipc/register';
import { linkFromArgv, setupProtocol, setupSingleInstance } from './protocol';
import { setupSecurity, setupSessionSecurity } from './security';
import { setupTray } from './tray';
import { startupError, startupErrorText } from './startup-error';
import { appUrlMatcher, createMainWindow, focusWindow, windowPaths } from './window';
import { logCardEvents, loggedHandlers } from './app-log-setup';
import { openAppLog } from './core/diagnostics/app-log';
import { isDiagnoseRun, runElectronDiagnose } from './diagnose-electron';
import { policyReportOf, setupDiagnostics } from './diagnostics-setup';
import { writeFile } from 'node:fs/promises';

declare const __ZORGID_DEMO__: boolean;

const mainDir = fileURLToPath(new URL('.', import.meta.url));
const paths = windowPaths(mainDir, __ZORGID_DEMO__ ? process.env.ELECTRON_RENDERER_URL : undefined);
const isAppUrl = appUrlMatcher(paths);
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

let win: BrowserWindow | null = null;
let backend: CardBackend | null = null;
let store: AppStore | null = null;
let handoff: HandoffSetup | null = null;
const cleanups: (() => void)[] = [];

/** StartWithSession from policy: the OS login item follows it; without policy the app leaves it alone. */
function applyLoginItem(view: SettingsView): void {
  const start = view.effective.startWithSession;
  if (start.source === 'policy' && process.platform !== 'linux') app.setLoginItemSettings({ openAtLogin: start.value });
}

/** Hook for the handoff issue: a zorgid:// link (portal login) arrives here. */
function onLink(url: URL): void {
  log(`zorgid link received: ${url.protocol}//${url.host}${url.pathname}`);
  focusWindow(win);
}

async function startCardBackend(mode: 'demo' | 'real', options: Omit<CardBackendOptions, 'mode'>): Promise<CardBackend> {
  if (__ZORGID_DEMO__ && mode === 'demo') return (await import('./demo-backend')).createDemoCardBackend(options);
  return createRealCardBackend(options);
}

/** The diagnostics report's *Opslaan als bestand*: the OS save dialog, in the Documents folder. */
async function saveWithDialog(content: string, suggestedName: string): Promise<boolean> {
  const picked = await dialog.showSaveDialog({ defaultPath: join(app.getPath('documents'), suggestedName) });
  if (picked.canceled || !picked.filePath) return false;
  await writeFile(picked.filePath, content);
  return true;
}

/** Machine-wide policy (issue 14), before any setting is used: it wins over the person's settings. */
async function startPolicy(appStore: AppStore) {
  const policy = await setupPolicy({
    store: appStore,
    read: () => readPolicy({ platform: process.platform, root: '/', user: userInfo().username, run: execCommandPort() }),
    watchDirs: process.platform === 'linux' ? linuxPolicyDirs('/') : [],
    pollMs: 60_000,
    log,
    onChange: applyLoginItem,
  });
  cleanups.push(policy.close);
  applyLoginItem(policy.settings.view());
  return policy;
}

async function main(): Promise<void> {
  // A helpdesk's `--diagnose`: the report on stdout, then exit (diagnose-electron.ts).
  if (isDiagnoseRun(process.argv)) {
    app.exit(await runElectronDiagnose(mainDir, process.argv));
    return;
  }
  if (!setupSingleInstance({ onLink, focus: () => focusWindow(win) })) {
    app.quit();
    return;
  }
  setupSecurity(isAppUrl);
  setupProtocol();
  await app.whenReady();
  setupSessionSecurity();

  // Loaded here, not at the top: a native module that fails to load (better-sqlite3 built for another
  // ABI) then reaches the catch below and its dialog, instead of Electron's stack trace.
  const { openAppStore } = await import('./core/store');
  store = openAppStore({ path: join(app.getPath('userData'), 'zorgid-desktop.sqlite'), clock: Date.now });
  const policy = await startPolicy(store);
  const settings = policy.settings;
  const appLog = openAppLog({ dir: app.getPath('userData'), clock: Date.now });
  appLog.write({ level: 'info', area: 'app', code: 'APP_STARTED' });
  const mode = __ZORGID_DEMO__ && process.env.ZORGID_MODE === 'demo' ? 'demo' : 'real';
  backend = await startCardBackend(mode, {
    clock: Date.now,
    log,
    pkcs11ModulePath: (await settings.get()).pkcs11ModulePath,
    cardHost: electronCardHost(mainDir),
    onHostLog: (event) => appLog.write(event),
  });
  const card = backend.card;
  const info: AppInfo = { name: 'ZORG-ID Desktop', version: app.getVersion(), mode, demoBackend: backend.demoBackend, platform: process.platform };

  // npm start's reference portal, for this run only (development builds: the installed app trusts
  // only the allowlist in its settings).
  const runPortals = __ZORGID_DEMO__ && process.env.ZORGID_PORTAL_URL ? [process.env.ZORGID_PORTAL_URL.replace(/\/$/, '')] : [];
  handoff = await setupHandoff({
    store,
    card,
    clock: Date.now,
    rng: (n) => new Uint8Array(randomBytes(n)),
    appVersion: info.version,
    allowlist: () => policy.portals(runPortals),
    port: settings.view().effective.loopbackPort.value,
    focus: () => (win ? focusWindow(win) : (win = createMainWindow(paths))),
    log,
  });

  const appStore = store;
  const smartcard = setupSmartcard({
    card,
    pinAuthority: backend.smartcardPinAuthority,
    portals: () => policy.portals(runPortals),
    audit: (entry) => void appStore.appendAudit(entry),
    appVersion: info.version,
    log,
  });

  const listener = handoff.listener;
  if (listener) appLog.write({ level: 'info', area: 'handoff', code: 'LISTENER_STARTED', fields: { port: listener.port } });
  const diagnostics = setupDiagnostics({
    info,
    policy: policyReportOf(() => settings.view()),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome },
    card,
    store: appStore,
    appLog,
    listener: () => (listener ? { state: 'listening', port: listener.port } : { state: 'unavailable', port: appStore.getSettings().loopbackPort, error: 'ERR_HANDOFF_LISTENER_UNAVAILABLE' }),
    clock: Date.now,
    saveFile: saveWithDialog,
  });
  cleanups.push(logCardEvents(card, appLog));

  win = createMainWindow(paths);
  win.on('closed', () => {
    win = null;
  });
  cleanups.push(
    registerIpc({
      handlers: loggedHandlers(
        createHandlers({ card, settings, info, demo: backend.demo, handoff: handoffHandlers(handoff.ui), smartcard: smartcard.handlers, diagnostics: diagnostics.handlers }),
        appLog,
      ),
      window: () => win,
      isAppUrl,
      subscribe: (listener) => card.subscribe(listener),
      subscribeHandoff: (listener) => handoff?.subscribe(listener) ?? (() => {}),
      subscribeSmartcard: (listener) => smartcard.subscribe(listener),
      log,
    }),
    setupTray({
      iconPath: join(mainDir, '../../resources/tray.png'),
      subscribe: (listener) => card.subscribe(listener),
      open: () => (win ? focusWindow(win) : (win = createMainWindow(paths))),
      quit: () => app.quit(),
    }),
  );

  const startLink = linkFromArgv(process.argv);
  if (startLink) onLink(startLink);

  // The tray keeps the app (and the card host) running when the window closes.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => {
    if (!win) win = createMainWindow(paths);
  });
  app.on('before-quit', () => {
    appLog.write({ level: 'info', area: 'app', code: 'APP_STOPPED' });
    for (const cleanup of cleanups.splice(0)) cleanup();
    void handoff
      ?.close()
      .then(() => backend?.close())
      .finally(() => store?.close());
  });
}

main().catch((err: unknown) => {
  log(`ZORG-ID Desktop failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  // Never a blank window: what happened, what to do, the component and the code (startup-error.ts).
  const { title, body } = startupErrorText(startupError(err));
  void app.whenReady().then(() => {
    dialog.showErrorBox(title, body);
    app.exit(1);
  });
});
