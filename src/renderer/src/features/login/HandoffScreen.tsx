import { useEffect, useId, useRef, useState, type FormEvent, type Ref } from 'react';
import { pinLengths, type HandoffRequestInfo, type HandoffView } from '../../../../shared/channels';
import type { CardFamily, UziHolder } from '../../../../shared/domain';
import type { ErrorCode } from '../../../../shared/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isPinForm, PinField } from '../../components/PinField';
import { useLanguage, useT, type MessageKey } from '../../i18n';
import { useCardStore } from '../../stores/card-store';
import { useHandoffStore } from '../../stores/handoff-store';
import { EnrolmentQrScreen, OrgComparison } from './OrganisationViews';

const portalName = (portal: string): string => {
  try {
    return new URL(portal).host;
  } catch {
    return portal;
  }
};

const holderName = (holder: UziHolder | null): string | null =>
  holder ? (holder.commonName ?? ([holder.givenName, holder.surname].filter(Boolean).join(' ') || null)) : null;

/** What kind of card is in `reader`: the read card's family, else what the ATR table said at insert. */
function useFamilyIn(reader: string | null): CardFamily | null {
  return useCardStore((s) => (reader ? (s.cards[reader]?.family ?? s.readers.find((r) => r.name === reader)?.family ?? null) : null));
}

/** Seconds until `deadline`, ticking once a second. */
function useSecondsLeft(deadline: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** Moves focus to the step's heading, so a screen reader announces each new step. */
function useFocusHeading(key: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [key]);
  return ref;
}

