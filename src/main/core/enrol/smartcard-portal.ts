// The back-channel calls of ZORG-ID Smartcard creation: the app asks the portal for a
// `create-smartcard` request (challenge) and posts the CSR with the UZI-pas token. Same rules as the
// handoff client: allowlisted origin only, no redirects, bounded answers, zod on every answer.
import { z } from 'zod';
import { AppError, isErrorCode } from '../../../shared/errors';
import { handoffRequestSchema, type HandoffRequest, type HandoffToken } from '@zorgid/protocol';

export interface CertifyInput {
  requestId: string;
  csrDer: Buffer;
  token: HandoffToken;
}

export interface CertifyAnswer {
  certificateDer: Buffer;
  /** Issuing CA first. */
  chainDer: Buffer[];
  smartcardId: string;
  /** base64url; the new card signs it to activate the Smartcard at the portal. */
  activationChallenge: string;
}

export interface SmartcardPortal {
  origin: string;
  /** `POST {portal}/api/handoff` `{ purpose: "create-smartcard" }` */
  createRequest(): Promise<HandoffRequest>;
  /** `POST {portal}/api/smartcard/{id}/certify` `{ csr, token }` */
  certify(input: CertifyInput): Promise<CertifyAnswer>;
  /**
   * `POST {portal}/api/smartcard/{smartcardId}/activate` `{ signature }`: the test signature of the
   * written card over the activation challenge. Until then the Smartcard cannot log in, and an
   * abandoned creation (card pulled, write failed) does not count as "already has a Smartcard".
   */
  activate(smartcardId: string, signature: Buffer): Promise<void>;
}

const MAX_BYTES = 64 * 1024;
const certifySchema = z.object({
  outcome: z.literal('issued'),
  certificate: z.string().min(100).max(20_000),
  chain: z.array(z.string().max(20_000)).max(5),
  smartcardId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  activationChallenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
const activatedSchema = z.object({ outcome: z.literal('active') });
const refusalSchema = z.object({ code: z.string() });

export function httpSmartcardPortal(options: { origin: string; allowlist: readonly string[]; timeoutMs?: number; fetch?: typeof fetch }): SmartcardPortal {
  const origin = options.origin.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  async function call<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    if (!options.allowlist.includes(origin)) throw new AppError('ERR_HANDOFF_PORTAL_NOT_ALLOWED', { portal: origin.slice(0, 255) });
    const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${origin}${path}`, {
        method: 'POST',
        redirect: 'manual',
        signal,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (signal.aborted) throw new AppError('ERR_PORTAL_TIMEOUT', { portal: origin }, { cause: err });
      throw new AppError('ERR_PORTAL_UNREACHABLE', { portal: origin }, { cause: err });
    }
    if (text.length > MAX_BYTES) throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal: origin, reason: 'too large' });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal: origin, status, reason: 'not JSON' });
    }
    if (status < 200 || status > 299) {
      const refusal = refusalSchema.safeParse(json);
      if (refusal.success && isErrorCode(refusal.data.code)) throw new AppError(refusal.data.code, { portal: origin, status });
      throw new AppError('ERR_SMARTCARD_PORTAL_REFUSED', { portal: origin, status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal: origin, status });
    return parsed.data;
  }
  return {
    origin,
    async createRequest() {
      // z.object over the strict shape drops the browser links the portal adds for its own pages.
      return call('/api/handoff', { purpose: 'create-smartcard' }, z.object(handoffRequestSchema.shape));
    },
    async certify({ requestId, csrDer, token }) {
      if (!/^[A-Za-z0-9_-]{22}$/.test(requestId)) throw new AppError('ERR_HANDOFF_BAD_QUERY', { reason: 'id format' });
      const res = await call(`/api/smartcard/${requestId}/certify`, { csr: csrDer.toString('base64'), token }, certifySchema);
      return {
        certificateDer: Buffer.from(res.certificate, 'base64'),
        chainDer: res.chain.map((c) => Buffer.from(c, 'base64')),
        smartcardId: res.smartcardId,
        activationChallenge: res.activationChallenge,
      };
    },
    async activate(smartcardId, signature) {
      if (!/^[A-Za-z0-9_-]{22}$/.test(smartcardId)) throw new AppError('ERR_HANDOFF_BAD_QUERY', { reason: 'id format' });
      await call(`/api/smartcard/${smartcardId}/activate`, { signature: signature.toString('base64') }, activatedSchema);
    },
  };
}
