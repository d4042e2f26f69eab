import { useT } from '../../i18n';

export type SaveStatus = 'idle' | 'saving' | 'saved';

/** The save button of a settings form and the line that says it was saved (a status for screen readers). */
export function SaveActions({ status, disabled = false }: { status: SaveStatus; disabled?: boolean }) {
  const t = useT();
  return (
    <div className="actions">
      <button type="submit" className="button" disabled={status === 'saving' || disabled}>
        {status === 'saving' ? t('settings.saving') : t('settings.save')}
      </button>
      <p className="muted" role="status">
        {status === 'saved' ? t('settings.saved') : ''}
      </p>
    </div>
  );
}
