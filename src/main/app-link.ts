// zorgid:// links, parsed strictly. No electron here, so it is unit-tested.
export const APP_SCHEME = 'zorgid';

/** Strictly parsed zorgid:// URL, or null. Nothing from the link is trusted beyond its shape. */
export function parseAppLink(raw: string): URL | null {
  if (typeof raw !== 'string' || raw.length > 4096) return null;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` ? url : null;
  } catch {
    return null;
  }
}

/** A link the app was started with (Windows/Linux put it in argv). */
export function linkFromArgv(argv: readonly string[]): URL | null {
  for (const arg of argv) {
    const link = parseAppLink(arg);
    if (link) return link;
  }
  return null;
}
