// The administrator's screens for relying parties (issue 18 item 3): the list with the registration
// form, and the one page that shows a new client secret (never again).
import type { ErrorCode } from '../errors';
import { ERROR_MESSAGES } from '../error-messages';
import { html, page, raw } from '../pages/layout';
import type { OidcClientRecord } from '../store/oidc-store';
import { OIDC_SCOPE_CLAIMS, OIDC_SCOPES } from './claims';

export const CLIENTS_PATH = '/beheer/toepassingen';

export function clientsPage(input: { clients: OidcClientRecord[]; issuer: string; code?: ErrorCode | null; values?: Record<string, string>; notice?: string | null }): string {
  const v = input.values ?? {};
  const error = input.code ? html`<p class="error" role="alert" id="client-error">${ERROR_MESSAGES[input.code].nl}</p>` : raw('');
  const rows = input.clients.map(
    (c) => html`<tr><td>${c.name}</td><td><code>${c.clientId}</code></td><td>${((c.metadata.redirect_uris as string[]) ?? []).join(' ')}</td><td>${String(c.metadata.scope ?? '')}</td><td>${String(c.metadata.token_endpoint_auth_method ?? '')}</td></tr>`,
  );
  const scopes = OIDC_SCOPES.filter((s) => s !== 'openid').map(
    (s) => html`<label><input type="checkbox" name="scopes" value="${s}" checked> ${s} <span class="hint">(${OIDC_SCOPE_CLAIMS[s].join(', ')})</span></label><br>`,
  );
  return page(
    'Toepassingen',
    html`<h1>Toepassingen die met ZORG-ID inloggen</h1>
<p>Issuer voor OpenID Connect: <code id="issuer">${input.issuer}</code> (discovery: <code>${input.issuer}/.well-known/openid-configuration</code>)</p>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : raw('')}
<table id="clients"><thead><tr><th>Naam</th><th>client_id</th><th>Redirect-URI's</th><th>Scopes</th><th>Authenticatie</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Toepassing registreren</h2>
${error}
<form method="post" action="${CLIENTS_PATH}" id="client-form">
  <p><label>Naam <input name="naam" required maxlength="100" value="${v.naam ?? ''}"></label></p>
  <p><label>Redirect-URI's (één per regel, exact) <textarea name="redirect_uris" required rows="3">${v.redirect_uris ?? ''}</textarea></label></p>
  <p><label>Post-logout redirect-URI's (één per regel) <textarea name="post_logout_redirect_uris" rows="2">${v.post_logout_redirect_uris ?? ''}</textarea></label></p>
  <p><label>Back-channel logout-URI <input name="backchannel_logout_uri" value="${v.backchannel_logout_uri ?? ''}"></label></p>
  <fieldset><legend>Toegestane scopes (openid altijd)</legend>${scopes}</fieldset>
  <p><label><input type="checkbox" name="userinfo_jwt" value="ja"> Userinfo als ondertekende JWT</label></p>
  <fieldset><legend>Authenticatie bij het token-endpoint</legend>
    <label><input type="radio" name="authenticatie" value="client_secret_basic" checked> Client secret (eenmalig getoond)</label><br>
    <label><input type="radio" name="authenticatie" value="private_key_jwt"> private_key_jwt met JWKS-URL:</label> <input name="jwks_uri" value="${v.jwks_uri ?? ''}">
  </fieldset>
  <p><button type="submit" class="primary" id="client-register">Registreren</button></p>
</form>
<h2>Ondertekeningssleutel</h2>
<p>Een nieuwe sleutel ondertekent voortaan; de oude blijft 24 uur in de JWKS, zodat eerder uitgegeven tokens geldig blijven.</p>
<form method="post" action="${CLIENTS_PATH}/sleutel"><button type="submit" id="rotate-key">Nieuwe sleutel</button></form>`,
  );
}

export function clientSecretPage(input: { client: OidcClientRecord; secret: string | null }): string {
  const secret = input.secret
    ? html`<p>Client secret: <code id="client-secret">${input.secret}</code></p>
<p class="notice" role="status">Dit secret wordt maar één keer getoond. Bewaar het nu in de configuratie van de toepassing.</p>`
    : html`<p>De toepassing authenticeert met private_key_jwt; ZORG-ID haalt haar sleutels op van <code>${String(input.client.metadata.jwks_uri)}</code>.</p>`;
  return page(
    'Toepassing geregistreerd',
    html`<h1>Toepassing geregistreerd</h1>
<p>${input.client.name}: client_id <code id="client-id">${input.client.clientId}</code></p>
${secret}
<p><a href="${CLIENTS_PATH}">Terug naar de toepassingen</a></p>`,
  );
}
