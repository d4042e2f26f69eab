import type { SettingKey, SettingState, SettingsView } from '../../../../shared/settings-view';
import { SETTING_KEYS } from '../../../../shared/settings-view';
import type { MessageKey } from '../../i18n';
import { useT, type Translate } from '../../i18n';

function shown(key: SettingKey, value: unknown, t: Translate): string {
  if (key === 'portalAllowlist') return (value as string[]).length === 0 ? t('policy.none') : (value as string[]).join(', ');
  if (key === 'pkcs11ModulePath') return value === null ? t('policy.searchList') : String(value);
  if (key === 'language') return t(`settings.lang.${value as 'nl' | 'en'}`);
  if (key === 'auditRetentionDays') return t('policy.days', { days: String(value) });
  if (typeof value === 'boolean') return value ? t('policy.yes') : t('policy.no');
  return String(value);
}

/** The badge next to a setting: who decided it. */
export function SourceBadge({ state }: { state: SettingState<unknown> }) {
  const t = useT();
  return (
    <span className={`source source--${state.source}`} title={state.origin ?? undefined}>
      {t(`policy.source.${state.source}`)}
    </span>
  );
}

/** Every setting with its effective value, its source and (for policy) where it was set. */
export function PolicyOverview({ view }: { view: SettingsView }) {
  const t = useT();
  return (
    <section className="panel" aria-labelledby="policy-overview">
      <h2 id="policy-overview" className="field__label">
        {t('policy.overview')}
      </h2>
      <p className="field__hint">{t('policy.overviewHint')}</p>
      <dl className="policy-list">
        {SETTING_KEYS.map((key) => {
          const state = view.effective[key] as SettingState<unknown>;
          return (
            <div key={key} className="policy-list__row" data-setting={key} data-source={state.source}>
              <dt>{t(`setting.${key}` as MessageKey)}</dt>
              <dd>
                <span className="policy-list__value">{shown(key, state.value, t)}</span> <SourceBadge state={state} />
                {state.source === 'policy' && state.origin && (
                  <span className="policy-list__origin">
                    {t('policy.where')}: <code>{state.origin}</code>
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
