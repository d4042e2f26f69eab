import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Language } from '../../../../shared/error-messages';
import type { SerializedError } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SaveActions, type SaveStatus } from './SaveActions';
import { useT } from '../../i18n';
import { useSettingsStore } from '../../stores/settings-store';
import { PolicyErrorScreen, PolicyNotices } from './PolicyErrorScreen';
import { OwnPortalsForm } from './OwnPortalsForm';
import { PolicyOverview, SourceBadge } from './PolicyOverview';

// The SafeSign search list the card host uses when no path is set (uzi-domain.md).
const DEFAULT_MODULES = [
  'Windows: C:\\Windows\\System32\\aetpkss1.dll',
  'Linux: /usr/lib/libaetpkss.so',
  'macOS: /usr/local/lib/libaetpkss.dylib',
];

export function SettingsPage() {
  const t = useT();
  const id = useId();
  const settings = useSettingsStore((s) => s.settings);
  const save = useSettingsStore((s) => s.save);
  const [modulePath, setModulePath] = useState(settings?.pkcs11ModulePath ?? '');
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<SerializedError | null>(null);

  useEffect(() => setModulePath(settings?.pkcs11ModulePath ?? ''), [settings?.pkcs11ModulePath]);
  // Policy may have changed since the app started (main re-reads it): show what holds now.
  useEffect(() => void useSettingsStore.getState().load(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStatus('saving');
    const failure = await save({ pkcs11ModulePath: modulePath.trim() === '' ? null : modulePath.trim() });
    setError(failure);
    setStatus(failure ? 'idle' : 'saved');
  }

  async function changeLanguage(language: Language) {
    setError(await save({ language }));
  }

  if (!settings) return null;
  const languageLocked = settings.effective.language.locked;
  const moduleLocked = settings.effective.pkcs11ModulePath.locked;
  return (
    <>
      <h1 className="page-title">{t('settings.heading')}</h1>
      <PolicyErrorScreen view={settings} />
      <PolicyNotices view={settings} />
      <section className="panel" aria-labelledby={`${id}-lang`}>
        <fieldset className="field" disabled={languageLocked}>
          <legend id={`${id}-lang`} className="field__label">
            {t('settings.language')} <SourceBadge state={settings.effective.language} />
          </legend>
          <p className="field__hint">{languageLocked ? t('policy.lockedHint') : t('settings.languageHint')}</p>
          <div className="segmented">
            {(['nl', 'en'] as const).map((lang) => (
              <label key={lang} className="segmented__option">
                <input
                  type="radio"
                  name="language"
                  value={lang}
                  checked={settings.language === lang}
                  onChange={() => void changeLanguage(lang)}
                />
                <span lang={lang}>{t(`settings.lang.${lang}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </section>

      <form className="panel" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label id={`${id}-module-label`} className="field__label" htmlFor={`${id}-module`}>
            {t('settings.module')} <SourceBadge state={settings.effective.pkcs11ModulePath} />
          </label>
          <p id={`${id}-module-hint`} className="field__hint">
            {moduleLocked ? t('policy.lockedHint') : t('settings.moduleHint')}
          </p>
          <input
            id={`${id}-module`}
            className="input"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder={t('settings.modulePlaceholder')}
            aria-describedby={`${id}-module-hint ${id}-defaults`}
            value={modulePath}
            readOnly={moduleLocked}
            aria-readonly={moduleLocked}
            onChange={(e) => {
              setModulePath(e.target.value);
              setStatus('idle');
            }}
          />
          <div id={`${id}-defaults`} className="field__hint">
            <p>{t('settings.defaults')}:</p>
            <ul className="paths">
              {DEFAULT_MODULES.map((path) => (
                <li key={path}>
                  <code>{path}</code>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <SaveActions status={status} disabled={moduleLocked} />
      </form>
      {error && <ErrorNotice error={error} />}
      <OwnPortalsForm view={settings} />
      <PolicyOverview view={settings} />
    </>
  );
}
