import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';
import { useCardStore } from '../../stores/card-store';
import { ReaderPanel } from './ReaderPanel';

export function CardScreen() {
  const t = useT();
  const service = useCardStore((s) => s.service);
  const readers = useCardStore((s) => s.readers);

  return (
    <>
      <h1 className="page-title">{t('card.heading')}</h1>
      <p className="lead">{t('card.intro')}</p>
      {service.status === 'connecting' && (
        <p className="muted" role="status">
          {t('card.connecting')}
        </p>
      )}
      {service.status === 'down' && (
        <ErrorNotice title={t('card.serviceDownTitle')} error={service.error ?? { code: 'ERR_CARD_PCSC_UNAVAILABLE', kind: 'retry' }} />
      )}
      {service.status === 'up' && readers.length === 0 && (
        <ErrorNotice tone="warning" title={t('card.noReaderTitle')} error={{ code: 'ERR_CARD_NO_READER', kind: 'retry' }} />
      )}
      <div className="readers">
        {readers.map((reader) => (
          <ReaderPanel key={reader.name} reader={reader} />
        ))}
      </div>
    </>
  );
}
