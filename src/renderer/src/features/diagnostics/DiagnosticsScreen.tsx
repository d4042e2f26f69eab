import { useEffect, useRef, useState } from 'react';
import type { DiagnosticsFormat, DiagnosticsView } from '../../../../shared/channels';
import type { SerializedError } from '../../../../shared/errors';
import { invoke } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useT } from '../../i18n';

type Status = { kind: 'idle' } | { kind: 'copied' } | { kind: 'saved' } | { kind: 'downloaded' } | { kind: 'copy-failed' };

/** Where the host cannot save (the browser preview): the browser downloads the file itself. */
function download(content: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Diagnose screen (issue 14): the report main made, to copy or save for the helpdesk. */
export function DiagnosticsScreen() {
  const t = useT();
  const [view, setView] = useState<DiagnosticsView | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const pre = useRef<HTMLPreElement>(null);

  const load = async () => {
    setBusy(true);
    setStatus({ kind: 'idle' });
    const result = await invoke('diagnostics:report');
    setBusy(false);
    if (result.ok) {
      setView(result.value);
      setError(null);
    } else setError(result.error);
  };

  useEffect(() => {
    void load();
  }, []);

  const copy = async () => {
    if (!view) return;
    try {
      await navigator.clipboard.writeText(view.text);
      setStatus({ kind: 'copied' });
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const range = document.createRange();
      if (pre.current) range.selectNodeContents(pre.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setStatus({ kind: 'copy-failed' });
    }
  };

  const save = async (format: DiagnosticsFormat) => {
    if (!view) return;
    const result = await invoke('diagnostics:save', { format });
    if (result.ok) {
      if (result.value.saved) setStatus({ kind: 'saved' });
      return;
    }
    if (result.error.code !== 'ERR_DIAG_SAVE_UNAVAILABLE') return setError(result.error);
    const stamp = view.createdAt.replace(/[:.]/g, '-');
    if (format === 'json') download(view.json, `zorgid-diagnose-${stamp}.json`, 'application/json');
    else download(view.text, `zorgid-diagnose-${stamp}.txt`, 'text/plain;charset=utf-8');
    setStatus({ kind: 'downloaded' });
  };

  return (
    <>
      <h1 className="page-title">{t('diagnostics.heading')}</h1>
      <p className="muted">{t('diagnostics.intro')}</p>
      {error && <ErrorNotice error={error} />}
      <div className="diagnostics__actions">
        <button type="button" className="button" onClick={() => void copy()} disabled={!view}>
          {t('diagnostics.copy')}
        </button>
        <button type="button" className="button" onClick={() => void save('text')} disabled={!view}>
          {t('diagnostics.save')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => void save('json')} disabled={!view}>
          {t('diagnostics.saveJson')}
        </button>
        <button type="button" className="button button--quiet" onClick={() => void load()} disabled={busy}>
          {t('diagnostics.refresh')}
        </button>
      </div>
      <p className="muted" role="status">
        {busy ? t('diagnostics.making') : status.kind === 'idle' ? '' : t(`diagnostics.status.${status.kind}`)}
      </p>
      {view && (
        <section className="panel" aria-label={t('diagnostics.reportLabel')}>
          <p className="notice__code">{t('diagnostics.noPersonalData')}</p>
          <pre className="diagnostics__report" ref={pre} tabIndex={0}>
            {view.text}
          </pre>
        </section>
      )}
    </>
  );
}