function Asks({ request, smartcard }: { request: HandoffRequestInfo; smartcard: boolean }) {
  const t = useT();
  // Logging in is the one purpose a ZORG-ID Smartcard is named for; the other texts say "uw pas".
  const purpose: MessageKey = smartcard && request.purpose === 'login' ? 'handoff.purpose.login.smartcard' : (`handoff.purpose.${request.purpose}` as MessageKey);
  const lang = useLanguage();
  const time = new Date(request.expiresAt).toLocaleTimeString(lang === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  return (
    <>
      <p className="lead">
        {request.organisation ? t('org.intro') : t(purpose, { ura: request.ura ?? '' })}
      </p>
      <p className="muted">{t('handoff.expires', { time })}</p>
    </>
  );
}

function RequestStep({ request }: { request: HandoffRequestInfo }) {
  const t = useT();
  const { readers, cards } = useCardStore();
  const { confirm, cancel } = useHandoffStore();
  const heading = useFocusHeading(`request-${request.flow}`);
  const present = readers.filter((r) => r.present);
  const [chosen, setChosen] = useState<string | null>(null);
  const reader = chosen && present.some((r) => r.name === chosen) ? chosen : (present[0]?.name ?? null);
  const groupId = useId();
  const chosenView = reader ? cards[reader] : undefined;
  const chosenHolder = chosenView?.state === 'read' ? chosenView.reading.holder : null;
  const chosenFamily = useFamilyIn(reader);

  const label = (name: string): string => {
    const view = cards[name];
    if (view?.state === 'reading') return `${t('handoff.cardReading')} (${name})`;
    const smartcard = (view?.family ?? readers.find((r) => r.name === name)?.family) === 'zorgid-smartcard';
    if (smartcard && view?.state === 'read' && view.reading.certificates.length === 0) return t('handoff.blankInReader', { reader: name });
    const holder = view?.state === 'read' ? holderName(view.reading.holder) : null;
    if (!holder) return t('handoff.cardUnknownHolder', { reader: name });
    return t(smartcard ? 'handoff.smartcardInReader' : 'handoff.cardInReader', { name: holder, reader: name });
  };

  return (
    <section className="panel handoff" aria-labelledby="handoff-heading" data-step="request">
      <h1 id="handoff-heading" className="page-title" tabIndex={-1} ref={heading}>
        {t(`handoff.asks.${request.purpose}` as MessageKey, { portal: portalName(request.portal) })}
      </h1>
      <Asks request={request} smartcard={chosenFamily === 'zorgid-smartcard'} />
      <OrgComparison organisation={request.organisation} holder={chosenHolder} />
      {present.length === 0 ? (
        <p className="notice notice--info" role="status">
          {t('handoff.noCard')}
        </p>
      ) : (
        <fieldset className="field">
          <legend className="field__label" id={groupId}>
            {t('handoff.cardHeading')}
          </legend>
          <div className="segmented segmented--column">
            {present.map((r) => (
              <label key={r.name} className="segmented__option">
                <input type="radio" name="handoff-reader" value={r.name} checked={reader === r.name} onChange={() => setChosen(r.name)} />
                {label(r.name)}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <p className="muted">{t('handoff.notYou')}</p>
      <div className="actions">
        <button type="button" className="button" disabled={!reader} onClick={() => reader && void confirm(reader)}>
          {t('handoff.continue')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => void cancel()}>
          {t('handoff.cancel')}
        </button>
      </div>
    </section>
  );
}

function BlockedGuidance({ headingRef }: { headingRef?: Ref<HTMLHeadingElement> }) {
  const t = useT();
  return (
    <div className="notice notice--error" role="alert" data-testid="pin-blocked">
      <h2 className="notice__title" tabIndex={-1} ref={headingRef}>
        {t('handoff.blockedTitle')}
      </h2>
      <p>{t('handoff.blocked')}</p>
      <p>{t('handoff.puk')}</p>
      <p>{t('handoff.lostPin')}</p>
      <p className="notice__code">
        {t('error.code')}: <code>ERR_PIN_LOCKED</code>
      </p>
    </div>
  );
}

function PinStep({ view }: { view: Extract<HandoffView, { step: 'pin' }> }) {
  const t = useT();
  const { submitPin, cancel, error } = useHandoffStore();
  const heading = useFocusHeading(`pin-${view.request.flow}-${view.previousError ?? ''}-${view.status.finalTry}`);
  const input = useRef<HTMLInputElement>(null);
  const [formatError, setFormatError] = useState(false);
  const [busy, setBusy] = useState(false);
  const { min, max } = pinLengths(view.status);
  const secondsLeft = useSecondsLeft(view.pinpadDeadline);
  const name = holderName(view.holder);
  const smartcard = useFamilyIn(view.reader) === 'zorgid-smartcard';

  useEffect(() => {
    if (input.current) input.current.value = '';
    setBusy(false);
    if (view.previousError) input.current?.focus();
  }, [view]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const field = input.current;
    if (!field) return;
    const pin = field.value;
    if (!isPinForm(pin, min, max)) {
      setFormatError(true);
      field.focus();
      return;
    }
    setFormatError(false);
    setBusy(true);
    // Out of the DOM at once: the field never holds the PIN longer than this call.
    field.value = '';
    const accepted = await submitPin(pin);
    if (!accepted) setBusy(false);
  }

  if (view.status.locked) {
    return (
      <section className="panel handoff" aria-labelledby="handoff-heading" data-step="pin-blocked">
        <h1 id="handoff-heading" className="page-title">
          {t(`handoff.asks.${view.request.purpose}` as MessageKey, { portal: portalName(view.request.portal) })}
        </h1>
        <BlockedGuidance headingRef={heading} />
        <div className="actions">
          <button type="button" className="button button--quiet" onClick={() => void cancel()}>
            {t('handoff.cancel')}
          </button>
        </div>
      </section>
    );
  }

  const previous = view.previousError ? <ErrorNotice error={{ code: view.previousError, kind: 'retry' }} /> : null;
  const warnings = (
    <>
      {view.status.finalTry ? (
        <div className="notice notice--warning" role="status" data-testid="pin-final-try">
          <p className="notice__title">{t('handoff.finalTryTitle')}</p>
          <p>{t('handoff.finalTry')}</p>
        </div>
      ) : view.status.countLow ? (
        <p className="notice notice--warning" role="status" data-testid="pin-count-low">
          {t('handoff.countLow')}
        </p>
      ) : null}
    </>
  );

  if (view.status.pinpad) {
    return (
      <section className="panel handoff" aria-labelledby="handoff-heading" data-step="pin-pinpad">
        <h1 id="handoff-heading" className="page-title" tabIndex={-1} ref={heading}>
          {t('handoff.pinpadTitle')}
        </h1>
        {previous}
        {warnings}
        <div className="actions">
          <button type="button" className="button" onClick={() => void submitPin('')}>
            {t('handoff.pinpadRetry')}
          </button>
          <button type="button" className="button button--quiet" onClick={() => void cancel()}>
            {t('handoff.cancel')}
          </button>
        </div>
        {secondsLeft !== null && <p className="muted">{t('handoff.pinpadCountdown', { seconds: String(secondsLeft) })}</p>}
      </section>
    );
  }

  return (
    <section className="panel handoff" aria-labelledby="handoff-heading" data-step="pin">
      <h1 id="handoff-heading" className="page-title" tabIndex={-1} ref={heading}>
        {t(smartcard ? 'handoff.pinTitle.smartcard' : 'handoff.pinTitle')}
      </h1>
      <p className="lead">
        {t(`handoff.asks.${view.request.purpose}` as MessageKey, { portal: portalName(view.request.portal) })}.{' '}
        {name ? t(smartcard ? 'handoff.pinFor.smartcard' : 'handoff.pinFor', { name, reader: view.reader }) : null}
      </p>
      <OrgComparison organisation={view.request.organisation} holder={view.holder} />
      {previous}
      {warnings}
      <form className="pin-form" onSubmit={(e) => void submit(e)} noValidate>
        <PinField id="handoff-pin" label={t('handoff.pinLabel')} inputRef={input} min={min} max={max} formatError={formatError} autoFocus disabled={busy}>
          {error && !formatError && <ErrorNotice error={error} />}
        </PinField>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {view.request.organisation ? t('org.pinSubmit') : t('handoff.pinSubmit')}
          </button>
          <button type="button" className="button button--quiet" onClick={() => void cancel()}>
            {t('handoff.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Working({ view }: { view: Extract<HandoffView, { step: 'reading' | 'signing' }> }) {
  const t = useT();
  const pinpad = view.step === 'signing' && view.pinpad;
  const secondsLeft = useSecondsLeft(view.step === 'signing' ? view.pinpadDeadline : null);
  return (
    <section className="panel handoff" aria-labelledby="handoff-heading" data-step={view.step}>
      <h1 id="handoff-heading" className="page-title">
        {pinpad ? t('handoff.pinpadTitle') : t(`handoff.asks.${view.request.purpose}` as MessageKey, { portal: portalName(view.request.portal) })}
      </h1>
      {pinpad && <p>{t('handoff.pinpad')}</p>}
      <p className="reading__label" role="status">
        <span className="spinner" aria-hidden="true" />
        {pinpad && secondsLeft !== null
          ? t('handoff.pinpadCountdown', { seconds: String(secondsLeft) })
          : view.step === 'reading'
            ? t('handoff.reading')
            : view.request.organisation
              ? t('org.signing')
              : t('handoff.signing')}
      </p>
    </section>
  );
}

function Waiting({ view }: { view: Extract<HandoffView, { step: 'waiting' }> }) {
  const t = useT();
  const { cancel } = useHandoffStore();
  const heading = useFocusHeading(`waiting-${view.request.flow}-${view.afterQr}`);
  return (
    <section className="panel handoff" aria-labelledby="handoff-heading" data-step="waiting">
      <h1 id="handoff-heading" className="page-title" tabIndex={-1} ref={heading}>
        {t(view.afterQr ? 'org.waitingScanTitle' : 'org.waitingTitle')}
      </h1>
      <OrgComparison organisation={view.request.organisation} holder={view.holder} />
      <p className="reading__label" role="status">
        <span className="spinner" aria-hidden="true" />
        {t(view.afterQr ? 'org.waitingScan' : 'org.waiting')}
      </p>
      <div className="actions">
        <button type="button" className="button button--quiet" onClick={() => void cancel()}>
          {t(view.afterQr ? 'handoff.close' : 'handoff.cancel')}
        </button>
      </div>
    </section>
  );
}

function Outcome({ view }: { view: Extract<HandoffView, { step: 'done' | 'cancelled' | 'failed' }> }) {
  const t = useT();
  const { dismiss } = useHandoffStore();
  const heading = useFocusHeading(`outcome-${view.request.flow}-${view.step}`);
  const portal = portalName(view.request.portal);
  const blocked = view.step === 'failed' && view.code === 'ERR_PIN_LOCKED';
  const org = view.request.purpose === 'validate-organisation';
  const active = view.step === 'done' && view.organisationActive === true;
  const title: MessageKey = org
    ? view.step === 'done'
      ? active
        ? 'org.doneActiveTitle'
        : 'org.doneQrTitle'
      : view.step === 'cancelled'
        ? 'org.cancelledTitle'
        : 'org.failedTitle'
    : view.step === 'done'
      ? 'handoff.doneTitle'
      : view.step === 'cancelled'
        ? 'handoff.cancelledTitle'
        : 'handoff.failedTitle';
  return (
    <section className="panel handoff" aria-labelledby="handoff-heading" data-step={view.step}>
      <h1 id="handoff-heading" className="page-title" tabIndex={-1} ref={heading}>
        {view.step === 'done' && (
          <span className="outcome-mark" aria-hidden="true">
            ✓{' '}
          </span>
        )}
        {t(title)}
      </h1>
      {view.step === 'done' && org && (
        <div className="notice notice--ok" role="status">
          <p>{t(active ? 'org.doneActive' : 'org.doneQr')}</p>
        </div>
      )}
      {view.step === 'done' && !org && (
        <div className="notice notice--ok" role="status">
          <p className="notice__title">{t('handoff.done', { portal })}</p>
          <p>{t('handoff.doneRemoval')}</p>
        </div>
      )}
      {view.step === 'cancelled' && <p role="status">{t(org ? 'org.cancelled' : 'handoff.cancelled')}</p>}
      {view.step === 'failed' && view.holder !== undefined && <OrgComparison organisation={view.request.organisation} holder={view.holder} />}
      {view.step === 'failed' && (blocked ? <BlockedGuidance /> : <ErrorNotice error={{ code: view.code as ErrorCode, kind: 'fatal' }} />)}
      <div className="actions">
        <button type="button" className="button button--quiet" onClick={() => void dismiss()}>
          {t('handoff.close')}
        </button>
      </div>
    </section>
  );
}

/** The login screens; null when no portal is asking anything (the card screen shows instead). */
export function HandoffScreen() {
  const view = useHandoffStore((s) => s.view);
  switch (view.step) {
    case 'idle':
      return null;
    case 'request':
      return <RequestStep request={view.request} />;
    case 'pin':
      return <PinStep view={view} />;
    case 'reading':
    case 'signing':
      return <Working view={view} />;
    case 'waiting':
      return <Waiting view={view} />;
    case 'enrolment':
      return <EnrolmentQrScreen request={view.request} qr={view.qr} />;
    default:
      return <Outcome view={view} />;
  }
}
