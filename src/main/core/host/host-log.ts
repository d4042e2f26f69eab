// What the card host tells main's log about a failed call: the code, the method and the CKR name —
// never the error's free-text detail (a middleware message may quote a label or a path).
import type { SerializedError } from '../../../shared/errors';
import type { LogEvent } from '../diagnostics/log-event';
import type { CallMethod } from './host-protocol';

export function hostLogEvent(method: CallMethod, error: SerializedError): LogEvent {
  const ckr = typeof error.detail?.['ckr'] === 'string' ? error.detail['ckr'] : undefined;
  const pkcs11Method = typeof error.detail?.['method'] === 'string' && /^C_/.test(error.detail['method']) ? error.detail['method'] : undefined;
  return {
    level: error.kind === 'fatal' ? 'error' : 'warn',
    area: 'host',
    code: error.code,
    fields: { method: pkcs11Method ?? method, ...(ckr ? { ckr } : {}) },
  };
}
