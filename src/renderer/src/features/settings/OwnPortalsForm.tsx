import { useEffect, useId, useState, type FormEvent } from 'react';
import type { SerializedError } from '../../../../shared/errors';
import type { SettingsView } from '../../../../shared/settings-view';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SaveActions, type SaveStatus } from './SaveActions';
import { useT } from '../../i18n';
import { useSettingsStore } from '../../stores/settings-store';

/** The portals the person adds themselves; absent while the organisation's policy does not allow it. */
export function OwnPortalsForm({ view }: { view: SettingsView }) {
  const t = useT();
  const id = useId();
  const save = useSettingsStore((s) => s.save);
  const stored = view.userPortalAllowlist.join('\n');
  const [text, setText] = useState(stored);
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<SerializedError | null>(null);
  useEffect(() => setText(stored), [stored]);

  if (view.effective.portalAllowlist.locked) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStatus('saving');
    const list = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const failure = await save({ portalAllowlist: list });
    setError(failure);
    setStatus(failure ? 'idle' : 'saved');
  }

  return (
    <form className="panel" onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-portals`}>
          {t('policy.ownPortals')}
        </label>
        <p id={`${id}-portals-hint`} className="field__hint">
          {t('policy.ownPortalsHint')}
        </p>
        <textarea
          id={`${id}-portals`}
          className="input"
          rows={3}
          spellCheck={false}
          aria-describedby={`${id}-portals-hint`}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setStatus('idle');
          }}
        />
      </div>
      <SaveActions status={status} />
      {error && <ErrorNotice error={error} />}
    </form>
  );
}
