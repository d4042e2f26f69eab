import { useId } from 'react';
import type { ReaderState } from '../../../../shared/domain';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';
import { useAppStore } from '../../stores/app-store';
import { useCardStore } from '../../stores/card-store';
import { useSmartcardStore } from '../../stores/smartcard-store';
import { HolderDetails } from './HolderDetails';
import { ReadingProgress } from './ReadingProgress';

/** A ZORG-ID Smartcard before creation: not an error, the start of "ZORG-ID Smartcard maken". */
function BlankSmartcard({ reader, headingId }: { reader: string; headingId: string }) {
  const t = useT();
  const show = useAppStore((s) => s.show);
  const open = () => {
    useSmartcardStore.getState().prepare(reader);
    show('smartcard');
  };
  return (
    <div className="notice notice--info blank-card" data-testid="blank-smartcard">
      <h3 id={headingId} className="notice__title">
        {t('card.blankTitle')}
      </h3>
      <p>{t('card.blankText')}</p>
      <div className="actions">
        <button type="button" className="button" onClick={open}>
          {t('card.blankCreate')}
        </button>
      </div>
    </div>
  );
}

export function ReaderPanel({ reader }: { reader: ReaderState }) {
  const t = useT();
  const id = useId();
  const view = useCardStore((s) => s.cards[reader.name]);
  const read = useCardStore((s) => s.read);
  const show = useAppStore((s) => s.show);
  const family = view?.family ?? reader.family ?? null;
  // Blank: a ZORG-ID Smartcard token with nothing on it yet (what the card backend reads before creation).
  const blank = family === 'zorgid-smartcard' && view?.state === 'read' && view.reading.certificates.length === 0;

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

      {reader.present && blank && <BlankSmartcard reader={reader.name} headingId={`${id}-holder`} />}
      {reader.present && view?.state === 'read' && !blank && <HolderDetails reading={view.reading} family={family} headingId={`${id}-holder`} />}
    </section>
  );
}
