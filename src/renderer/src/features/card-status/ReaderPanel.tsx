import { useId } from 'react';
import type { ReaderState } from '../../../../shared/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';
import { useAppStore } from '../../stores/app-store';
import { useCardStore } from '../../stores/card-store';
import { HolderDetails } from './HolderDetails';
import { ReadingProgress } from './ReadingProgress';

export function ReaderPanel({ reader }: { reader: ReaderState }) {
  const t = useT();
  const id = useId();
  const view = useCardStore((s) => s.cards[reader.name]);
  const read = useCardStore((s) => s.read);
  const show = useAppStore((s) => s.show);
  const family = view?.family ?? reader.family ?? null;

  return (
    <section className="reader" aria-labelledby={`${id}-title`} data-reader={reader.name}>
      <header className="reader__header">
        <h2 id={`${id}-title`} className="reader__title">
          <span className="reader__kind">{t('card.reader')}</span> {reader.name}
        </h2>
        {reader.present && family && <span className={`pill pill--${family}`}>{t(`card.family.${family}`)}</span>}
      </header>

      {!reader.present && (
        <div className="reader__empty">
          <p className="reader__empty-title">{t('card.empty')}</p>
          <p>{t('card.emptyHint')}</p>
        </div>
      )}

      {reader.present && family === 'unknown' && view?.state === 'reading' && (
        <div className="notice notice--info">
          <p className="notice__title">{t('card.unknownTitle')}</p>
          <p>{t('card.unknownHint')}</p>
        </div>
      )}

      {reader.present && view?.state === 'reading' && <ReadingProgress startedAt={view.startedAt} />}

      {reader.present && view?.state === 'error' && (
        <ErrorNotice error={view.error}>
          {view.error.code === 'ERR_CARD_MIDDLEWARE_MISSING' && <p>{t('card.middlewareHelp')}</p>}
          <div className="actions">
            <button type="button" className="button" onClick={() => void read(reader.name, family ?? 'unknown')}>
              {t('card.retry')}
            </button>
            {view.error.code === 'ERR_CARD_MIDDLEWARE_MISSING' && (
              <button type="button" className="button button--quiet" onClick={() => show('settings')}>
                {t('card.toSettings')}
              </button>
            )}
          </div>
        </ErrorNotice>
      )}

      {reader.present && view?.state === 'read' && <HolderDetails reading={view.reading} headingId={`${id}-holder`} />}
    </section>
  );
}
