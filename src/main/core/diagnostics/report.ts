// The diagnostics report (issue 14 part 2): one plain object, shown as text (report-text.ts) and as
// JSON, for a helpdesk. Everything comes in through ports; the clock is a parameter. It holds no
// personal data: the card part is built that way in the card host (host-diagnosis.ts), settings are
// paths and origins, and the log only ever held codes (log-event.ts).
import type { HostDiagnosis } from './host-diagnosis';

export const REPORT_FORMAT = 'zorgid-diagnostics/1';

/** One effective setting and where its value came from (the policy branch adds 'policy'). */
export interface PolicyEntry {
  key: string;
  value: unknown;
  source: 'policy' | 'user' | 'default';
}

/** The input port for effective settings/policy. */
export interface PolicyReportPort {
  policyReport(): PolicyEntry[] | Promise<PolicyEntry[]>;
}

export interface AppFacts {
  name: string;
  version: string;
  commit: string | null;
  mode: 'demo' | 'real';
  os: { platform: string; release: string; arch: string };
  versions: { electron: string; chromium: string; node: string };
}

export type ListenerState = { state: 'listening'; port: number } | { state: 'stopped' | 'unavailable'; port: number | null; error: string | null };

export interface DiagnosticReport {
  format: typeof REPORT_FORMAT;
  createdAt: string;
  app: AppFacts;
  settings: PolicyEntry[];
  /** null when no card host runs here (in-process demo card, or it could not start: see cardError). */
  card: HostDiagnosis | null;
  cardError: string | null;
  listener: ListenerState;
  errors: { at: string; code: string; area: string }[];
  audit: { verified: boolean; records: number; problem: string | null } | null;
  log: { path: string | null; lastLines: string[] };
}

export interface ReportDeps {
  clock: () => number;
  app: AppFacts;
  policy: PolicyReportPort;
  /** The card host's diagnosis; null = none here. */
  card: (() => Promise<HostDiagnosis>) | null;
  listener: () => ListenerState;
  log: { path: string | null; recentErrors(n: number): { at: string; code: string; area: string }[]; tail(n: number): string[] } | null;
  audit: (() => { ok: true; count: number } | { ok: false; count: number; reason: string; brokenAt?: number }) | null;
  /** Log lines to include (default 20). */
  logLines?: number;
}

export const ERRORS_SHOWN = 50;

export async function buildReport(deps: ReportDeps): Promise<DiagnosticReport> {
  let card: HostDiagnosis | null = null;
  let cardError: string | null = null;
  if (deps.card) {
    try {
      card = await deps.card();
    } catch (e) {
      cardError = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_INTERNAL';
    }
  }
  let audit: DiagnosticReport['audit'] = null;
  if (deps.audit) {
    try {
      const r = deps.audit();
      audit = r.ok ? { verified: true, records: r.count, problem: null } : { verified: false, records: r.count, problem: `${r.reason}${r.brokenAt ? ` at record ${r.brokenAt}` : ''}` };
    } catch {
      audit = { verified: false, records: 0, problem: 'store unavailable' };
    }
  }
  return {
    format: REPORT_FORMAT,
    createdAt: new Date(deps.clock()).toISOString(),
    app: deps.app,
    settings: await deps.policy.policyReport(),
    card,
    cardError,
    listener: deps.listener(),
    errors: deps.log?.recentErrors(ERRORS_SHOWN) ?? [],
    audit,
    log: { path: deps.log?.path || null, lastLines: deps.log?.tail(deps.logLines ?? 20) ?? [] },
  };
}

/**
 * Until the machine-wide policy lands (issue 14 part 1): the current settings, each marked user or
 * default by comparing with the default value.
 */
export function settingsPolicyReport(current: () => Record<string, unknown>, defaults: Record<string, unknown>): PolicyReportPort {
  return {
    policyReport: () => {
      const now = current();
      return Object.keys({ ...defaults, ...now }).map((key) => ({
        key,
        value: now[key] ?? null,
        source: JSON.stringify(now[key] ?? null) === JSON.stringify(defaults[key] ?? null) ? 'default' : 'user',
      }));
    },
  };
}
