// "ZORG-ID Smartcard maken": choose the readers, enter the new card PIN twice, then follow the steps
// (swap prompt and UZI-pas PIN when the flow asks), ending in done or the failure with its code.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SmartcardStepState, SmartcardView } from '../../../../shared/contract';
import type { CardFamily } from '../../../../shared/domain';
import { kindOf } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isPinForm, PinField } from '../../components/PinField';
import { useT, type MessageKey } from '../../i18n';
import { useCardStore, type CardView } from '../../stores/card-store';
import { useSmartcardStore } from '../../stores/smartcard-store';

export function SmartcardScreen() {
  const view = useSmartcardStore((s) => s.view);
  useEffect(() => useSmartcardStore.getState().start(), []);
  const heading = useRef<HTMLHeadingElement>(null);
  const t = useT();
  // A new stage of the screen: move focus to its heading so screen readers announce it — unless a
  // field of that stage took it (the UZI-pas PIN), where the person types next.
  useEffect(() => {
    const active = document.activeElement;
    if (active instanceof HTMLInputElement && heading.current?.closest('section')?.contains(active)) return;
    heading.current?.focus();
  }, [view.step]);

  return (
    <section className="panel smartcard" aria-labelledby="smartcard-heading" data-step={view.step}>
      <h1 id="smartcard-heading" className="page-title" tabIndex={-1} ref={heading}>
        {t('smartcard.title')}
      </h1>
      {view.step === 'idle' ? <StartForm /> : <Progress view={view} />}
    </section>
  );
}

const holderNameOf = (card: CardView | undefined): string | null => {
  const holder = card?.state === 'read' ? card.reading.holder : null;
  return holder ? (holder.commonName ?? ([holder.givenName, holder.surname].filter(Boolean).join(' ') || null)) : null;
};

/** Which reader holds which card, from the card screen's store: the form's default choices. */
function useReaderChoice() {
  const readers = useCardStore((s) => s.readers);
  const cards = useCardStore((s) => s.cards);
  const prepared = useSmartcardStore((s) => s.blankReader);
  const names = readers.map((r) => r.name);
  const familyOf = (name: string): CardFamily | null => cards[name]?.family ?? readers.find((r) => r.name === name)?.family ?? null;
  const present = (name: string) => readers.some((r) => r.name === name && r.present);
  // A ZORG-ID Smartcard still being read may be the blank one; a read one with certificates is not.
  const mayBeBlank = (name: string) => {
    const card = cards[name];
    return present(name) && familyOf(name) === 'zorgid-smartcard' && (card?.state !== 'read' || card.reading.certificates.length === 0);
  };
  const blankGuess = (prepared && names.includes(prepared) ? prepared : null) ?? names.find(mayBeBlank) ?? null;
  const uzi = names.find((n) => n !== blankGuess && present(n) && familyOf(n) === 'uzi') ?? names.find((n) => n !== blankGuess) ?? names[0] ?? '';
  const blank = blankGuess ?? names.find((n) => n !== uzi) ?? names[0] ?? '';
  return { names, cards, familyOf, present, defaults: { uzi, blank } };
}

