// Pages of the operator and of "Ik wil een organisatie valideren" (manual §6), in Dutch. Field errors
// stand beside their field and are tied to it with aria-describedby.
import type { UziHolder } from '@zorgid/uzi';
import type { ErrorCode } from '../errors';
import type { RegistrationRecord } from '../store/store';
import { html, page, raw, type Html } from './layout';
import { errorBlock } from './pages';

export type FieldErrors = Record<string, string>;

/**
 * Where to get the ZORG-ID Mobile App (manual §6, figure 17). Store searches, not product pages: the
 * reference portal does not know the published app ids; a deployment puts its own links here.
 */
export const APP_STORE_LINKS = {
  android: 'https://play.google.com/store/search?q=ZORG-ID%20Mobile&c=apps',
  ios: 'https://apps.apple.com/nl/search?term=ZORG-ID%20Mobile',
};

export function field(input: { name: string; label: string; value?: string; errors: FieldErrors; type?: string; autocomplete?: string; hint?: string }): Html {
  const error = input.errors[input.name];
  const describedBy = [input.hint ? `${input.name}-hint` : '', error ? `${input.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' invalid' : ''}">
  <label for="${input.name}">${input.label}</label>
  ${input.hint ? html`<p class="hint" id="${input.name}-hint">${input.hint}</p>` : raw('')}
  <input id="${input.name}" name="${input.name}" type="${input.type ?? 'text'}" value="${input.value ?? ''}"${raw(input.autocomplete ? ` autocomplete="${input.autocomplete}"` : '')}${raw(describedBy ? ` aria-describedby="${describedBy}"` : '')}${raw(error ? ' aria-invalid="true"' : '')}>
  ${error ? html`<p class="field-error" id="${input.name}-error" data-error-for="${input.name}">${error}</p>` : raw('')}
</div>`;
}

function registrationList(list: RegistrationRecord[]): Html {
  return html`<table class="list" id="registrations">
<thead><tr><th>URA</th><th>Naam</th><th>Adres</th><th>Status</th></tr></thead>
<tbody>${list.map(
    (r) => html`<tr data-ura="${r.ura}"><td>${r.ura}</td><td>${r.name}</td><td>${r.street}, ${r.postcode} ${r.city}</td><td>${r.status === 'pending' ? 'Wacht op validatie' : 'Actief'}</td></tr>`,
  )}</tbody></table>`;
}

export function operatorPage(input: { values: Record<string, string>; errors: FieldErrors; created: RegistrationRecord | null; list: RegistrationRecord[] | null }): string {
  const v = input.values;
  const created = input.created
    ? html`<p class="notice" role="status" id="created">Organisatieregistratie aangemaakt voor ${input.created.name} (URA ${input.created.ura}). De organisatie kan nu worden gevalideerd.</p>`
    : raw('');
  return page(
    'Organisatieregistratie aanmaken',
    html`<h1>Organisatieregistratie aanmaken</h1>
<p>Voor beheerders van ZORG-ID (VZVZ). Een organisatie kan haar registratie daarna afronden met een UZI-pas.</p>
${created}
<form method="post" action="/operator" class="form" novalidate>
${field({ name: 'token', label: 'Operatortoken', type: 'password', autocomplete: 'off', errors: input.errors })}
${field({ name: 'ura', label: 'URA-nummer', value: v.ura, hint: '8 cijfers, zoals op de UZI-pas.', errors: input.errors })}
${field({ name: 'name', label: 'Naam van de organisatie', value: v.name, errors: input.errors })}
${field({ name: 'street', label: 'Straat en huisnummer', value: v.street, errors: input.errors })}
${field({ name: 'postcode', label: 'Postcode', value: v.postcode, errors: input.errors })}
${field({ name: 'city', label: 'Plaats', value: v.city, errors: input.errors })}
<button type="submit" class="primary" id="create-registration">Registratie aanmaken</button>
</form>
${input.list ? registrationList(input.list) : raw('')}`,
    { page: 'operator' },
  );
}

export function validateStartPage(input: { values: Record<string, string>; errors: FieldErrors; code?: ErrorCode }): string {
  const checkboxError = input.errors.gelezen;
  return page(
    'Organisatie valideren',
    html`<h1>Organisatieregistratie afronden</h1>
${input.code ? errorBlock(input.code) : raw('')}
<section class="card" aria-labelledby="voorbereiding">
  <h2 id="voorbereiding">Voorbereidingen</h2>
  <ol>
    <li>VZVZ heeft een organisatieregistratie voor uw organisatie aangemaakt; u heeft het URA-nummer bij de hand.</li>
    <li>ZORG-ID Desktop is geïnstalleerd en uw UZI-pas (zorgverlenerspas of medewerkerpas op naam) zit in de kaartlezer.</li>
    <li>U kent de pincode van uw UZI-pas.</li>
    <li>Heeft u nog geen ZORG-ID Mobiel ID, houd dan uw smartphone bij de hand om de ZORG-ID Mobile App te installeren.</li>
  </ol>
</section>
<form method="post" action="/organisatie/valideren" class="form" novalidate>
${field({ name: 'ura', label: 'URA-nummer van uw organisatie', value: input.values.ura, hint: '8 cijfers, zoals op uw UZI-pas en in de registratie van VZVZ.', errors: input.errors })}
<div class="field${checkboxError ? ' invalid' : ''}">
  <label><input type="checkbox" id="gelezen" name="gelezen" value="ja"${raw(input.values.gelezen === 'ja' ? ' checked' : '')}${raw(checkboxError ? ' aria-invalid="true" aria-describedby="gelezen-error"' : '')}> Ik heb bovenstaande voorbereidingen gelezen</label>
  ${checkboxError ? html`<p class="field-error" id="gelezen-error" data-error-for="gelezen">${checkboxError}</p>` : raw('')}
</div>
<button type="submit" class="primary" id="next">Volgende</button>
</form>`,
    { page: 'org-start' },
  );
}

function organisationData(r: RegistrationRecord): Html {
  return html`<dl class="holder" id="organisation">
  <dt>Naam</dt><dd data-field="name">${r.name}</dd>
  <dt>URA</dt><dd data-field="ura">${r.ura}</dd>
  <dt>Adres</dt><dd data-field="address">${r.street}, ${r.postcode} ${r.city}</dd>
</dl>`;
}

export function confirmOrganisationPage(input: { id: string; registration: RegistrationRecord }): string {
  return page(
    'Organisatiegegevens controleren',
    html`<h1>Controleer de organisatiegegevens</h1>
${organisationData(input.registration)}
<p class="hint">Kloppen deze gegevens niet? Neem dan contact op met VZVZ om ze te laten aanpassen.</p>
<form method="post" action="/organisatie/validatie/${input.id}/bevestigen"><button type="submit" class="primary" id="next">Volgende</button></form>`,
    { page: 'org-confirm' },
  );
}

export function birthDatePage(input: { id: string; holder: UziHolder; values: Record<string, string>; errors: FieldErrors }): string {
  const h = input.holder;
  const name = h.commonName ?? [h.givenName, h.surname].filter(Boolean).join(' ');
  return page(
    'UZI-pasgegevens en geboortedatum',
    html`<h1>Maak uw ZORG-ID Mobiel ID aan</h1>
<p>Er is nog geen ZORG-ID Mobiel ID gekoppeld aan uw UZI-pas. Controleer uw UZI-pasgegevens; kloppen ze niet, neem dan contact op met VZVZ.</p>
<dl class="holder" id="holder">
  <dt>Naam</dt><dd data-field="name">${name}</dd>
  <dt>UZI-nummer</dt><dd data-field="uziNumber">${h.uziNumber}</dd>
  <dt>Pastype</dt><dd data-field="cardType">${h.cardType}</dd>
  <dt>Rol</dt><dd data-field="role">${h.roleLabel} (${h.roleCode})</dd>
  <dt>URA</dt><dd data-field="ura">${h.ura}</dd>
</dl>
<form method="post" action="/organisatie/validatie/${input.id}/geboortedatum" class="form" novalidate>
${field({ name: 'geboortedatum', label: 'Geboortedatum', type: 'date', value: input.values.geboortedatum, hint: 'Zoals op uw identiteitsbewijs.', errors: input.errors })}
<button type="submit" class="primary" id="next">Volgende</button>
</form>`,
    { page: 'org-birth-date' },
  );
}

export function appLinksPage(input: { id: string }): string {
  return page(
    'ZORG-ID Mobile App installeren',
    html`<h1>Installeer de ZORG-ID Mobile App</h1>
<p>Installeer de ZORG-ID Mobile App op uw smartphone en klik daarna op Volgende.</p>
<ul class="stores">
  <li><a href="${APP_STORE_LINKS.android}" id="play-store" rel="noopener" target="_blank">ZORG-ID Mobile App in Google Play</a></li>
  <li><a href="${APP_STORE_LINKS.ios}" id="app-store" rel="noopener" target="_blank">ZORG-ID Mobile App in de App Store</a></li>
</ul>
<form method="post" action="/organisatie/validatie/${input.id}/code"><button type="submit" class="primary" id="next">Volgende</button></form>`,
    { page: 'org-app-links' },
  );
}

export function codeIssuedPage(input: { id: string; holderName: string; expiresAt: number; registration: RegistrationRecord }): string {
  const until = new Date(input.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  return page(
    'QR-code scannen',
    html`<h1>Scan de QR-code in ZORG-ID Desktop</h1>
<p>ZORG-ID Desktop toont nu een QR-code voor ${input.holderName}, geldig tot ${until} UTC (10 dagen).</p>
<ol>
  <li>Open de ZORG-ID Mobile App.</li>
  <li>Stel een pincode in als het de eerste keer is dat u de app gebruikt.</li>
  <li>Scan de QR-code die ZORG-ID Desktop toont.</li>
  <li>De app toont uw ID: bevestig de ID.</li>
</ol>
<p id="status" class="status" aria-live="polite">Wachten tot de ZORG-ID Mobile App de QR-code heeft gebruikt…</p>
<p class="hint">De QR-code wordt één keer getoond. Kwijt of verlopen? Maak een nieuwe; de vorige werkt dan niet meer.</p>
<form method="post" action="/organisatie/validatie/${input.id}/code"><button type="submit" id="reissue">Nieuwe QR-code maken</button></form>`,
    { page: 'org-code', data: { validation: input.id } },
  );
}

export function organisationActivePage(input: { registration: RegistrationRecord; branch: 'existing' | 'new' }): string {
  return page(
    'Organisatie gevalideerd',
    html`<h1>Organisatie gevalideerd</h1>
<p class="notice" role="status" id="activated">${input.registration.name} is aangemaakt en actief. U bent administrator van deze organisatie${
      input.branch === 'existing' ? ' met uw bestaande ZORG-ID Mobiel ID' : ' met uw nieuwe ZORG-ID Mobiel ID'
    }.</p>
${organisationData(input.registration)}
<p><a class="button primary" href="/" id="to-login">Inloggen met de ZORG-ID Mobile App</a></p>`,
    { page: 'org-active' },
  );
}
