// Where the PKCS#11 middleware of the UZI-pas (SafeSign Identity Client) lives per OS
// (uzi-domain.md). The module path is a setting; this table is only the default search list.
import { existsSync } from 'node:fs';

export type SupportedPlatform = 'win32' | 'linux' | 'darwin';

export const SAFESIGN_MODULES: Readonly<Record<SupportedPlatform, readonly string[]>> = {
  win32: ['C:\\Windows\\System32\\aetpkss1.dll'],
  linux: ['/usr/lib/libaetpkss.so', '/usr/lib/libaetpkss.so.3', '/usr/lib/libaetpkss.so.3.0'],
  darwin: ['/usr/local/lib/libaetpkss.dylib', '/Applications/tokenadmin.app/Contents/Frameworks/libaetpkss.dylib'],
};

/** Modules used in development and tests (never searched for by default). */
export const DEV_MODULES = {
  opensc: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  softhsm2: '/usr/lib/softhsm/libsofthsm2.so',
} as const;

export function moduleCandidates(platform: NodeJS.Platform = process.platform): readonly string[] {
  return platform in SAFESIGN_MODULES ? SAFESIGN_MODULES[platform as SupportedPlatform] : [];
}

/**
 * The module to load: the configured path when given (no fallback — a wrong setting must show, not be
 * papered over by another module), else the first existing candidate; null when none exists.
 */
export function resolveModulePath(
  configured: string | null | undefined,
  candidates: readonly string[] = moduleCandidates(),
  exists: (path: string) => boolean = existsSync,
): string | null {
  if (configured) return exists(configured) ? configured : null;
  return candidates.find((p) => exists(p)) ?? null;
}
