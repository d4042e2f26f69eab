// The portal's pages, in Dutch. Each function returns a full HTML document.
import type { UziHolder } from '@zorgid/uzi';
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import type { HandoffPurpose } from '@zorgid/protocol';
import { html, page, raw, type Html } from './layout';

export const PURPOSE_TEXT: Record<HandoffPurpose, string> = {
  login: 'inloggen',
  'validate-organisation': 'uw organisatie valideren',
  'create-smartcard': 'een ZORG-ID Smartcard aanmaken',
  'enrol-user': 'een gebruiker registreren',
};

export function errorBlock(code: ErrorCode): Html {
  return html`<div class="error" role="alert"><p>${ERROR_MESSAGES[code].nl}</p><p class="code">Foutcode: <code>${code}</code></p></div>`;
}

export function landingPage(input: { qrDataUrl: string; confirmCode: string; qrExpiresAt: number; now: number; notice: string | null; loggedIn: boolean }): string {
  const notice = input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : raw('');
  const loggedIn = input.loggedIn ? html`<p class="notice">U bent ingelogd. <a href="/ingelogd">Ga naar uw overzicht</a>.</p>` : raw('');
  return page(
    'Inloggen',
    html`<h1>Inloggen bij ZORG-ID</h1>
${notice}${loggedIn}
<div class="columns">
  <section class="card" aria-labelledby="mobiel">
    <h2 id="mobiel">Met de ZORG-ID Mobiel App</h2>
    <p>Scan deze QR-code met de ZORG-ID Mobiel App en bevestig in de app.</p>
    <button type="button" class="qr" id="login-qr" aria-describedby="qr-status" title="Klik voor een nieuwe QR-code">
      <img src="${input.qrDataUrl}" alt="QR-code om in te loggen met de ZORG-ID Mobiel App" width="240" height="240">
      <span class="qr-expired" hidden>Verlopen — klik voor een nieuwe code</span>
    </button>
    <p id="qr-status" class="countdown" aria-live="polite">Geldig tot ${new Date(input.qrExpiresAt).toISOString().slice(11, 16)} UTC</p>
    <p class="confirm-code">Controlecode <span lang="en">/ Confirmation code</span>: <strong id="login-qr-code" aria-live="polite">${input.confirmCode}</strong></p>
    <p class="hint" id="login-qr-code-hint">Controleer dat uw telefoon dezelfde code toont. Toont de app een andere code of een ander portaal, bevestig dan niet.<br>
    <span lang="en">Check that your phone shows the same code. If the app shows another code or another portal, do not confirm.</span></p>
  </section>
  <section class="card" aria-labelledby="pas">
    <h2 id="pas">Met uw pas</h2>
    <p>Plaats uw UZI-pas of ZORG-ID Smartcard in de kaartlezer. ZORG-ID Desktop opent en vraagt uw pincode.</p>
    <form method="post" action="/api/handoff">
      <input type="hidden" name="purpose" value="login">
      <button type="submit" class="primary" id="login-card">Inloggen met UZI-pas of ZORG-ID Smartcard</button>
    </form>
  </section>
</div>
<p class="more"><a href="/organisatie/valideren" id="validate-organisation">Ik wil een organisatie valideren</a></p>`,
    { page: 'landing', data: { 'qr-expires-at': String(input.qrExpiresAt), now: String(input.now) } },
  );
}

export function startPage(input: { appUrl: string; deepLink: string; purpose: HandoffPurpose }): string {
  return page(
    'ZORG-ID Desktop openen',
    html`<h1>ZORG-ID Desktop wordt geopend</h1>
<p>Het portaal vraagt ZORG-ID Desktop om ${PURPOSE_TEXT[input.purpose]}. Volg de stappen in de app.</p>
<p><a class="button primary" id="open-app" href="${input.appUrl}">Open ZORG-ID Desktop</a></p>
<p class="hint">Gebeurt er niets, of ziet u een foutmelding van de browser? Start de app met
<a id="deep-link" href="${input.deepLink}">deze link</a> en klik daarna opnieuw op “Open ZORG-ID Desktop”.</p>`,
    { page: 'start', data: { 'app-url': input.appUrl } },
  );
}

