// What the person sees when the app cannot start: never a blank window, but what happened, what to do
// and the code, Dutch first. A native module that will not load (built for another Node/Electron ABI,
// a missing shared library, an incomplete installation) is named. No electron here: unit-tested.
import { AppError } from '../shared/errors';
import { ERROR_MESSAGES, type Language } from '../shared/error-messages';

/** The native modules of the product, each loaded by its adapter (store/, pcsc-adapter, pkcs11-adapter). */
export const NATIVE_MODULES = ['better-sqlite3', 'pcsclite', 'pkcs11js', 'graphene-pk11'] as const;
export type NativeModule = (typeof NATIVE_MODULES)[number];

const LOAD_ERROR_CODES = new Set(['ERR_DLOPEN_FAILED', 'MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND']);

/**
 * The native module a load error is about, or null. Node names it in the message: "Cannot find
 * package 'pcsclite'", ".../node_modules/better-sqlite3/build/Release/better_sqlite3.node was compiled
 * against a different Node.js version", "libpcsclite.so.1: cannot open shared object file" (dlopen).
 */
export function nativeModuleOf(err: unknown): NativeModule | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : '';
  const looksLikeLoad = (typeof e?.code === 'string' && LOAD_ERROR_CODES.has(e.code)) || /NODE_MODULE_VERSION|\.node\b|shared object|dlopen|Cannot find (module|package)/.test(message);
  if (!looksLikeLoad) return null;
  return NATIVE_MODULES.find((m) => new RegExp(`(node_modules[\\\\/]${m}[\\\\/]|'${m}'|"${m}"|\\b${m}\\.node\\b|lib${m}\\b)`).test(message)) ?? null;
}

/** The error to show and log for a failed start. */
export function startupError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const module = nativeModuleOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return module ? new AppError('ERR_APP_NATIVE_MODULE', { module, message }) : new AppError('ERR_APP_START_FAILED', { message });
}

const LABELS = {
  nl: { title: 'ZORG-ID Desktop kan niet starten', module: 'Onderdeel', code: 'Foutcode', diagnose: 'Diagnoserapport voor de helpdesk: start ZORG-ID Desktop met --diagnose.' },
  en: { title: 'ZORG-ID Desktop cannot start', module: 'Component', code: 'Error code', diagnose: 'Diagnostics report for the helpdesk: start ZORG-ID Desktop with --diagnose.' },
} as const;

/** Title and body of the error dialog: Dutch first, then English; the component and the code. */
export function startupErrorText(error: AppError): { title: string; body: string } {
  const module = typeof error.detail?.['module'] === 'string' ? error.detail['module'] : null;
  const part = (lang: Language) =>
    [ERROR_MESSAGES[error.code][lang], ...(module ? [`${LABELS[lang].module}: ${module}`] : []), `${LABELS[lang].code}: ${error.code}`, LABELS[lang].diagnose].join('\n');
  return { title: `${LABELS.nl.title} / ${LABELS.en.title}`, body: `${part('nl')}\n\n${part('en')}` };
}
