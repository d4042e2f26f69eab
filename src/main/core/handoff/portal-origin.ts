// What counts as a portal origin: exactly what `new URL(x).origin` gives for it (no path, no trailing
// slash, lower-case host, no default port), https — or http on the IPv4 loopback, which only the
// reference portal uses on a development machine and in the E2E tests.
import { z } from 'zod';

export function isPortalOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.origin !== value) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

export const PortalOriginSchema = z.string().min(1).max(255).refine(isPortalOrigin, 'portal origin (https, or http://127.0.0.1)');
