// The settings the app keeps in its SQLite file. Each key is its own row holding JSON, parsed on the
// way in and on the way out: a damaged row falls back to that key's default instead of stopping the app.
import { z } from 'zod';
import { SettingsSchema } from '../../../shared/settings';
import { PortalOriginSchema } from '@zorgid/protocol';

/** AusweisApp-style fixed port, so a portal page knows where to navigate (handoff-protocol.md §2). */
export const DEFAULT_LOOPBACK_PORT = 24761;

export const AppSettingsSchema = SettingsSchema.extend({
  portalAllowlist: z.array(PortalOriginSchema).max(50),
  // Unprivileged ports only; 0 ("any free port") is for tests and never stored.
  loopbackPort: z.number().int().min(1024).max(65535),
});
export type AppSettings = z.infer<typeof AppSettingsSchema>;

export const AppSettingsPatchSchema = AppSettingsSchema.partial();
export type AppSettingsPatch = z.infer<typeof AppSettingsPatchSchema>;

// The installed app trusts no portal out of the box, and never a loopback one: the organisation's
// policy or the person names them; npm start and the tests pass their reference portal for one run.
export const DEFAULT_APP_SETTINGS: AppSettings = {
  language: 'nl',
  pkcs11ModulePath: null,
  portalAllowlist: [],
  loopbackPort: DEFAULT_LOOPBACK_PORT,
};

export const APP_SETTING_KEYS = Object.keys(DEFAULT_APP_SETTINGS) as (keyof AppSettings)[];
