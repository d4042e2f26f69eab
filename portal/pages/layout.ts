// Server-rendered HTML: one layout, text escaped at the one place values enter markup. No inline
// scripts or styles, so the CSP can forbid both.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Marks already-escaped markup. */
export interface Html {
  readonly html: string;
}

export const raw = (html: string): Html => ({ html });

/** Tagged template: interpolations are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part = (x: unknown): string => (x && typeof x === 'object' && 'html' in x ? (x as Html).html : esc(x));
    out += (Array.isArray(v) ? v.map(part).join('') : part(v)) + strings[i + 1]!;
  });
  return { html: out };
}

export function page(title: string, body: Html, options: { page: string; data?: Record<string, string> } = { page: 'plain' }): string {
  const data = Object.entries(options.data ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ZORG-ID Portaal</title>
<link rel="stylesheet" href="/static/portal.css">
<script src="/static/portal.js" defer></script>
</head>
<body data-page="${esc(options.page)}"${data}>
<header class="top"><a href="/" class="brand">ZORG-ID Portaal</a><span class="tag">referentieportaal</span></header>
<main>
${body.html}
</main>
<footer>ZORG-ID Portaal · referentie-implementatie voor ZORG-ID Desktop</footer>
</body>
</html>`;
}

export function contentSecurityPolicy(appOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    // Chrome applies form-action to the redirect after a form post: the app's loopback is a target.
    `form-action 'self' ${appOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
