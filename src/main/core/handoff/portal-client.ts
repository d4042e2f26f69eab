// The back-channel from the app to a portal (handoff-protocol.md §2–§6). Everything the portal says
// is parsed with zod; the app never follows a redirect (a redirect to another origin would carry the
// request id or the token elsewhere) and never talks to an origin that is not on the allowlist.
import { z } from 'zod';
import { AppError, isErrorCode, type ErrorCode } from '../../../shared/errors';
import { handoffRequestSchema, type HandoffRequest, type HandoffToken } from '@zorgid/protocol';
import { readCapped } from '@zorgid/protocol';

export const PORTAL_TIMEOUT_MS = 5_000;
/** A handoff request is < 1 KiB; nothing the portal legitimately answers comes near this. */
export const PORTAL_MAX_RESPONSE_BYTES = 64 * 1024;

/** 128-bit random, base64url without padding (portal/server.ts `b64url(rng(16))`). */
export const HandoffIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, '128-bit base64url id');

export interface PortalClientOptions {
  /** The current allowlist (the setting), read on every call so a change applies at once. */
  allowlist: () => readonly string[];
  timeoutMs?: number;
  /** Injected for tests that need a fetch that never answers; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface PortalClient {
  /** `GET {portal}/api/handoff/{id}` */
  getRequest(portal: string, id: string): Promise<HandoffRequest>;
  /**
   * `POST {portal}/api/handoff/{id}/progress` `{ state: "card-read" }`: lets the wait page show that the
   * card was read (the reference portal's addition to the protocol; see its docs/handoff-protocol.md).
   */
  reportCardRead(portal: string, id: string): Promise<void>;
  /** `POST {portal}/api/handoff/{id}/token`; resolves with the card session the portal opened. */
  postToken(portal: string, id: string, token: HandoffToken): Promise<{ sessionId: string }>;
  /** `POST {portal}/api/handoff/{id}/cancel` */
  cancel(portal: string, id: string): Promise<void>;
  /** `POST {portal}/api/handoff/session/{sessionId}/card-removed`; resolves with the number of sessions ended. */
  cardRemoved(portal: string, sessionId: string): Promise<{ ended: number }>;
  /**
   * `GET {portal}/api/handoff/{id}/organisation` (§7.3): without `sessionId` before the token (the
   * organisation to show before the PIN), with it (Bearer) after the token, polled for the enrolment QR.
   */
  getOrganisation(portal: string, id: string, sessionId?: string): Promise<OrganisationAnswer>;
  /** `GET {portal}/api/handoff/{id}/enrolment` (§8.3): the on-site QR, answered exactly once. */
  getEnrolment(portal: string, id: string): Promise<EnrolmentAnswer>;
}

// The portal's answers for §7.3 and §8.3, parsed loosely enough to survive added fields but strictly
// where the app acts on them. Bounded strings: a portal cannot make the window draw a novel.
const shortText = z.string().min(1).max(200);
const uraText = z.string().regex(/^\d{8}$/);
const enrolmentPayload = z.string().min(1).max(512);
export const organisationAnswerSchema = z.object({
  purpose: z.literal('validate-organisation'),
  state: z.enum(['handoff', 'card-verified', 'birth-date', 'app-links', 'code-issued', 'active']),
  organisation: z.object({ ura: uraText, name: shortText, status: z.enum(['pending', 'active']) }),
  holder: z.object({ name: shortText, uziNumber: z.string().max(12) }).nullable(),
  branch: z.enum(['existing', 'new']).nullable(),
  enrolment: z
    .object({ payload: enrolmentPayload.optional(), holderName: shortText, expiresAt: z.iso.datetime(), delivered: z.boolean() })
    .nullable(),
});
export type OrganisationAnswer = z.infer<typeof organisationAnswerSchema>;

export const enrolmentAnswerSchema = z.object({
  purpose: z.literal('enrol-user'),
  organisation: z.object({ ura: uraText, name: shortText }),
  user: z.object({ name: shortText, zorgIdId: z.string().max(40) }),
  enrolment: z.object({ payload: enrolmentPayload, expiresAt: z.iso.datetime() }),
});
export type EnrolmentAnswer = z.infer<typeof enrolmentAnswerSchema>;

