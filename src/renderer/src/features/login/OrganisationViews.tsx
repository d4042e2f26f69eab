// The screens organisation validation and on-site enrolment add to the handoff: the organisation the
// portal names beside the card in the reader, and the enrolment QR. The QR exists only in the view
// main pushed; "Sluiten" tells main to drop it, and nothing here copies it anywhere.
import { useEffect, useRef, useState } from 'react';
import type { EnrolmentQrView, HandoffRequestInfo } from '../../../../shared/channels';
import type { UziHolder } from '../../../../shared/domain';
import { useLanguage, useT, type MessageKey } from '../../i18n';
import { useHandoffStore } from '../../stores/handoff-store';

const DAY_MS = 24 * 60 * 60_000;
const VALIDATING_CARD_TYPES = ['Z', 'N'];

export const holderName = (holder: UziHolder | null): string | null =>
  holder ? (holder.commonName ?? ([holder.givenName, holder.surname].filter(Boolean).join(' ') || null)) : null;

/** The organisation (from the portal) and the card (from the reader) side by side, with the verdict. */
export function OrgComparison({ organisation, holder }: { organisation: HandoffRequestInfo['organisation']; holder: UziHolder | null }) {
  const t = useT();
  if (!organisation) return null;
  const typeOk = holder ? VALIDATING_CARD_TYPES.includes(holder.cardType) : true;
  const uraOk = holder ? holder.ura === organisation.ura : true;
  return (
    <section className="compare" aria-label={t('org.compare')} data-testid="org-compare">
      <div className="compare__side">
        <h2 className="compare__title">{t('org.portalSide')}</h2>
        <dl className="compare__list">
          <dt>{t('org.name')}</dt>
          <dd data-testid="org-name">{organisation.name}</dd>
          <dt>{t('org.ura')}</dt>
          <dd data-testid="org-ura">{organisation.ura}</dd>
        </dl>
      </div>
      <div className="compare__side">
        <h2 className="compare__title">{t('org.cardSide')}</h2>
        {holder ? (
          <dl className="compare__list">
            <dt>{t('org.holder')}</dt>
            <dd data-testid="card-holder">{holderName(holder) ?? '—'}</dd>
            <dt>{t('org.ura')}</dt>
            <dd data-testid="card-ura">{holder.ura}</dd>
            <dt>{t('org.cardType')}</dt>
            <dd data-testid="card-type">{holder.cardType}</dd>
          </dl>
        ) : (
          <p className="muted">{t('org.noCardYet')}</p>
        )}
      </div>
      {holder && (
        <div className="compare__verdict" data-testid="org-verdict" data-match={String(uraOk && typeOk)}>
          <p className={uraOk ? 'verdict verdict--ok' : 'verdict verdict--bad'}>
            <span aria-hidden="true">{uraOk ? '✓ ' : '✗ '}</span>
            {t(uraOk ? 'org.match' : 'org.mismatch')}
          </p>
          {!typeOk && (
            <p className="verdict verdict--bad">
              <span aria-hidden="true">✗ </span>
              {t('org.cardTypeRefused', { type: holder.cardType })}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** Days left, re-evaluated every minute (the QR lives 10 days; a day count does not need seconds). */
function useDaysLeft(expiresAt: string): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return (Date.parse(expiresAt) - now) / DAY_MS;
}

/** The QR full-screen on the desk: name, organisation, expiry, days left, print, shown once, Sluiten. */
export function EnrolmentQrScreen({ request, qr }: { request: HandoffRequestInfo; qr: EnrolmentQrView }) {
  const t = useT();
  const lang = useLanguage();
  const { dismiss } = useHandoffStore();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [request.flow]);
  const locale = lang === 'nl' ? 'nl-NL' : 'en-GB';
  const expires = new Date(qr.expiresAt);
  const date = expires.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const time = expires.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const days = useDaysLeft(qr.expiresAt);
  // Counted up: a code issued a minute ago still has "10 days", as the portal says.
  const left: MessageKey = days <= 0 ? 'qr.expired' : days < 1 ? 'qr.lessThanDay' : 'qr.days';
  return (
    <section className="qr-screen" aria-labelledby="qr-heading" data-step="enrolment">
      <div className="qr-card" data-testid="qr-card">
        <h1 id="qr-heading" className="page-title" tabIndex={-1} ref={heading}>
          {t('qr.title')}
        </h1>
        <p className="qr-card__name" data-testid="qr-name">
          {t('qr.for', { name: qr.name })}
        </p>
        <p data-testid="qr-organisation">{t('qr.organisation', { name: qr.organisation.name, ura: qr.organisation.ura })}</p>
        <img className="qr-card__image" src={qr.qrDataUrl} alt={t('qr.alt', { name: qr.name })} width={360} height={360} data-testid="qr-image" />
        <p data-testid="qr-expires">
          <strong>{t('qr.expires', { date, time })}</strong>
        </p>
        <p data-testid="qr-days">{t(left, { days: String(Math.ceil(days)) })}</p>
        <p className="muted">{t('qr.instructions')}</p>
      </div>
      <div className="notice notice--warning no-print" role="note" data-testid="qr-once">
        <p className="notice__title">{t('qr.onceTitle')}</p>
        <p>{t('qr.once')}</p>
      </div>
      <div className="actions no-print">
        <button type="button" className="button" onClick={() => window.print()}>
          {t('qr.print')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => void dismiss()}>
          {t('qr.close')}
        </button>
      </div>
    </section>
  );
}
