import { useId, useState } from 'react';
import { DEFAULT_DEMO_SCENARIO, DEMO_CARDS, type DemoCardKey, type DemoScenario } from '../../../../shared/channels';
import type { SerializedError } from '../../../../shared/errors';
import { invoke } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';

/** Only rendered in demo mode: insert/pull a demo card and simulate the states the screen must show. */
export function DemoControls({ simulated }: { simulated: boolean }) {
  const t = useT();
  const id = useId();
  const [card, setCard] = useState<DemoCardKey>('Z');
  const [reader, setReader] = useState<0 | 1>(0);
  const [scenario, setScenario] = useState<DemoScenario>(DEFAULT_DEMO_SCENARIO);
  const [error, setError] = useState<SerializedError | null>(null);

  const run = async (result: Promise<{ ok: true } | { ok: false; error: SerializedError }>) => {
    const r = await result;
    setError(r.ok ? null : r.error);
  };
  const change = async (patch: Partial<DemoScenario>) => {
    const result = await invoke('demo:scenario', patch);
    if (result.ok) setScenario(result.value);
    setError(result.ok ? null : result.error);
  };

  return (
    <aside className="demo" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="demo__title">
        {t('demo.title')}
      </h2>
      <p className="demo__intro">{t('demo.intro')}</p>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-card`}>
          {t('demo.card')}
        </label>
        <select id={`${id}-card`} className="input" value={card} onChange={(e) => setCard(e.target.value as DemoCardKey)}>
          {DEMO_CARDS.map((key) => (
            <option key={key} value={key}>
              {t(`demo.card.${key}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-reader`}>
          {t('demo.reader')}
        </label>
        <select id={`${id}-reader`} className="input" value={reader} onChange={(e) => setReader(Number(e.target.value) as 0 | 1)}>
          <option value={0}>{t('demo.reader')} 1</option>
          <option value={1}>{t('demo.reader')} 2</option>
        </select>
      </div>
      {/* A blank Smartcard from the demo panel is a new one from the box (the card lab keeps what a
          creation left on a pulled card; tests put that same card back through the contract). */}
      <div className="actions">
        <button type="button" className="button" onClick={() => void run(invoke('demo:insert', { card, reader, ...(card === 'SC-blank' ? { fresh: true } : {}) }))}>
          {t('demo.insert')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => void run(invoke('demo:remove', { reader }))}>
          {t('demo.remove')}
        </button>
      </div>
      {simulated && (
      <details className="demo__more">
        <summary>{t('demo.faults')}</summary>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-service`}>
            {t('demo.service')}
          </label>
          <select
            id={`${id}-service`}
            className="input"
            value={scenario.service}
            onChange={(e) => void change({ service: e.target.value as DemoScenario['service'] })}
          >
            <option value="up">{t('demo.serviceUp')}</option>
            <option value="down">{t('demo.serviceDown')}</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-middleware`}>
            {t('demo.middleware')}
          </label>
          <select
            id={`${id}-middleware`}
            className="input"
            value={scenario.middleware}
            onChange={(e) => void change({ middleware: e.target.value as DemoScenario['middleware'] })}
          >
            <option value="present">{t('demo.middlewarePresent')}</option>
            <option value="missing">{t('demo.middlewareMissing')}</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-readers`}>
            {t('demo.readers')}
          </label>
          <select
            id={`${id}-readers`}
            className="input"
            value={scenario.readers}
            onChange={(e) => void change({ readers: Number(e.target.value) as DemoScenario['readers'] })}
          >
            <option value={0}>0</option>
            <option value={1}>1</option>
            <option value={2}>2</option>
          </select>
        </div>
      </details>
      )}
      {error && <ErrorNotice error={error} />}
    </aside>
  );
}
