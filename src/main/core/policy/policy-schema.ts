// The machine-wide policy (issue 14): one name per key on every OS (registry value, plist key, JSON
// property), each parsed with zod. A source gives raw entries; each entry is parsed on its own so one
// damaged value is named exactly (key + where), and never silently replaced by something wider.
import { z } from 'zod';
import { LanguageSchema } from '../../../shared/settings';
import type { SettingKey, SettingValues } from '../../../shared/settings-view';
import { PortalOriginSchema } from '@zorgid/protocol';

// Registry DWORDs and plist integers say 0/1 where JSON says false/true: both mean the same.
const flag = z.union([z.boolean(), z.literal(0).transform(() => false), z.literal(1).transform(() => true)]);
const absolutePath = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .regex(/^(\/|[A-Za-z]:\\)/, 'absolute path');

export const POLICY_SCHEMAS = {
  AllowedPortalOrigins: z.array(PortalOriginSchema).max(50),
  AllowUserPortalOrigins: flag,
  Pkcs11ModulePath: absolutePath,
  Language: LanguageSchema,
  StartWithSession: flag,
  LoopbackPort: z.number().int().min(1024).max(65535),
  DiagnosticsAllowed: flag,
  AuditRetentionDays: z.number().int().min(1).max(3650),
} as const;

export type PolicyKey = keyof typeof POLICY_SCHEMAS;
export const POLICY_KEYS = Object.keys(POLICY_SCHEMAS) as PolicyKey[];

/** The zod `Policy`: every key optional (absent = not managed). */
export const PolicySchema = z.strictObject(POLICY_SCHEMAS).partial();
export type Policy = z.infer<typeof PolicySchema>;

/** Which setting each policy key manages. */
export const POLICY_SETTING = {
  AllowedPortalOrigins: 'portalAllowlist',
  AllowUserPortalOrigins: 'allowUserPortalOrigins',
  Pkcs11ModulePath: 'pkcs11ModulePath',
  Language: 'language',
  StartWithSession: 'startWithSession',
  LoopbackPort: 'loopbackPort',
  DiagnosticsAllowed: 'diagnosticsAllowed',
  AuditRetentionDays: 'auditRetentionDays',
} as const satisfies Record<PolicyKey, SettingKey>;

/** Built-in defaults. No portal is trusted until the person or the organisation names one. */
export const DEFAULT_VALUES: SettingValues = {
  portalAllowlist: [],
  allowUserPortalOrigins: true,
  pkcs11ModulePath: null,
  language: 'nl',
  startWithSession: false,
  loopbackPort: 24761,
  diagnosticsAllowed: true,
  auditRetentionDays: 365,
};

/**
 * What a damaged policy leaves in force: the narrowest value of each key, locked. The app shows
 * ERR_POLICY_INVALID and trusts no portal (policy-merge.ts), whichever key was damaged.
 */
export const FAIL_CLOSED_VALUES: SettingValues = {
  ...DEFAULT_VALUES,
  portalAllowlist: [],
  allowUserPortalOrigins: false,
  diagnosticsAllowed: false,
  startWithSession: false,
};

/** One value as a source gave it, before parsing. */
export interface RawEntry {
  name: string;
  value: unknown;
  /** File path or full registry value path, shown to IT on the error screen. */
  origin: string;
}

/** Exact key for a name: registry and plist names are matched without regard to case. */
export function policyKeyOf(name: string): PolicyKey | null {
  const lower = name.toLowerCase();
  return POLICY_KEYS.find((key) => key.toLowerCase() === lower) ?? null;
}