export function waitPage(input: { requestId: string; purpose: HandoffPurpose }): string {
  return page(
    'Wachten op ZORG-ID Desktop',
    html`<h1>Volg de stappen in ZORG-ID Desktop</h1>
<p>U bent bezig met ${PURPOSE_TEXT[input.purpose]}. ${
      input.purpose === 'enrol-user'
        ? 'ZORG-ID Desktop haalt de QR-code op en toont die op dit werkstation; een pas of pincode is niet nodig.'
        : 'Houd uw pas in de lezer en voer uw pincode in de app in (nooit in de browser).'
    }</p>
<ol class="steps" id="steps">
  <li data-state="pending">Aanvraag klaargezet</li>
  <li data-state="card-read">Pas gelezen</li>
  <li data-state="signed">Ondertekend</li>
  <li data-state="done">Afgerond</li>
</ol>
<p id="status" class="status" aria-live="polite">Wachten op ZORG-ID Desktop…</p>
<div id="problem" hidden></div>
<p><a href="/" id="again" hidden>Opnieuw beginnen</a></p>`,
    { page: 'wait', data: { request: input.requestId, purpose: input.purpose } },
  );
}

export function loggedInPage(holder: UziHolder): string {
  const name = holder.commonName ?? [holder.givenName, holder.surname].filter(Boolean).join(' ');
  return page(
    'Ingelogd',
    html`<h1>Welkom, ${name}</h1>
<dl class="holder" id="holder">
  <dt>Naam</dt><dd data-field="name">${name}</dd>
  <dt>UZI-nummer</dt><dd data-field="uziNumber">${holder.uziNumber}</dd>
  <dt>URA</dt><dd data-field="ura">${holder.ura}</dd>
  <dt>Rol</dt><dd data-field="role">${holder.roleLabel} (${holder.roleCode})</dd>
  <dt>Organisatie</dt><dd data-field="organisation">${holder.organisation ?? '—'}</dd>
</dl>
<p class="hint">Haalt u uw pas uit de lezer, dan wordt u automatisch uitgelogd.</p>
<form method="post" action="/uitloggen"><button type="submit">Uitloggen</button></form>`,
    { page: 'logged-in' },
  );
}

/** The logged-in page of a Mobile App login: the person, and each organisation with its role. */
export function mobileLoggedInPage(input: { name: string; organisations: Array<{ ura: string; name: string; role: string }> }): string {
  return page(
    'Ingelogd',
    html`<h1>Welkom, ${input.name}</h1>
<p>U bent ingelogd met de ZORG-ID Mobile App.</p>
<table class="list" id="memberships">
<thead><tr><th>Organisatie</th><th>URA</th><th>Rol</th></tr></thead>
<tbody>${
      input.organisations.length
        ? input.organisations.map((o) => html`<tr data-ura="${o.ura}"><td data-field="organisation">${o.name}</td><td>${o.ura}</td><td data-field="role">${o.role}</td></tr>`)
        : html`<tr><td colspan="3">U bent (nog) geen lid van een organisatie.</td></tr>`
    }</tbody></table>
${input.organisations.some((o) => o.role !== 'Gebruiker') ? html`<p><a class="button primary" href="/beheer" id="admin">Beheer</a></p>` : raw('')}
<form method="post" action="/uitloggen"><button type="submit">Uitloggen</button></form>`,
    { page: 'logged-in' },
  );
}

export function errorPage(code: ErrorCode): string {
  return page('Fout', html`<h1>Dat lukte niet</h1>${errorBlock(code)}<p><a href="/">Terug naar de startpagina</a></p>`);
}
