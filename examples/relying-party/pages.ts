// The example relying party's three pages: Dutch first, no scripts, every value escaped.
import type { RpSession } from './relying-party';

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title: string, body: string) => `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>${esc(title)} · Voorbeeld-EPD</title></head>
<body><header><strong>Voorbeeld-EPD</strong> (relying party van ZORG-ID)</header><main>${body}</main></body></html>`;

export function homePage(issuer: string): string {
  return layout(
    'Inloggen',
    `<h1>Voorbeeld-EPD</h1><p>Deze toepassing vertrouwt op ZORG-ID (<code>${esc(issuer)}</code>) voor het inloggen.</p>
<p><a href="/login" id="login">Inloggen met ZORG-ID</a></p>`,
  );
}

export function claimsPage(session: RpSession): string {
  const rows = (o: Record<string, unknown>) =>
    Object.entries(o)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</code></td></tr>`)
      .join('');
  return layout(
    'Ingelogd',
    `<h1>U bent ingelogd met ZORG-ID</h1>
<p>De claims hieronder zijn geverifieerd (handtekening via de JWKS, iss, aud, nonce, PKCE).</p>
<h2>ID token</h2><table id="claims">${rows(session.claims)}</table>
<h2>Userinfo</h2><table id="userinfo">${rows(session.userinfo ?? {})}</table>
<form method="post" action="/logout"><button type="submit" id="logout">Uitloggen</button></form>
<p>Haalt u uw pas uit de lezer, dan meldt ZORG-ID dat hier (back-channel logout) en is deze sessie weg.</p>`,
  );
}

export function loggedOutPage(message: string): string {
  return layout('Voorbeeld-EPD', `<h1>Voorbeeld-EPD</h1><p id="message">${esc(message)}</p><p><a href="/">Terug</a></p>`);
}
