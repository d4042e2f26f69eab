// Who may call the preview host's API. The host listens on loopback, but every page in every browser
// on this machine can reach loopback, so reachability proves nothing: a call must come from the page
// we served (it alone knows the per-start secret), addressed to our exact origin (defeats DNS
// rebinding), and — where the browser says so — from the same origin.
import { timingSafeEqual } from 'node:crypto';
import { APP_CSP } from '../csp';
import type { IncomingHttpHeaders } from 'node:http';

export const SECRET_HEADER = 'x-zorgid-secret';
export const SECRET_META = 'zorgid-preview-secret';

export type Refusal = 'host' | 'origin' | 'fetch-site' | 'secret' | 'content-type';

export function expectedHost(port: number): string {
  return `127.0.0.1:${port}`;
}

/** Checks that apply to every request, pages included. */
export function checkHost(headers: IncomingHttpHeaders, port: number): Refusal | null {
  return headers.host === expectedHost(port) ? null : 'host';
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks for /api/*: origin, fetch metadata, secret. */
export function checkApiCall(headers: IncomingHttpHeaders, port: number, secret: string): Refusal | null {
  const host = checkHost(headers, port);
  if (host) return host;
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${expectedHost(port)}`) return 'origin';
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return 'fetch-site';
  const given = headers[SECRET_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, secret)) return 'secret';
  return null;
}

/** The CSP of every served page: the app's own (src/main/csp.ts). */
export const PREVIEW_CSP = APP_CSP;

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': PREVIEW_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), hid=(), serial=()',
};
