// How the portal's route modules read their input: form fields as strings, the bearer token.
import type { PortalContext } from '../route-context';

/** The string fields of a parsed form body (files and repeated fields dropped). */
export function formBody(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export const bearer = (c: PortalContext): string | undefined => /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
