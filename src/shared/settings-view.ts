// What the settings channels answer since managed workstations (issue 14): the effective value of each
// setting, where it came from (organisation policy, the person, the built-in default) and whether the
// person may change it. The plain `language` / `pkcs11ModulePath` fields stay on top for the screens
// that only need those. No I/O here; main builds it (core/policy/policy-settings.ts).
import { z } from 'zod';
import type { SerializedError } from './errors';
import { SettingsPatchInputSchema, type Settings } from './settings';

/** Every setting the settings screen shows, in its order. */
export const SETTING_KEYS = [
  'portalAllowlist',
  'allowUserPortalOrigins',
  'pkcs11ModulePath',
  'language',
  'startWithSession',
  'loopbackPort',
  'diagnosticsAllowed',
  'auditRetentionDays',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface SettingValues {
  portalAllowlist: string[];
  allowUserPortalOrigins: boolean;
  pkcs11ModulePath: string | null;
  language: Settings['language'];
  startWithSession: boolean;
  loopbackPort: number;
  diagnosticsAllowed: boolean;
  auditRetentionDays: number;
}

export type SettingSource = 'policy' | 'user' | 'default';

export interface SettingState<T> {
  value: T;
  source: SettingSource;
  /** The policy file or registry value it came from (source `policy`), else null. */
  origin: string | null;
  /** Set by the organisation: the person cannot change it. */
  locked: boolean;
}

export type EffectiveSettings = { [K in SettingKey]: SettingState<SettingValues[K]> };

/** A policy entry that was not used: an unknown name, reported so IT sees the typo. */
export interface PolicyNotice {
  key: string;
  source: string;
}

export interface SettingsView extends Settings {
  effective: EffectiveSettings;
  /** The portals the person added themselves (what settings:set `portalAllowlist` replaces). */
  userPortalAllowlist: string[];
  policy: {
    /** ERR_POLICY_INVALID (detail {key, source}) when a policy value is damaged: the app then trusts no portal. */
    error: SerializedError | null;
    unknown: PolicyNotice[];
    /** Every place policy was read from, for the settings screen and the diagnostics report. */
    sources: string[];
  };
}

/**
 * What settings:set accepts: the person's own settings. Locked ones are refused by main with
 * ERR_SETTINGS_LOCKED; values that are well-formed but not acceptable are ERR_SETTINGS_INVALID.
 */
export const SettingsSetInputSchema = SettingsPatchInputSchema.extend({
  portalAllowlist: z.array(z.string().max(255)).max(50).optional(),
  loopbackPort: z.number().int().optional(),
});
export type SettingsSetInput = z.infer<typeof SettingsSetInputSchema>;
