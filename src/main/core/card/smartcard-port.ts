// The optional Smartcard extension of the card port (issue 8): the token operations that turn a blank
// ZORG-ID Smartcard into a working one, offered by card services that own a PKCS#11 module able to do
// them (the card backend, and so the supervised card host). Flows ask with isSmartcardService and
// refuse otherwise; the demo card and test fakes need not implement it.
import type { CardService } from './card-port';
import type { SmartcardTokenAccess } from './smartcard-token';

/** Every token operation the Smartcard flow may call, forwarded by name (close is the service's own). */
export type SmartcardOp = Exclude<keyof SmartcardTokenAccess, 'close'>;

export const SMARTCARD_OPS: readonly SmartcardOp[] = [
  'listTokens', 'readCertificates', 'sign',
  'inspectBlank', 'setUserPin', 'generateKeyPair', 'signWithKey', 'writeCertificate', 'readKeyAttributes', 'finalise', 'destroyObjects',
];

export interface SmartcardService extends CardService {
  /**
   * The token operations by slot, one at a time per reader together with read and sign. Its close()
   * does nothing: the middleware belongs to the card service. PIN Buffers are zeroed whatever the outcome.
   */
  smartcardTokens(): SmartcardTokenAccess;
}

export function isSmartcardService(service: CardService): service is SmartcardService {
  return typeof (service as Partial<SmartcardService>).smartcardTokens === 'function';
}

/** Request fields that hold a PIN (smartcard-token.ts): zeroed by whoever hands the request on. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['pin', 'newPin', 'soPin', 'transportPin']);

/** Zeroes every PIN Buffer in a request, however deep (the PIN authority is nested). */
export function zeroSecrets(value: unknown): void {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (Buffer.isBuffer(v)) {
      if (SECRET_FIELDS.has(k)) v.fill(0);
    } else zeroSecrets(v);
  }
}
