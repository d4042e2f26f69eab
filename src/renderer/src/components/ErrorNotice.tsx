import type { ReactNode } from 'react';
import type { SerializedError } from '../../../shared/errors';
import { useErrorText, useT } from '../i18n';
import { useAppStore } from '../stores/app-store';

interface Props {
  error: SerializedError;
  title?: string;
  tone?: 'error' | 'warning';
  children?: ReactNode;
}

/** Every error the same way: what happened and what to do (in the person's language), plus its code. */
export function ErrorNotice({ error, title, tone = 'error', children }: Props) {
  const t = useT();
  const text = useErrorText();
  // A native module that did not load is named, so IT knows what to reinstall (ERR_APP_NATIVE_MODULE).
  const module = typeof error.detail?.['module'] === 'string' ? error.detail['module'] : null;
  // Every error leads to the report a helpdesk asks for (issue 14); not from the report itself.
  const onDiagnostics = useAppStore((s) => s.view === 'diagnostics');
  const show = useAppStore((s) => s.show);
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <p className="notice__title">{title}</p>}
      <p>{text(error.code)}</p>
      {children}
      {module && (
        <p className="notice__code">
          {t('error.module')}: <code>{module}</code>
        </p>
      )}
      <p className="notice__code">
        {t('error.code')}: <code>{error.code}</code>
        {!onDiagnostics && (
          <>
            {' · '}
            <button type="button" className="link-button" onClick={() => show('diagnostics')}>
              {t('error.diagnosticsLink')}
            </button>
          </>
        )}
      </p>
    </div>
  );
}
