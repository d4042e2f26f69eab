import { useEffect } from 'react';
import { ErrorNotice } from './components/ErrorNotice';
import { CardScreen } from './features/card-status/CardScreen';
import { DemoControls } from './features/demo/DemoControls';
import { DiagnosticsScreen } from './features/diagnostics/DiagnosticsScreen';
import { HandoffScreen } from './features/login/HandoffScreen';
import { PolicyErrorScreen } from './features/settings/PolicyErrorScreen';
import { SettingsPage } from './features/settings/SettingsPage';
import { SmartcardScreen } from './features/smartcard/SmartcardScreen';
import { useLanguage, useT } from './i18n';
import { useAppStore, type View } from './stores/app-store';
import { useCardStore } from './stores/card-store';
import { useHandoffStore } from './stores/handoff-store';
import { useSettingsStore } from './stores/settings-store';

// Build-time flag (vite define): false in the production Electron build, which then holds no demo
// controls; the demo badge still follows what main reports.
declare const __ZORGID_DEMO__: boolean;

export function App() {
  const t = useT();
  const lang = useLanguage();
  const { info, error, view, show } = useAppStore();
  const settingsLoaded = useSettingsStore((s) => s.settings !== null);
  // A damaged organisation policy: no portal is trusted; every screen but the settings says so.
  const policyBroken = useSettingsStore((s) => (s.settings?.policy.error ? s.settings : null));
  // A portal asking something takes the window over until the person has answered or closed it.
  const handoffActive = useHandoffStore((s) => s.view.step !== 'idle');
  // An enrolment QR takes the whole screen (for the employee at the desk, and for printing).
  const qrShown = useHandoffStore((s) => s.view.step === 'enrolment');

  useEffect(() => {
    void useAppStore.getState().load();
    void useSettingsStore.getState().load();
    const stopCards = useCardStore.getState().start();
    const stopHandoff = useHandoffStore.getState().start();
    return () => {
      stopCards();
      stopHandoff();
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = info?.mode === 'demo' ? `${t('app.title')} (${t('demo.badge')})` : t('app.title');
  }, [lang, info?.mode, t]);

  const demo = info?.mode === 'demo';
  const nav: [View, string][] = [
    ['card', t('nav.card')],
    ['settings', t('nav.settings')],
    ['smartcard', t('nav.smartcard')],
    ['diagnostics', t('nav.diagnostics')],
  ];

  if (qrShown) {
    return (
      <main className="qr-full" id="main">
        <HandoffScreen />
      </main>
    );
  }

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar__brand">
          <span className="logo" aria-hidden="true">
            Z
          </span>
          <span className="topbar__name">{t('app.title')}</span>
          {demo && (
            <span className="badge-demo" title={t('demo.badgeLong')}>
              {t('demo.badge')}
              <span className="visually-hidden">: {t('demo.badgeLong')}</span>
            </span>
          )}
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav">
            {nav.map(([key, label]) => (
              <li key={key}>
                <button
                  type="button"
                  className="nav__link"
                  aria-current={view === key ? 'page' : undefined}
                  onClick={() => show(key)}
                >
                  {label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <div className={demo ? 'layout layout--demo' : 'layout'}>
        <main className="main" id="main">
          {error && <ErrorNotice error={error} />}
          {!settingsLoaded && !error ? (
            <p className="muted" role="status">
              {t('app.loading')}
            </p>
          ) : policyBroken && view !== 'settings' ? (
            <PolicyErrorScreen view={policyBroken} />
          ) : handoffActive ? (
            <HandoffScreen />
          ) : view === 'card' ? (
            <CardScreen />
          ) : view === 'smartcard' ? (
            <SmartcardScreen />
          ) : view === 'diagnostics' ? (
            <DiagnosticsScreen />
          ) : (
            <SettingsPage />
          )}
        </main>
        {__ZORGID_DEMO__ && demo && <DemoControls simulated={info?.demoBackend === 'in-process'} />}
      </div>
      <footer className="footer">
        {info && <span>{t('footer.version', { version: info.version })}</span>}
      </footer>
    </div>
  );
}
