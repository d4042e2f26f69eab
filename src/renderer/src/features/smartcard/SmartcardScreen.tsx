// "ZORG-ID Smartcard maken": choose the readers, enter the new card PIN twice, then follow the steps
// (swap prompt and UZI-pas PIN when the flow asks), ending in done or the failure with its code.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SmartcardStepState, SmartcardView } from '../../../../shared/contract';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT, type MessageKey } from '../../i18n';
import { useCardStore } from '../../stores/card-store';
import { useSmartcardStore } from '../../stores/smartcard-store';

const PIN_RULE = /^\d{6,8}$/;

export function SmartcardScreen() {
  const view = useSmartcardStore((s) => s.view);
  useEffect(() => useSmartcardStore.getState().start(), []);
  const heading = useRef<HTMLHeadingElement>(null);
  const t = useT();
  // A new stage of the screen: move focus to its heading so screen readers announce it.
  useEffect(() => heading.current?.focus(), [view.step]);

  return (
    <section className="panel smartcard" aria-labelledby="smartcard-heading" data-step={view.step}>
      <h1 id="smartcard-heading" className="page-title" tabIndex={-1} ref={heading}>
        {t('smartcard.title')}
      </h1>
      {view.step === 'idle' ? <StartForm /> : <Progress view={view} />}
    </section>
  );
}

function StartForm() {
  const t = useT();
  const readers = useCardStore((s) => s.readers);
  const { busy, error, create } = useSmartcardStore();
  const names = readers.map((r) => r.name);
  const [uziReader, setUziReader] = useState('');
  const [blankReader, setBlankReader] = useState('');
  const pin = useRef<HTMLInputElement>(null);
  const pinRepeat = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<'format' | 'mismatch' | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const first = pin.current?.value ?? '';
    const second = pinRepeat.current?.value ?? '';
    const check = !PIN_RULE.test(first) ? 'format' : first !== second ? 'mismatch' : null;
    setProblem(check);
    if (check) return;
    // The fields are emptied at once: the PIN lives on only in main, and there only until it is set.
    if (pin.current) pin.current.value = '';
    if (pinRepeat.current) pinRepeat.current.value = '';
    await create({ uziReader: uziReader || names[0]!, blankReader: blankReader || names[names.length > 1 ? 1 : 0]!, pin: first, pinRepeat: second });
  };

  if (names.length === 0) {
    return (
      <p className="muted" role="status">
        {t('smartcard.noReaders')}
      </p>
    );
  }
  const readerSelect = (id: string, label: MessageKey, value: string, fallback: string, onChange: (v: string) => void) => (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t(label)}
      </label>
      <select id={id} className="input" value={value || fallback} onChange={(e) => onChange(e.target.value)} disabled={busy}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <>
      <p className="lead">{t('smartcard.intro')}</p>
      <form className="pin-form" onSubmit={(e) => void submit(e)} noValidate>
        {readerSelect('smartcard-uzi-reader', 'smartcard.uziReader', uziReader, names[0]!, setUziReader)}
        {readerSelect('smartcard-blank-reader', 'smartcard.blankReader', blankReader, names[names.length > 1 ? 1 : 0]!, setBlankReader)}
        <div className="field">
          <label htmlFor="smartcard-pin" className="field__label">
            {t('smartcard.pin')}
          </label>
          <input
            id="smartcard-pin"
            ref={pin}
            className="input input--pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            aria-describedby="smartcard-pin-hint"
            aria-invalid={problem === 'format' || undefined}
            disabled={busy}
          />
          <span id="smartcard-pin-hint" className="field__hint">
            {t('smartcard.pinHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="smartcard-pin-repeat" className="field__label">
            {t('smartcard.pinRepeat')}
          </label>
          <input
            id="smartcard-pin-repeat"
            ref={pinRepeat}
            className="input input--pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            aria-invalid={problem === 'mismatch' || undefined}
            disabled={busy}
          />
        </div>
        {problem && (
          <p className="field__error" role="alert">
            {t(problem === 'format' ? 'smartcard.pinFormat' : 'smartcard.pinMismatch')}
          </p>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t('smartcard.submit')}
          </button>
        </div>
      </form>
    </>
  );
}

function StepList({ steps }: { steps: SmartcardStepState[] }) {
  const t = useT();
  return (
    <ol className="steps" aria-label={t('smartcard.progress')}>
      {steps.map((s, i) => (
        <li key={s.step} className={`steps__item steps__item--${s.status}`} aria-current={s.status === 'running' ? 'step' : undefined}>
          <span className="visually-hidden">{t('smartcard.stepOf', { index: String(i + 1), total: String(steps.length) })}: </span>
          {t(`smartcard.step.${s.step}` as MessageKey)} <span className="muted">({t(`smartcard.status.${s.status}` as MessageKey)})</span>
        </li>
      ))}
    </ol>
  );
}

function Progress({ view }: { view: Exclude<SmartcardView, { step: 'idle' }> }) {
  const t = useT();
  const { uziPin, cardReady, dismiss } = useSmartcardStore();
  const pin = useRef<HTMLInputElement>(null);
  const [pinFormat, setPinFormat] = useState(false);
  const done = view.steps.filter((s) => s.status === 'done').length;

  const submitPin = async (e: FormEvent) => {
    e.preventDefault();
    const value = pin.current?.value ?? '';
    if (!PIN_RULE.test(value)) return setPinFormat(true);
    setPinFormat(false);
    if (pin.current) pin.current.value = '';
    await uziPin(value);
  };

  return (
    <>
      <progress className="reading__bar" max={view.steps.length} value={done} aria-label={t('smartcard.progress')} />
      <StepList steps={view.steps} />
      {view.step === 'running' && view.swap && (
        <div className="notice notice--warning" role="alert">
          <p>{t(view.swap.card === 'uzi' ? 'smartcard.swap.uzi' : 'smartcard.swap.blank', { reader: view.swap.reader })}</p>
          <div className="actions">
            <button type="button" className="button" onClick={() => void cardReady()}>
              {t('smartcard.swap.ready')}
            </button>
          </div>
        </div>
      )}
      {view.step === 'running' && view.uziPin && (
        <form className="pin-form" onSubmit={(e) => void submitPin(e)} noValidate>
          <div className="field">
            <label htmlFor="smartcard-uzi-pin" className="field__label">
              {t('smartcard.uziPin')}
            </label>
            <input
              id="smartcard-uzi-pin"
              ref={pin}
              className="input input--pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
              aria-invalid={pinFormat || undefined}
              autoFocus
            />
            {pinFormat && (
              <p className="field__error" role="alert">
                {t('smartcard.pinFormat')}
              </p>
            )}
          </div>
          <div className="actions">
            <button type="submit" className="button">
              {t('smartcard.uziPinSubmit')}
            </button>
          </div>
        </form>
      )}
      {view.step === 'done' && (
        <div className="notice notice--ok" role="status">
          <p>{t('smartcard.done')}</p>
        </div>
      )}
      {view.step === 'failed' && (
        <ErrorNotice error={{ code: view.code, kind: 'fatal' }} title={t('smartcard.failed')}>
          <p>{t(view.rolledBack ? 'smartcard.rolledBack' : 'smartcard.notRolledBack')}</p>
        </ErrorNotice>
      )}
      {view.step !== 'running' && (
        <div className="actions">
          <button type="button" className="button" onClick={() => void dismiss()}>
            {view.step === 'failed' ? t('smartcard.again') : t('smartcard.close')}
          </button>
        </div>
      )}
    </>
  );
}
