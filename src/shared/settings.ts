// App settings as they cross the IPC/HTTP boundary and as they are stored. Parsed with zod at both ends.
import { z } from 'zod';

export const LanguageSchema = z.enum(['nl', 'en']);

export const SettingsSchema = z.strictObject({
  language: LanguageSchema,
  /** Absolute path of the PKCS#11 module; null = the per-OS SafeSign search list (native/). */
  // Absolute only: a relative name would be looked up by the OS loader in places nobody checked.
  pkcs11ModulePath: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .regex(/^(\/|[A-Za-z]:\\)/, 'absolute path')
    .nullable(),
});

export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/**
 * The shape the settings:set channel accepts. Looser than SettingsPatchSchema on purpose: a value the
 * person typed that is well-formed but not acceptable (a relative module path) is a settings error
 * (ERR_SETTINGS_INVALID, shown next to the field), not a malformed IPC call.
 */
export const SettingsPatchInputSchema = z.strictObject({
  language: LanguageSchema.optional(),
  pkcs11ModulePath: z.string().max(4096).nullable().optional(),
});

export const DEFAULT_SETTINGS: Settings = { language: 'nl', pkcs11ModulePath: null };
