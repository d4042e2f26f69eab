// The settings service both hosts answer the settings channels with: the person's stored settings
// under the machine's policy. Reading gives the effective value of each setting and its source;
// writing refuses a key the organisation set (ERR_SETTINGS_LOCKED) before anything is stored.
import { AppError } from '../../../shared/errors';
import type { SettingKey, SettingsSetInput, SettingsView } from '../../../shared/settings-view';
import { AppSettingsPatchSchema, AppSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../store/app-settings';
import { EMPTY_POLICY, effectiveSettings, policyError, trustedPortals, type PartialPolicy } from './policy-merge';

/** Where the person's own settings live (AppStore fits: its getSettings / setSettings). */
export interface UserSettingsPort {
  get(): AppSettings;
  /** Validates and stores; throws AppError ERR_SETTINGS_INVALID. */
  set(patch: unknown): AppSettings;
}

export interface SettingsService {
  get(): Promise<SettingsView>;
  set(patch: SettingsSetInput): Promise<SettingsView>;
  /** The same view, synchronously (composition roots, the loopback listener). */
  view(): SettingsView;
  /** The portals trusted now: none while the policy is damaged. */
  trustedPortals(): string[];
}

export function buildSettingsView(policy: PartialPolicy, user: AppSettings): SettingsView {
  const effective = effectiveSettings(policy, user);
  return {
    language: effective.language.value,
    pkcs11ModulePath: effective.pkcs11ModulePath.value,
    effective,
    userPortalAllowlist: user.portalAllowlist,
    policy: { error: policyError(policy), unknown: policy.unknown, sources: policy.sources },
  };
}

export function createPolicySettings(deps: { user: UserSettingsPort; policy: () => PartialPolicy }): SettingsService {
  const view = (): SettingsView => buildSettingsView(deps.policy(), deps.user.get());
  return {
    async get() {
      return view();
    },
    async set(patch) {
      const current = view();
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        // settings:set only carries keys of SettingsSetInputSchema, all of them setting keys.
        if (current.effective[key as SettingKey].locked) throw new AppError('ERR_SETTINGS_LOCKED', { key });
      }
      deps.user.set(patch);
      return view();
    },
    view,
    trustedPortals: () => trustedPortals(deps.policy(), view().effective),
  };
}

/** The person's settings in memory (tests, hosts without a store). */
export function memoryUserSettings(initial: Partial<AppSettings> = {}): UserSettingsPort {
  let current = AppSettingsSchema.parse({ ...DEFAULT_APP_SETTINGS, ...initial });
  return {
    get: () => current,
    set(patch) {
      const parsed = AppSettingsPatchSchema.strict().safeParse(patch);
      if (!parsed.success) throw new AppError('ERR_SETTINGS_INVALID', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
      const next = AppSettingsSchema.safeParse({ ...current, ...parsed.data });
      if (!next.success) throw new AppError('ERR_SETTINGS_INVALID', { fields: next.error.issues.map((i) => i.path.join('.')) });
      current = next.data;
      return current;
    },
  };
}

/** A settings service on memory, under a fixed policy (none by default): tests and the preview's unit tests. */
export function memorySettingsService(initial: Partial<AppSettings> = {}, policy: PartialPolicy = EMPTY_POLICY): SettingsService {
  return createPolicySettings({ user: memoryUserSettings(initial), policy: () => policy });
}
