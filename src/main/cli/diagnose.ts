// The diagnostics report for a helpdesk, without the window:
//   npm run --silent diagnose [-- --json] [--data-dir <folder>] [--module <path>] [--smartcard-module <path>] [--no-pcsc]
// Starts the card host as the app does, reads the app's settings, log and audit chain from its data
// folder (read only when it exists: this never creates one), prints the report and exits.
// Exit 0: report printed; 2: usage error.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openAppLog } from '../core/diagnostics/app-log';
import { reportText } from '../core/diagnostics/report-text';
import { createCardHost, type CardHost } from '../core/host/supervisor';
import type { AppStore } from '../core/store';
import { DEFAULT_APP_SETTINGS } from '../core/store/app-settings';
import { userDataDir } from '../diagnose-paths';
import { gitCommit, probeListener, setupDiagnostics } from '../diagnostics-setup';

export const USAGE = 'usage: diagnose [--json] [--data-dir <folder>] [--module <path>] [--smartcard-module <path>] [--no-pcsc]';

export interface DiagnoseArgs {
  json: boolean;
  dataDir: string;
  module: string | undefined;
  smartcardModule: string | undefined;
  pcsc: boolean;
}

export function parseDiagnoseArgs(argv: readonly string[]): DiagnoseArgs | null {
  const args: DiagnoseArgs = { json: false, dataDir: userDataDir(), module: undefined, smartcardModule: undefined, pcsc: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => (i + 1 < argv.length ? argv[++i]! : undefined);
    if (a === '--json') args.json = true;
    else if (a === '--no-pcsc') args.pcsc = false;
    else if (a === '--diagnose') continue;
    else if (a === '--data-dir' || a === '--module' || a === '--smartcard-module') {
      const v = next();
      if (!v) return null;
      if (a === '--data-dir') args.dataDir = resolve(v);
      else if (a === '--module') args.module = v;
      else args.smartcardModule = v;
    } else return null;
  }
  return args;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export async function runDiagnose(args: DiagnoseArgs, out: (s: string) => void): Promise<void> {
  const sqlite = join(args.dataDir, 'zorgid-desktop.sqlite');
  let store: AppStore | null = null;
  if (existsSync(sqlite)) {
    // A store that does not open leaves a report without settings rather than none.
    store = await import('../core/store').then((m) => m.openAppStore({ path: sqlite, clock: Date.now })).catch(() => null);
  }
  const settings = store?.getSettings() ?? DEFAULT_APP_SETTINGS;
  const appLog = existsSync(args.dataDir) ? openAppLog({ dir: args.dataDir, clock: Date.now }) : null;
  let host: CardHost | null = null;
  try {
    host = createCardHost({
      modulePath: args.module ?? settings.pkcs11ModulePath,
      smartcardModulePath: args.smartcardModule ?? null,
      pcsc: args.pcsc,
      onLog: (e) => appLog?.write(e),
    });
    await host.whenReady().catch(() => undefined);
    const listener = await probeListener(settings.loopbackPort);
    const diagnostics = setupDiagnostics({
      info: { name: 'ZORG-ID Desktop', version: process.env['npm_package_version'] ?? '0.1.0', mode: 'real' },
      commit: gitCommit(repoRoot),
      card: host,
      store,
      appLog,
      listener: () => listener,
      clock: Date.now,
    });
    const report = await diagnostics.report();
    out(args.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
  } finally {
    await host?.close();
    store?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseDiagnoseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  runDiagnose(args, (s) => process.stdout.write(s)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`diagnose failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
