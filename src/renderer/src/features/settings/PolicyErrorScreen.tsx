import { useEffect } from 'react';
import type { SettingsView } from '../../../../shared/settings-view';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';
import { useSettingsStore } from '../../stores/settings-store';

// Main re-reads the policy when it changes; while this screen shows, ask now and then whether IT fixed it.
const RECHECK_MS = 5_000;

/**
 * A damaged organisation policy (ERR_POLICY_INVALID): the app trusts no portal until IT fixes it, and
 * says which setting and which file or registry value to fix.
 */
export function PolicyErrorScreen({ view }: { view: SettingsView }) {
  const t = useT();
  const error = view.policy.error;
  useEffect(() => {
    if (!error) return;
    const timer = setInterval(() => void useSettingsStore.getState().load(), RECHECK_MS);
    return () => clearInterval(timer);
  }, [error]);
  if (!error) return null;
  const key = typeof error.detail?.['key'] === 'string' ? error.detail['key'] : '*';
  const source = typeof error.detail?.['source'] === 'string' ? error.detail['source'] : '';
  return (
    <section aria-labelledby="policy-invalid" className="policy-error">
      <h1 id="policy-invalid" className="page-title">
        {t('policy.invalidTitle')}
      </h1>
      <ErrorNotice error={error}>
        <dl className="policy-list">
          <div className="policy-list__row">
            <dt>{t('policy.key')}</dt>
            <dd>
              <code>{key === '*' ? t('policy.wholeFile') : key}</code>
            </dd>
          </div>
          <div className="policy-list__row">
            <dt>{t('policy.where')}</dt>
            <dd>
              <code>{source}</code>
            </dd>
          </div>
        </dl>
        <p>{t('policy.invalidFix')}</p>
      </ErrorNotice>
    </section>
  );
}

/** Unknown names in the policy: reported so IT sees the typo; they change nothing. */
export function PolicyNotices({ view }: { view: SettingsView }) {
  const t = useT();
  if (view.policy.unknown.length === 0) return null;
  return (
    <ErrorNotice error={{ code: 'ERR_POLICY_UNKNOWN_KEY', kind: 'cancel' }} tone="warning" title={t('policy.unknownTitle')}>
      <ul className="paths">
        {view.policy.unknown.map((notice) => (
          <li key={`${notice.source}|${notice.key}`}>
            <code>{notice.key}</code> — <code>{notice.source}</code>
          </li>
        ))}
      </ul>
    </ErrorNotice>
  );
}
