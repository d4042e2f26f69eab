// Tiny i18n: Dutch default, English switch; error texts come from src/shared/error-messages.ts so the
// app, the CLI and the portal say the same thing.
import { useCallback } from 'react';
import type { Language } from '../../../shared/error-messages';
import { errorMessage } from '../../../shared/error-messages';
import type { ErrorCode } from '../../../shared/errors';
import { useSettingsStore } from '../stores/settings-store';
import { en } from './en';
import { nl, type MessageKey } from './nl';

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { nl, en };
const LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };

export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

export function translate(lang: Language, key: MessageKey, vars: Record<string, string> = {}): string {
  return DICTIONARIES[lang][key].replace(/\{(\w+)\}/g, (_m, name: string) => vars[name] ?? `{${name}}`);
}

export function useLanguage(): Language {
  return useSettingsStore((s) => s.settings?.language ?? 'nl');
}

export function useT(): Translate {
  const lang = useLanguage();
  return useCallback<Translate>((key, vars) => translate(lang, key, vars), [lang]);
}

export function useErrorText(): (code: ErrorCode) => string {
  const lang = useLanguage();
  return (code) => errorMessage(code, lang);
}

export function useFormatDate(): (iso: string) => string {
  const lang = useLanguage();
  return (iso) => new Date(iso).toLocaleDateString(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric' });
}

export type { MessageKey };
