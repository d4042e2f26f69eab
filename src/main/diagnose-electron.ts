// `ZORG-ID Desktop --diagnose [--json] [--out <file>]`: the installed app prints the diagnostics report
// (the same one as the Diagnose screen and `npm run diagnose`) and exits, without a window and beside
// a running instance (it takes no single-instance lock and opens no listener).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';
import { electronCardHost } from './card-host-electron';
import { openAppLog } from './core/diagnostics/app-log';
import { reportText } from './core/diagnostics/report-text';
import type { AppStore } from './core/store';
import { DEFAULT_APP_SETTINGS } from './core/store/app-settings';
import type { CardService } from './core/card/card-port';
import { probeListener, setupDiagnostics } from './diagnostics-setup';

export const isDiagnoseRun = (argv: readonly string[]): boolean => argv.includes('--diagnose');

export async function runElectronDiagnose(mainDir: string, argv: readonly string[]): Promise<number> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const sqlite = join(dataDir, 'zorgid-desktop.sqlite');
  let store: AppStore | null = null;
  let card: CardService | null = null;
  try {
    // A store that does not open (the reason the app cannot start, say) leaves a report without settings.
    if (existsSync(sqlite)) store = await import('./core/store').then((m) => m.openAppStore({ path: sqlite, clock: Date.now })).catch(() => null);
    const settings = store?.getSettings() ?? DEFAULT_APP_SETTINGS;
    const appLog = existsSync(dataDir) ? openAppLog({ dir: dataDir, clock: Date.now }) : null;
    card = await electronCardHost(mainDir)({ pkcs11ModulePath: settings.pkcs11ModulePath, log: () => undefined, onLog: (e) => appLog?.write(e) });
    await (card as { whenReady?: () => Promise<void> }).whenReady?.().catch(() => undefined);
    const listener = await probeListener(settings.loopbackPort);
    const report = await setupDiagnostics({
      info: { name: 'ZORG-ID Desktop', version: app.getVersion(), mode: 'real' },
      versions: { electron: process.versions.electron, chrome: process.versions.chrome },
      card,
      store,
      appLog,
      listener: () => listener,
      clock: Date.now,
    }).report();
    const text = argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : reportText(report);
    const outAt = argv.indexOf('--out');
    if (outAt >= 0 && argv[outAt + 1]) writeFileSync(argv[outAt + 1]!, text);
    else process.stdout.write(text);
    return 0;
  } catch (err) {
    process.stderr.write(`diagnose failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await card?.close();
    store?.close();
  }
}