const refusalSchema = z.object({ outcome: z.literal('refused'), code: z.string().max(64) });
const tokenAcceptedSchema = z.object({ outcome: z.literal('accepted'), sessionId: HandoffIdSchema });
const progressSchema = z.object({ outcome: z.literal('ok') });
const cancelledSchema = z.object({ outcome: z.literal('cancelled') });
const cardRemovedSchema = z.object({ outcome: z.literal('ok'), ended: z.number().int().nonnegative() });

// A portal may only make the app show one of the portal's or the validator's own codes; anything
// else it names (a card or PIN code, say) would mislead the person about what went wrong.
function portalCode(value: string): ErrorCode | null {
  return isErrorCode(value) && ['ERR_PORTAL_', 'ERR_TOKEN_', 'ERR_ORG_', 'ERR_ENROL_'].some((p) => value.startsWith(p)) ? value : null;
}

async function readBody(res: Response): Promise<string> {
  const bytes = await readCapped(res.body, PORTAL_MAX_RESPONSE_BYTES);
  if (!bytes) throw new AppError('ERR_PORTAL_BAD_RESPONSE', { reason: 'too large' });
  return Buffer.from(bytes).toString('utf8');
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

export function createPortalClient(options: PortalClientOptions): PortalClient {
  const timeoutMs = options.timeoutMs ?? PORTAL_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  async function call<T>(portal: string, path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
    if (!options.allowlist().includes(portal)) throw new AppError('ERR_HANDOFF_PORTAL_NOT_ALLOWED', { portal: portal.slice(0, 255) });
    const url = `${portal}${path}`;
    // One deadline for connect, headers and body together: a portal that trickles its answer is as
    // stuck as one that never answers.
    const signal = AbortSignal.timeout(timeoutMs);
    let text: string;
    let status: number;
    try {
      const res = await doFetch(url, {
        ...init,
        redirect: 'manual',
        signal,
        headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) },
      });
      status = res.status;
      text = await readBody(res);
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (signal.aborted || isTimeout(err)) throw new AppError('ERR_PORTAL_TIMEOUT', { portal, timeoutMs }, { cause: err });
      throw new AppError('ERR_PORTAL_UNREACHABLE', { portal }, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal, status, reason: 'not JSON' });
    }
    if (status < 200 || status > 299) {
      const refusal = refusalSchema.safeParse(json);
      const code = refusal.success ? portalCode(refusal.data.code) : null;
      if (code) throw new AppError(code, { portal, status });
      throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal, status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('ERR_PORTAL_BAD_RESPONSE', { portal, status, fields: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5) });
    }
    return parsed.data;
  }

  function checkId(value: string): string {
    // Checked before it goes into a URL path: no "../", no "?" smuggled into the back-channel.
    if (!HandoffIdSchema.safeParse(value).success) throw new AppError('ERR_HANDOFF_BAD_QUERY', { reason: 'id format' });
    return value;
  }

  return {
    getRequest: async (portal, id) => call(portal, `/api/handoff/${checkId(id)}`, { method: 'GET' }, handoffRequestSchema),
    async reportCardRead(portal, id) {
      await call(portal, `/api/handoff/${checkId(id)}/progress`, { method: 'POST', body: JSON.stringify({ state: 'card-read' }) }, progressSchema);
    },
    async postToken(portal, id, token) {
      const res = await call(portal, `/api/handoff/${checkId(id)}/token`, { method: 'POST', body: JSON.stringify(token) }, tokenAcceptedSchema);
      return { sessionId: res.sessionId };
    },
    async cancel(portal, id) {
      await call(portal, `/api/handoff/${checkId(id)}/cancel`, { method: 'POST', body: '{}' }, cancelledSchema);
    },
    async cardRemoved(portal, sessionId) {
      const res = await call(portal, `/api/handoff/session/${checkId(sessionId)}/card-removed`, { method: 'POST', body: '{}' }, cardRemovedSchema);
      return { ended: res.ended };
    },
    async getOrganisation(portal, id, sessionId) {
      const headers = sessionId ? { Authorization: `Bearer ${checkId(sessionId)}` } : undefined;
      return call(portal, `/api/handoff/${checkId(id)}/organisation`, { method: 'GET', ...(headers ? { headers } : {}) }, organisationAnswerSchema);
    },
    async getEnrolment(portal, id) {
      return call(portal, `/api/handoff/${checkId(id)}/enrolment`, { method: 'GET' }, enrolmentAnswerSchema);
    },
  };
}
