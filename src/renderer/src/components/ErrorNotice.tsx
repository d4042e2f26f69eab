import type { ReactNode } from 'react';
import type { SerializedError } from '../../../shared/errors';
import { useErrorText, useT } from '../i18n';

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
      </p>
    </div>
  );
}
