// Diagnostics glue shared by the Electron app, the preview host and the `--diagnose` CLI: builds the
// report from the running pieces (core/diagnostics/report.ts) and answers the Diagnose screen's
// channels. Saving goes through a port: Electron shows a save dialog, the preview host has none.
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { arch, platform, release } from 'node:os';
import type { AppInfo, DiagnosticsFormat, DiagnosticsView } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { CardService } from './core/card/card-port';
import type { AppLog } from './core/diagnostics/app-log';
import type { HostDiagnosis } from './core/diagnostics/host-diagnosis';
import { buildReport, settingsPolicyReport, type AppFacts, type DiagnosticReport, type ListenerState, type PolicyReportPort } from './core/diagnostics/report';
import { reportText } from './core/diagnostics/report-text';
import type { AppStore } from './core/store';
import { DEFAULT_APP_SETTINGS } from './core/store/app-settings';
import type { DiagnosticsHandlers } from './handlers';
import type { SettingsView } from '../shared/settings-view';

export interface DiagnosticsSetupOptions {
  info: Pick<AppInfo, 'name' | 'version' | 'mode'>;
  /** process.versions.electron / .chrome when in Electron. */
  versions?: { electron?: string; chrome?: string };
  commit?: string | null;
  card: CardService | null;
  store: AppStore | null;
  appLog: AppLog | null;
  listener: () => ListenerState;
  clock: () => number;
  /** The policy port; default: the stored settings marked user/default (until the policy lands). */
  policy?: PolicyReportPort;
  /** Writes the report where the person chooses; resolves false when they cancel. Absent: refused. */
  saveFile?: (content: string, suggestedName: string) => Promise<boolean>;
}

export interface DiagnosticsSetup {
  report(): Promise<DiagnosticReport>;
  handlers: DiagnosticsHandlers;
}

/** The commit of a source checkout (npm run diagnose); null in an installed app or without git. */
export function gitCommit(repoRoot: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim();
    return /^[0-9a-f]{7,40}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

/** Is something (the running app) listening on the loopback port? For a report made outside the app. */
export function probeListener(port: number, timeoutMs = 500): Promise<ListenerState> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (state: ListenerState) => {
      socket.destroy();
      done(state);
    };
    socket.setTimeout(timeoutMs, () => finish({ state: 'stopped', port, error: 'timeout' }));
    socket.once('connect', () => finish({ state: 'listening', port }));
    socket.once('error', () => finish({ state: 'stopped', port, error: null }));
  });
}

const hasDiagnose = (card: CardService | null): card is CardService & { diagnose(): Promise<HostDiagnosis> } =>
  card !== null && typeof (card as { diagnose?: unknown }).diagnose === 'function';

export function setupDiagnostics(o: DiagnosticsSetupOptions): DiagnosticsSetup {
  const app: AppFacts = {
    name: o.info.name,
    version: o.info.version,
    commit: o.commit ?? process.env['ZORGID_COMMIT'] ?? null,
    mode: o.info.mode,
    os: { platform: platform(), release: release(), arch: arch() },
    versions: { electron: o.versions?.electron ?? 'n/a', chromium: o.versions?.chrome ?? 'n/a', node: process.versions.node },
  };
  const store = o.store;
  const policy = o.policy ?? settingsPolicyReport(() => ({ ...(store ? store.getSettings() : DEFAULT_APP_SETTINGS) }), { ...DEFAULT_APP_SETTINGS });
  let last: DiagnosticReport | undefined;

  const report = async (): Promise<DiagnosticReport> => {
    const card = o.card;
    last = await buildReport({
      clock: o.clock,
      app,
      policy,
      card: hasDiagnose(card) ? () => card.diagnose() : null,
      listener: o.listener,
      log: o.appLog,
      audit: store ? () => store.verifyAuditChain() : null,
    });
    o.appLog?.write({ level: 'info', area: 'diagnostics', code: 'DIAGNOSE_RUN' });
    return last;
  };
  const view = (r: DiagnosticReport): DiagnosticsView => ({ createdAt: r.createdAt, text: reportText(r), json: `${JSON.stringify(r, null, 2)}\n` });

  return {
    report,
    handlers: {
      'diagnostics:report': async () => view(await report()),
      'diagnostics:save': async ({ format }: { format: DiagnosticsFormat }) => {
        if (!o.saveFile) throw new AppError('ERR_DIAG_SAVE_UNAVAILABLE');
        const r = last ?? (await report());
        const v = view(r);
        const stamp = r.createdAt.replace(/[:.]/g, '-');
        let saved: boolean;
        try {
          saved = await o.saveFile(format === 'json' ? v.json : v.text, `zorgid-diagnose-${stamp}.${format === 'json' ? 'json' : 'txt'}`);
        } catch (e) {
          throw new AppError('ERR_DIAG_SAVE_FAILED', { reason: e instanceof Error ? e.name : 'unknown' });
        }
        if (saved) o.appLog?.write({ level: 'info', area: 'diagnostics', code: 'DIAGNOSE_SAVED' });
        return { saved };
      },
    },
  };
}

/** The effective settings and where each came from (policy / user / default), as the report shows them. */
export function policyReportOf(view: () => SettingsView): PolicyReportPort {
  return {
    policyReport: () =>
      Object.entries(view().effective).map(([key, state]) => ({ key, value: state.value, source: state.source })),
  };
}
