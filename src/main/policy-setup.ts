// Machine-wide policy for both hosts (Electron and the preview): read it before anything that uses a
// setting, keep it current (policy-watch.ts), and give the settings service and the portals trusted
// for this run. No electron here; the host says where the policy is.
import type { SettingsView } from '../shared/settings-view';
import type { PartialPolicy, PolicyWatch, SettingsService } from './core/policy';
import { createPolicySettings, watchPolicy } from './core/policy';
import type { AppStore } from './core/store';

export interface PolicySetupOptions {
  store: AppStore;
  read: () => Promise<PartialPolicy>;
  /** Folders to watch for changes (Linux policy files); the rest is polled. */
  watchDirs: readonly string[];
  pollMs: number;
  log: (line: string) => void;
  /** Called after a change was read (the host may re-apply what it set at start). */
  onChange?: (view: SettingsView) => void;
}

export interface PolicySetup {
  settings: SettingsService;
  /** Portals for this run: the trusted ones plus the run's own (npm start, tests), none while policy is damaged. */
  portals(runPortals: readonly string[]): string[];
  close(): void;
}

function report(policy: PartialPolicy, log: (line: string) => void): void {
  for (const problem of policy.invalid) log(`ERR_POLICY_INVALID key=${problem.key} source=${problem.source} (${problem.reason}): no portal is trusted`);
  for (const notice of policy.unknown) log(`ERR_POLICY_UNKNOWN_KEY key=${notice.key} source=${notice.source}: not used`);
}

export async function setupPolicy(options: PolicySetupOptions): Promise<PolicySetup> {
  const { store, log } = options;
  let current = await options.read();
  report(current, log);
  const settings = createPolicySettings({ user: { get: () => store.getSettings(), set: (patch) => store.setSettings(patch) }, policy: () => current });
  const watch: PolicyWatch = watchPolicy({
    read: options.read,
    initial: current,
    dirs: options.watchDirs,
    pollMs: options.pollMs,
    log,
    onChange: (next) => {
      current = next;
      log(`policy changed (${next.sources.length} source(s))`);
      report(next, log);
      options.onChange?.(settings.view());
    },
  });
  return {
    settings,
    portals: (runPortals) => (current.invalid.length > 0 ? [] : [...new Set([...settings.trustedPortals(), ...runPortals])]),
    close: () => watch.close(),
  };
}
