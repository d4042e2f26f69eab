import type { CardFamily, CardReading, UziHolder } from '../../../../shared/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFormatDate, useT } from '../../i18n';

function fullName(holder: UziHolder): string | null {
  return holder.commonName ?? ([holder.givenName, holder.surname].filter(Boolean).join(' ') || null);
}

export function HolderDetails({ reading, family, headingId }: { reading: CardReading; family: CardFamily | null; headingId: string }) {
  const t = useT();
  const date = useFormatDate();
  const holder = reading.holder;
  if (!holder) return reading.holderError ? <ErrorNotice error={reading.holderError} /> : null;
  const unknown = t('holder.unknownValue');
  const rows: [string, string][] = [
    // A ZORG-ID Smartcard carries the UZI fields of the employee's own card; say which card this is.
    ...(family === 'zorgid-smartcard' ? ([[t('holder.cardKind'), t('card.family.zorgid-smartcard')]] as [string, string][]) : []),
    [t('holder.uziNumber'), holder.uziNumber],
    [t('holder.cardType'), `${t(`cardType.${holder.cardType}`)} (${holder.cardType})`],
    [t('holder.role'), holder.roleLabel === holder.roleCode ? holder.roleCode : `${holder.roleLabel} (${holder.roleCode})`],
    [t('holder.organisation'), holder.organisation ?? unknown],
    [t('holder.ura'), holder.ura],
    [t('holder.agb'), holder.agb === '00000000' ? t('holder.agbNone') : holder.agb],
    [t('holder.validity'), t('holder.validFromTo', { from: date(holder.notBefore), to: date(holder.notAfter) })],
  ];
  return (
    <div className="holder">
      {reading.validity === 'expired' && (
        <ErrorNotice tone="warning" title={t('validity.expiredTitle')} error={{ code: 'ERR_CERT_EXPIRED', kind: 'fatal' }} />
      )}
      {reading.validity === 'not-yet-valid' && (
        <ErrorNotice tone="warning" title={t('validity.notYetValidTitle')} error={{ code: 'ERR_CERT_NOT_YET_VALID', kind: 'fatal' }} />
      )}
      <h3 id={headingId} className="holder__heading">
        {t('holder.heading')}
        {reading.validity === 'valid' && <span className="pill pill--ok">{t('validity.valid')}</span>}
      </h3>
      <div className="holder__summary">
        <p className="holder__name">{fullName(holder) ?? unknown}</p>
        <p className="muted">{[holder.roleCode === '00.000' ? null : holder.roleLabel, holder.organisation].filter(Boolean).join(' · ')}</p>
      </div>
      <dl className="holder__list">
        {rows.map(([term, value]) => (
          <div className="holder__row" key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