function StartForm() {
  const t = useT();
  const { busy, error, create } = useSmartcardStore();
  const choice = useReaderChoice();
  const { names } = choice;
  // '' = not chosen by the person: follow the cards as they go in.
  const [uziReader, setUziReader] = useState('');
  const [blankReader, setBlankReader] = useState('');
  const pin = useRef<HTMLInputElement>(null);
  const pinRepeat = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<'format' | 'mismatch' | null>(null);
  const uzi = uziReader || choice.defaults.uzi;
  const blank = blankReader || choice.defaults.blank;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const first = pin.current?.value ?? '';
    const second = pinRepeat.current?.value ?? '';
    const check = !isPinForm(first) ? 'format' : first !== second ? 'mismatch' : null;
    setProblem(check);
    if (check) {
      (check === 'format' ? pin : pinRepeat).current?.focus();
      return;
    }
    // The fields are emptied at once: the PIN lives on only in main, and there only until it is set.
    if (pin.current) pin.current.value = '';
    if (pinRepeat.current) pinRepeat.current.value = '';
    await create({ uziReader: uzi, blankReader: blank, pin: first, pinRepeat: second });
  };

  if (names.length === 0) {
    return (
      <p className="muted" role="status">
        {t('smartcard.noReaders')}
      </p>
    );
  }

  const describe = (name: string): string => {
    if (!choice.present(name)) return t('smartcard.reader.empty', { reader: name });
    const family = choice.familyOf(name);
    const holder = holderNameOf(choice.cards[name]);
    if (family === 'zorgid-smartcard') {
      if (holder) return t('smartcard.reader.smartcard', { reader: name, name: holder });
      return t('smartcard.reader.blank', { reader: name });
    }
    if (family === 'uzi' && holder) return t('smartcard.reader.uzi', { reader: name, name: holder });
    return t('smartcard.reader.card', { reader: name, card: t(`card.family.${family ?? 'unknown'}`) });
  };

  const readerSelect = (id: string, label: MessageKey, value: string, onChange: (v: string) => void) => (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t(label)}
      </label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} disabled={busy}>
        {names.map((n) => (
          <option key={n} value={n}>
            {describe(n)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <>
      <p className="lead">{t('smartcard.intro')}</p>
      <form className="pin-form" onSubmit={(e) => void submit(e)} noValidate>
        {readerSelect('smartcard-uzi-reader', 'smartcard.uziReader', uzi, setUziReader)}
        {readerSelect('smartcard-blank-reader', 'smartcard.blankReader', blank, setBlankReader)}
        <PinField id="smartcard-pin" label={t('smartcard.pin')} inputRef={pin} note={t('smartcard.pinNote')} formatError={problem === 'format'} disabled={busy} />
        <PinField
          id="smartcard-pin-repeat"
          label={t('smartcard.pinRepeat')}
          inputRef={pinRepeat}
          hint={false}
          error={problem === 'mismatch' ? t('smartcard.pinMismatch') : null}
          disabled={busy}
        />
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

function SwapPrompt({ swap }: { swap: { card: 'uzi' | 'blank'; reader: string } }) {
  const t = useT();
  const cardReady = useSmartcardStore((s) => s.cardReady);
  return (
    <div className="notice notice--warning" role="alert" data-testid="smartcard-swap">
      <h2 className="notice__title">{t('smartcard.swap.title')}</h2>
      <p>{t(swap.card === 'uzi' ? 'smartcard.swap.uzi' : 'smartcard.swap.blank', { reader: swap.reader })}</p>
      <p>{t('smartcard.swap.auto')}</p>
      <div className="actions">
        <button type="button" className="button button--quiet" onClick={() => void cardReady()}>
          {t('smartcard.swap.ready')}
        </button>
      </div>
    </div>
  );
}

function UziPinForm() {
  const t = useT();
  const uziPin = useSmartcardStore((s) => s.uziPin);
  const pin = useRef<HTMLInputElement>(null);
  const [formatError, setFormatError] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = pin.current?.value ?? '';
    if (!isPinForm(value)) {
      setFormatError(true);
      pin.current?.focus();
      return;
    }
    setFormatError(false);
    if (pin.current) pin.current.value = '';
    await uziPin(value);
  };

  return (
    <form className="pin-form" onSubmit={(e) => void submit(e)} noValidate>
      <PinField id="smartcard-uzi-pin" label={t('smartcard.uziPin')} inputRef={pin} formatError={formatError} autoFocus />
      <div className="actions">
        <button type="submit" className="button">
          {t('smartcard.uziPinSubmit')}
        </button>
      </div>
    </form>
  );
}

function Progress({ view }: { view: Exclude<SmartcardView, { step: 'idle' }> }) {
  const t = useT();
  const dismiss = useSmartcardStore((s) => s.dismiss);
  const done = view.steps.filter((s) => s.status === 'done').length;
  const failedStep = view.steps.find((s) => s.status === 'failed');

  return (
    <>
      <progress className="reading__bar" max={view.steps.length} value={done} aria-label={t('smartcard.progress')} />
      <StepList steps={view.steps} />
      {view.step === 'running' && view.swap && <SwapPrompt swap={view.swap} />}
      {view.step === 'running' && view.uziPin && <UziPinForm />}
      {view.step === 'done' && (
        <div className="notice notice--ok" role="status">
          <h2 className="notice__title">{t('smartcard.doneTitle')}</h2>
          <p>{t('smartcard.done')}</p>
        </div>
      )}
      {view.step === 'failed' && (
        <ErrorNotice error={{ code: view.code, kind: kindOf(view.code) }} title={t('smartcard.failed')}>
          {failedStep && <p>{t('smartcard.failedStep', { step: t(`smartcard.step.${failedStep.step}` as MessageKey) })}</p>}
          <p>{t(view.rolledBack ? 'smartcard.rolledBack' : 'smartcard.notRolledBack')}</p>
        </ErrorNotice>
      )}
      {view.step !== 'running' && (
        <div className="actions">
          <button type="button" className="button" onClick={() => void dismiss()}>
            {/* A refusal (the portal's "no", a card that is not blank) is not cured by trying again. */}
            {view.step === 'failed' && kindOf(view.code) !== 'fatal' ? t('smartcard.again') : t('smartcard.close')}
          </button>
        </div>
      )}
    </>
  );
}
