// Entry of the browser preview host: `node --import tsx src/main/preview/main.ts --demo|--real`.
// Composition root of the preview: settings, card backend, handlers, HTTP host.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../../shared/contract';
import type { CardBackendMode } from '../card-backend';
import { createCardBackend } from '../demo-backend';
import { createCardHost } from '../core/host/supervisor';
import { execCommandPort, linuxPolicyDirs, policyDirWatchList, readPolicy, readPolicyDir } from '../core/policy';
import { openAppStore } from '../core/store';
import { createHandlers } from '../handlers';
import { handoffHandlers, setupHandoff } from '../handoff-setup';
import { setupPolicy } from '../policy-setup';
import { setupSmartcard } from '../smartcard-setup';
import { startPreviewHost } from './server';
import { logCardEvents, loggedHandlers } from '../app-log-setup';
import { openAppLog } from '../core/diagnostics/app-log';
import { gitCommit, policyReportOf, setupDiagnostics } from '../diagnostics-setup';

interface Args {
  mode: CardBackendMode;
  port: number;
  rendererDir: string;
  /** Folder of the app's SQLite file (settings + audit log). */
  dataDir: string;
  /** The data dir is a temp folder of this run: removed on exit. */
  dataDirIsTemp: boolean;
  /** Loopback listener port; undefined = the stored setting (24761). */
  handoffPort: number | undefined;
  /** Portals allowed for this run (npm start's reference portal, tests), beside the stored allowlist. */
  allowPortals: string[];
  json: boolean;
  exitWithParent: boolean;
  demoReadDelayMs: number | undefined;
  demoBackend: 'auto' | 'in-process' | 'card-lab';
  /** A policy folder (policy.json + policy.d/) instead of the machine's policy: tests and screenshots. */
  policyDir: string | undefined;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const mode: CardBackendMode = argv.includes('--real') ? 'real' : 'demo';
  const delay = value('--demo-read-delay');
  const handoffPort = value('--handoff-port');
  const allow = [...argv.flatMap((a, i) => (a === '--allow-portal' && argv[i + 1] ? [argv[i + 1]!] : [])), ...(process.env.ZORGID_PORTAL_URL ? [process.env.ZORGID_PORTAL_URL] : [])];
  return {
    mode,
    port: Number(value('--port') ?? 0),
    rendererDir: resolve(value('--renderer') ?? join(repoRoot, 'dist/renderer')),
    // The demo keeps its data in a fresh temp folder: a demo must not change the person's real
    // settings or add to their audit log. --data-dir (or ZORGID_DATA_DIR) picks a folder.
    dataDirIsTemp: mode === 'demo' && value('--data-dir') === undefined && process.env.ZORGID_DATA_DIR === undefined,
    dataDir:
      value('--data-dir') ??
      process.env.ZORGID_DATA_DIR ??
      (mode === 'real' ? join(homedir(), '.config', 'zorgid-desktop') : mkdtempSync(join(tmpdir(), 'zorgid-preview-'))),
    handoffPort: handoffPort === undefined ? undefined : Number(handoffPort),
    allowPortals: [...new Set(allow.map((o) => o.replace(/\/$/, '')))],
    json: argv.includes('--json'),
    exitWithParent: argv.includes('--exit-with-parent'),
    demoBackend: argv.includes('--in-process') ? 'in-process' : argv.includes('--card-lab') ? 'card-lab' : 'auto',
    demoReadDelayMs: delay === undefined ? undefined : Number(delay),
    policyDir: value('--policy-dir') ?? process.env.ZORGID_POLICY_DIR,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const store = openAppStore({ path: join(args.dataDir, 'zorgid-desktop.sqlite'), clock: Date.now });
  // The preview reads policy like the app does, or from --policy-dir / ZORGID_POLICY_DIR (the preview
  // host is for demos and tests only; the installed app has no such switch).
  const policyDir = args.policyDir ? resolve(args.policyDir) : undefined;
  const policy = await setupPolicy({
    store,
    read: () =>
      policyDir ? readPolicyDir(policyDir) : readPolicy({ platform: process.platform, root: '/', user: userInfo().username, run: execCommandPort() }),
    watchDirs: policyDir ? policyDirWatchList(policyDir) : process.platform === 'linux' ? linuxPolicyDirs('/') : [],
    pollMs: 5_000,
    log,
  });
  const settings = policy.settings;
  const appLog = openAppLog({ dir: args.dataDir, clock: Date.now });
  appLog.write({ level: 'info', area: 'app', code: 'APP_STARTED' });
  const backend = await createCardBackend({
    mode: args.mode,
    clock: Date.now,
    log,
    pkcs11ModulePath: (await settings.get()).pkcs11ModulePath,
    demoBackend: args.demoBackend,
    // The supervised card host as a forked Node child (Electron uses a utilityProcess instead).
    cardHost: async ({ pkcs11ModulePath, onLog }) => createCardHost({ modulePath: pkcs11ModulePath, onLog }),
    onHostLog: (event) => appLog.write(event),
    ...(args.demoReadDelayMs !== undefined ? { demoReadDelayMs: args.demoReadDelayMs } : {}),
  });
  const info: AppInfo = {
    name: 'ZORG-ID Desktop',
    version: process.env.npm_package_version ?? '0.1.0',
    mode: args.mode,
    demoBackend: backend.demoBackend,
    platform: process.platform,
  };
  const handoff = await setupHandoff({
    store,
    card: backend.card,
    clock: Date.now,
    rng: (n) => new Uint8Array(randomBytes(n)),
    appVersion: info.version,
    port: args.handoffPort ?? settings.view().effective.loopbackPort.value,
    allowlist: () => policy.portals(args.allowPortals),
    // The preview's window is a browser tab: the request screen appears there; nothing to raise.
    focus: () => {},
    log,
  });
  const smartcard = setupSmartcard({
    card: backend.card,
    pinAuthority: backend.smartcardPinAuthority,
    portals: () => policy.portals(args.allowPortals),
    audit: (entry) => void store.appendAudit(entry),
    appVersion: info.version,
    log,
  });
  const listener = handoff.listener;
  if (listener) appLog.write({ level: 'info', area: 'handoff', code: 'LISTENER_STARTED', fields: { port: listener.port } });
  // No saveFile: the browser downloads the report itself (ERR_DIAG_SAVE_UNAVAILABLE tells it to).
  const diagnostics = setupDiagnostics({
    info,
    policy: policyReportOf(() => settings.view()),
    commit: gitCommit(repoRoot),
    card: backend.card,
    store,
    appLog,
    listener: () => (listener ? { state: 'listening', port: listener.port } : { state: 'unavailable', port: store.getSettings().loopbackPort, error: 'ERR_HANDOFF_LISTENER_UNAVAILABLE' }),
    clock: Date.now,
  });
  const stopCardLog = logCardEvents(backend.card, appLog);
  const host = await startPreviewHost({
    handlers: loggedHandlers(
      createHandlers({ card: backend.card, settings, info, demo: backend.demo, handoff: handoffHandlers(handoff.ui), smartcard: smartcard.handlers, diagnostics: diagnostics.handlers }),
      appLog,
    ),
    subscribe: (listener) => backend.card.subscribe(listener),
    subscribeHandoff: (listener) => handoff.subscribe(listener),
    subscribeSmartcard: (listener) => smartcard.subscribe(listener),
    rendererDir: args.rendererDir,
    port: args.port,
    log,
  });
  // The URL alone; the secret is in the served page, not in the URL or the terminal.
  const handoffUrl = handoff.listener ? `http://127.0.0.1:${handoff.listener.port}` : null;
  process.stdout.write(
    args.json
      ? `${JSON.stringify({ url: host.url, handoffUrl, dataDir: args.dataDir })}\n`
      : `ZORG-ID Desktop (browser preview${args.mode === 'demo' ? ', DEMO' : ''}): ${host.url}\n` +
          (handoffUrl ? `  portal logins (loopback): ${handoffUrl}\n` : ''),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    appLog.write({ level: 'info', area: 'app', code: 'APP_STOPPED' });
    stopCardLog();
    await host.close();
    await handoff.close();
    await backend.close();
    policy.close();
    store.close();
    if (args.dataDirIsTemp) rmSync(args.dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Opt-in: a parent that dies (test runner, npm start) closes our stdin pipe; follow it rather than linger.
  if (args.exitWithParent) process.stdin.on('end', () => void stop()).resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`preview host failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
