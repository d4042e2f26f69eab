// Administration pages (manual §4–§9), in Dutch: the users of an organisation, one user's page with
// status, certificates, roles, attributes and membership, the forms, the QR pop-up shown once, and
// the guided lost-PIN flow. Errors stand beside their field (aria-describedby), as on the other pages.
import type { ErrorCode } from '../errors';
import type { LostPinStep, UserPage, UserStatus, UserView } from '../admin';
import { ATTRIBUTE_TYPES, BLOCK_REASONS, type PortalRole, type SmartcardRecord } from '../store/store';
import { html, page, raw, type Html } from './layout';
import { field, type FieldErrors } from './organisation-pages';
import { errorBlock } from './pages';
import { smartcardSection } from './smartcard-pages';

export interface OrgRef {
  ura: string;
  name: string;
}

const STATUS_TEXT: Record<UserStatus, string> = {
  actief: 'Actief',
  geblokkeerd: 'Geblokkeerd',
  ingetrokken: 'Certificaat ingetrokken',
  'wacht-op-activatie': 'Wacht op activatie (QR-code nog niet gescand)',
};

const ATTRIBUTE_TEXT: Record<(typeof ATTRIBUTE_TYPES)[number], string> = { taakcode: 'Taakcode', functie: 'Functie', afdeling: 'Afdeling' };

const when = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

function selectField(input: { name: string; label: string; options: Array<{ value: string; label: string }>; value?: string; errors: FieldErrors; placeholder?: string }): Html {
  const error = input.errors[input.name];
  return html`<div class="field${error ? ' invalid' : ''}">
  <label for="${input.name}">${input.label}</label>
  <select id="${input.name}" name="${input.name}"${raw(error ? ` aria-invalid="true" aria-describedby="${input.name}-error"` : '')}>
    ${input.placeholder !== undefined ? html`<option value="">${input.placeholder}</option>` : raw('')}
    ${input.options.map((o) => html`<option value="${o.value}"${raw(o.value === input.value ? ' selected' : '')}>${o.label}</option>`)}
  </select>
  ${error ? html`<p class="field-error" id="${input.name}-error" data-error-for="${input.name}">${error}</p>` : raw('')}
</div>`;
}

function formError(errors: FieldErrors, code?: ErrorCode | null): Html {
  if (code) return errorBlock(code);
  return Object.keys(errors).length ? html`<div class="error" role="alert"><p>Controleer de gemarkeerde velden.</p></div>` : raw('');
}

const notice = (text: string | null): Html => (text ? html`<p class="notice" role="status" id="notice">${text}</p>` : raw(''));

const usersUrl = (ura: string) => `/beheer/organisaties/${ura}/gebruikers`;
export const userUrl = (ura: string, personId: string) => `${usersUrl(ura)}/${personId}`;

export function adminHomePage(input: { name: string; organisations: Array<OrgRef & { role: PortalRole }> }): string {
  return page(
    'Beheer',
    html`<h1>Beheer</h1>
<p>Ingelogd als ${input.name}.</p>
<table class="list" id="organisations">
<thead><tr><th>Organisatie</th><th>URA</th><th>Uw rol</th><th></th></tr></thead>
<tbody>${input.organisations.map(
      (o) => html`<tr data-ura="${o.ura}"><td>${o.name}</td><td>${o.ura}</td><td>${o.role}</td><td>${
        o.role === 'Gebruiker'
          ? '—'
          : html`<a href="${usersUrl(o.ura)}">Alle gebruikers</a>${o.role === 'Administrator' ? html` · <a href="${usersUrl(o.ura)}?inactief=ja">Inactieve gebruikers</a>` : raw('')}`
      }</td></tr>`,
    )}</tbody></table>
<p><a class="button primary" href="/beheer/gebruikers/nieuw" id="new-user">+ Nieuwe gebruiker</a> <a class="button" href="/beheer/gebruikers/bestaand" id="existing-user">+ Bestaande gebruiker</a></p>
${input.organisations.some((o) => o.role === 'Administrator') ? html`<p><a href="/beheer/toepassingen" id="relying-parties">Toepassingen die met ZORG-ID inloggen (OpenID Connect)</a></p>` : raw('')}
<form method="post" action="/uitloggen"><button type="submit">Uitloggen</button></form>`,
    { page: 'admin' },
  );
}

/** The search form and "Pagina x van y" with links that keep the search and the inactive filter. */
function userListNavigation(input: { org: OrgRef; list: UserPage; search: string; inactiveOnly: boolean }) {
  const { list } = input;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const link = (n: number) => {
    const q = new URLSearchParams({ ...(input.inactiveOnly ? { inactief: 'ja' } : {}), ...(input.search ? { zoek: input.search } : {}), pagina: String(n) });
    return `/beheer/organisaties/${input.org.ura}/gebruikers?${q.toString()}`;
  };
  return html`<form method="get" class="search" role="search">
${input.inactiveOnly ? html`<input type="hidden" name="inactief" value="ja">` : raw('')}<label for="zoek">Zoek op naam, ZORG-ID ID of UZI-nummer</label>
<input id="zoek" name="zoek" type="search" maxlength="100" value="${input.search}"> <button type="submit">Zoeken</button>
</form>
<p class="hint" id="users-count">${String(list.total)} gebruiker${list.total === 1 ? '' : 's'}${input.search ? html` voor “${input.search}”` : raw('')} · pagina ${String(list.page)} van ${String(pages)}</p>
<nav class="pager" aria-label="Pagina's">${list.page > 1 ? html`<a rel="prev" href="${link(list.page - 1)}">← Vorige</a>` : raw('')} ${list.page < pages ? html`<a rel="next" href="${link(list.page + 1)}">Volgende →</a>` : raw('')}</nav>`;
}

export function usersPage(input: { org: OrgRef; role: PortalRole; list: UserPage; search: string; inactiveOnly: boolean; smartcards?: readonly SmartcardRecord[]; notice?: string | null }): string {
  const title = input.inactiveOnly ? 'Inactieve gebruikers' : 'Alle gebruikers';
  const users = input.list.users;
  return page(
    `${title} · ${input.org.name}`,
    html`<p><a href="/beheer">← Beheer</a></p>
<h1>${title} van ${input.org.name}</h1>
${notice(input.notice ?? null)}
${input.inactiveOnly ? html`<p class="hint">Gebruikers die meer dan vier weken geen gebruik hebben gemaakt van ZORG-ID.</p>` : raw('')}
${userListNavigation(input)}
<table class="list" id="users">
<thead><tr><th>Naam</th><th>ZORG-ID ID</th><th>Rol</th><th>Status</th><th>Laatst gebruikt</th><th></th></tr></thead>
<tbody>${
      users.length
        ? users.map(
            (u) =>
              html`<tr data-person="${u.person.id}"><td data-field="name">${u.person.name}</td><td>${u.person.id}</td><td data-field="role">${u.membership.role}</td><td data-field="status">${STATUS_TEXT[u.status]}${u.inactive ? ' · inactief' : ''}</td><td>${when(u.person.lastUsedAt)}</td><td><a href="${userUrl(input.org.ura, u.person.id)}">Beheer</a></td></tr>`,
          )
        : html`<tr><td colspan="6">${input.search ? 'Geen gebruikers gevonden.' : 'Geen gebruikers.'}</td></tr>`
    }</tbody></table>
<p><a class="button primary" href="/beheer/gebruikers/nieuw?organisatie=${input.org.ura}">+ Nieuwe gebruiker</a> <a class="button" href="/beheer/gebruikers/bestaand?organisatie=${input.org.ura}">+ Bestaande gebruiker</a></p>
${input.inactiveOnly ? raw('') : smartcardSection({ cards: input.smartcards ?? [], boxed: false, empty: 'Geen ZORG-ID Smartcards bij deze organisatie.' })}`,
    { page: 'admin-users' },
  );
}

const orgOptions = (orgs: OrgRef[]) => orgs.map((o) => ({ value: o.ura, label: `${o.name} (${o.ura})` }));

export function registerUserPage(input: { organisations: OrgRef[]; values: Record<string, string>; errors: FieldErrors; code?: ErrorCode | null }): string {
  const v = input.values;
  return page(
    'Nieuwe gebruiker',
    html`<p><a href="/beheer">← Beheer</a></p>
<h1>Gebruiker registreren</h1>
<p>Controleer face-to-face het identiteitsbewijs (WID) van de gebruiker en neem de gegevens daaruit over.</p>
${formError(input.errors, input.code)}
<form method="post" action="/beheer/gebruikers" class="form" novalidate>
${selectField({ name: 'organisatie', label: 'Organisatie', options: orgOptions(input.organisations), value: v.organisatie, errors: input.errors, placeholder: 'Kies een organisatie' })}
${field({ name: 'voornaam', label: 'Voornaam', value: v.voornaam, hint: 'Zoals in het identiteitsbewijs.', errors: input.errors, autocomplete: 'off' })}
${field({ name: 'achternaam', label: 'Achternaam', value: v.achternaam, hint: 'Zoals in het identiteitsbewijs.', errors: input.errors, autocomplete: 'off' })}
${field({ name: 'geboortedatum', label: 'Geboortedatum', type: 'date', value: v.geboortedatum, hint: 'Zoals in het identiteitsbewijs.', errors: input.errors })}
<div class="actions">
  <button type="submit" class="primary" name="bezorging" value="browser" id="save">Opslaan</button>
  <button type="submit" name="bezorging" value="desktop" id="save-desktop">Opslaan en QR-code tonen in ZORG-ID Desktop</button>
  <a href="/beheer" class="button">Annuleren</a>
</div>
</form>`,
    { page: 'admin-register' },
  );
}

export function addExistingPage(input: { organisations: OrgRef[]; values: Record<string, string>; errors: FieldErrors; code?: ErrorCode | null }): string {
  const v = input.values;
  return page(
    'Bestaande gebruiker',
    html`<p><a href="/beheer">← Beheer</a></p>
<h1>Bestaande gebruiker toevoegen</h1>
<p>De gebruiker vindt zijn ZORG-ID ID in de ZORG-ID Mobile App. De landelijke gegevens (zoals het UZI-nummer) blijven ongewijzigd.</p>
${formError(input.errors, input.code)}
<form method="post" action="/beheer/gebruikers/bestaand" class="form" novalidate>
${selectField({ name: 'organisatie', label: 'Organisatie', options: orgOptions(input.organisations), value: v.organisatie, errors: input.errors, placeholder: 'Kies een organisatie' })}
${field({ name: 'zorgIdId', label: 'ZORG-ID ID', value: v.zorgIdId, hint: 'Bijvoorbeeld ZID-4F2K-9QXM-7D3A.', errors: input.errors, autocomplete: 'off' })}
${field({ name: 'geboortedatum', label: 'Geboortedatum', type: 'date', value: v.geboortedatum, errors: input.errors })}
<div class="actions"><button type="submit" class="primary" id="save">Opslaan</button> <a href="/beheer" class="button">Annuleren</a></div>
</form>`,
    { page: 'admin-existing' },
  );
}

/** The pop-up of §4 / §7.6 / §5: the QR code, this once. */
export function qrOncePage(input: { heading: string; org: OrgRef; name: string; zorgIdId: string; qrDataUrl: string; expiresAt: number; back: string }): string {
  return page(
    'QR-code voor de gebruiker',
    html`<section class="card qr-once" role="dialog" aria-labelledby="qr-title" aria-describedby="qr-once-note">
<h1 id="qr-title">${input.heading}</h1>
<p>${input.name} · ZORG-ID ID <strong id="zorg-id-id">${input.zorgIdId}</strong> · ${input.org.name}</p>
<img id="enrolment-qr" src="${input.qrDataUrl}" alt="QR-code om te scannen met de ZORG-ID Mobile App" width="320" height="320">
<p id="qr-once-note"><strong>Let op: deze QR-code wordt maar één keer getoond.</strong> Geldig tot ${when(input.expiresAt)} (10 dagen).</p>
<ol>
  <li>De gebruiker opent de ZORG-ID Mobile App en voert de pincode in.</li>
  <li>Scan → Scan QR, en houd de camera voor de QR-code.</li>
  <li>Bij Sessie openen: Accepteren.</li>
</ol>
<p><a class="button primary" href="${input.back}" id="close">Sluiten</a></p>
</section>`,
    { page: 'admin-qr' },
  );
}

export function confirmPage(input: { title: string; text: string; action: string; button: string; cancel: string; hidden?: Record<string, string>; error?: string | null }): string {
  return page(
    input.title,
    html`<h1>${input.title}</h1>
<p>${input.text}</p>
${input.error ? html`<div class="error" role="alert"><p>${input.error}</p></div>` : raw('')}
<form method="post" action="${input.action}">
  <input type="hidden" name="bevestigd" value="ja">
  ${Object.entries(input.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <button type="submit" class="primary" id="confirm">${input.button}</button> <a class="button" href="${input.cancel}" id="cancel">Annuleren</a>
</form>`,
    { page: 'admin-confirm' },
  );
}

const reasonOptions = Object.entries(BLOCK_REASONS).map(([value, label]) => ({ value, label }));

export function userPage(input: {
  org: OrgRef;
  actorRole: PortalRole;
  view: UserView;
  smartcards?: readonly SmartcardRecord[];
  notice: string | null;
  errors: FieldErrors;
  values: Record<string, string>;
  code?: ErrorCode | null;
}): string {
  const { view, org } = input;
  const base = userUrl(org.ura, view.person.id);
  const admin = input.actorRole === 'Administrator';
  const blocked = view.status === 'geblokkeerd';
  const certificates = view.mobileIds.map(
    (m) => html`<tr data-mobile="${m.id.slice(0, 6)}"><td>${when(m.createdAt)}</td><td data-field="certificate-status">${
      m.status === 'active' ? 'Actief' : m.status === 'blocked' ? 'Geblokkeerd' : `Ingetrokken (${when(m.revokedAt ?? null)})`
    }</td></tr>`,
  );
  return page(
    `${view.person.name} · ${org.name}`,
    html`<p><a href="${usersUrl(org.ura)}">← Alle gebruikers van ${org.name}</a></p>
<h1>${view.person.name}</h1>
${notice(input.notice)}
${input.code ? errorBlock(input.code) : raw('')}
<dl class="holder" id="user">
  <dt>ZORG-ID ID</dt><dd data-field="zorgIdId">${view.person.id}</dd>
  <dt>Geboortedatum</dt><dd>${view.person.birthDate}</dd>
  <dt>UZI-nummer</dt><dd>${view.person.uziNumber ?? '—'}</dd>
  <dt>Organisatie</dt><dd>${org.name} (${org.ura})</dd>
  <dt>Rol</dt><dd data-field="role">${view.membership.role}</dd>
  <dt>Status</dt><dd data-field="status">${STATUS_TEXT[view.status]}${view.blockReason ? ` — ${BLOCK_REASONS[view.blockReason]}` : ''}</dd>
  <dt>Laatst gebruikt</dt><dd>${when(view.person.lastUsedAt)}${view.inactive ? ' (inactief: langer dan vier weken)' : ''}</dd>
  <dt>Open QR-code</dt><dd>${view.openCode ? `geldig tot ${when(view.openCode.expiresAt)}` : '—'}</dd>
</dl>

<section class="card" aria-labelledby="status-title">
<h2 id="status-title">Status</h2>
${
  blocked
    ? html`<p><a class="button" href="${base}/activeren" id="unblock">Activeren</a></p>`
    : html`<form method="post" action="${base}/blokkeren" class="form" novalidate>
${selectField({ name: 'reden', label: 'Blokkeren — reden', options: reasonOptions, value: input.values.reden, errors: input.errors, placeholder: 'Kies een reden' })}
<button type="submit" id="block">Blokkeren</button>
<p class="hint">Blokkeren geldt landelijk: bij alle organisaties van deze gebruiker.</p>
</form>`
}
<p><a href="${base}/pincode-kwijt" id="lost-pin">Pincode kwijt? Stappenplan</a></p>
</section>

<section class="card" aria-labelledby="cert-title">
<h2 id="cert-title">Certificaten</h2>
<table class="list" id="certificates"><thead><tr><th>Uitgegeven</th><th>Status</th></tr></thead>
<tbody>${certificates.length ? certificates : html`<tr><td colspan="2">Nog geen ZORG-ID Mobiel ID.</td></tr>`}</tbody></table>
${blocked ? html`<p><a class="button" href="${base}/intrekken" id="revoke">Intrekken</a></p>` : raw('')}
<form method="post" action="${base}/certificaat">
  <button type="submit" name="bezorging" value="browser" id="new-certificate">+ Registreren</button>
  <button type="submit" name="bezorging" value="desktop" id="new-certificate-desktop">+ Registreren en tonen in ZORG-ID Desktop</button>
</form>
</section>

${smartcardSection({ cards: input.smartcards ?? [], boxed: true, back: view.person.id, empty: 'Geen ZORG-ID Smartcard.' })}

${
  admin
    ? html`<section class="card" aria-labelledby="role-title">
<h2 id="role-title">Autorisatie</h2>
<form method="post" action="${base}/rol" class="form" novalidate>
${selectField({ name: 'rol', label: 'Rol bij deze organisatie', options: ['Administrator', 'Beheerder', 'Gebruiker'].map((r) => ({ value: r, label: r })), value: input.values.rol ?? view.membership.role, errors: input.errors })}
<button type="submit" id="save-role">Opslaan</button>
<p class="hint">Na opslaan krijgt de gebruiker een nieuwe QR-code (10 dagen geldig).</p>
</form>
</section>
<section class="card" aria-labelledby="attr-title">
<h2 id="attr-title">Attributen</h2>
<table class="list" id="attributes"><thead><tr><th>Type</th><th>Taakcode</th></tr></thead>
<tbody>${
        view.attributes.length
          ? view.attributes.map((a) => html`<tr><td>${ATTRIBUTE_TEXT[a.type]}</td><td>${a.taakcode}</td></tr>`)
          : html`<tr><td colspan="2">Geen attributen.</td></tr>`
      }</tbody></table>
<form method="post" action="${base}/attributen" class="form" novalidate>
${selectField({ name: 'type', label: 'Type', options: ATTRIBUTE_TYPES.map((t) => ({ value: t, label: ATTRIBUTE_TEXT[t] })), value: input.values.type, errors: input.errors, placeholder: 'Kies een type' })}
${field({ name: 'taakcode', label: 'Taakcode', value: input.values.taakcode, errors: input.errors, autocomplete: 'off' })}
<button type="submit" id="save-attribute">Opslaan</button>
</form>
</section>`
    : raw('')
}

<section class="card" aria-labelledby="member-title">
<h2 id="member-title">Organisatie</h2>
<p><a class="button" href="${base}/verwijderen" id="remove">Verwijder uit ${org.name}</a></p>
</section>`,
    { page: 'admin-user' },
  );
}

const STEP_ORDER: LostPinStep[] = ['block', 'revoke', 'new-certificate', 'done'];

export function lostPinPage(input: { org: OrgRef; view: UserView; step: LostPinStep; errors: FieldErrors; code?: ErrorCode | null }): string {
  const base = userUrl(input.org.ura, input.view.person.id);
  const at = STEP_ORDER.indexOf(input.step);
  const state = (i: number) => (i < at ? 'klaar' : i === at ? 'nu' : 'straks');
  const li = (i: number, text: string) => html`<li data-step="${STEP_ORDER[i]!}" data-state="${state(i)}"${raw(i === at ? ' aria-current="step"' : '')}>${text}${i < at ? ' ✓' : ''}</li>`;
  const current =
    input.step === 'block'
      ? html`<form method="post" action="${base}/blokkeren" class="form" novalidate>
  <input type="hidden" name="reden" value="apparaat-verloren"><input type="hidden" name="terug" value="pincode-kwijt">
  <p>Reden: <strong>${BLOCK_REASONS['apparaat-verloren']}</strong></p>
  <button type="submit" class="primary" id="step-block">Blokkeren</button>
</form>`
      : input.step === 'revoke'
        ? html`<form method="post" action="${base}/intrekken">
  <input type="hidden" name="bevestigd" value="ja"><input type="hidden" name="terug" value="pincode-kwijt">
  <p>Het oude certificaat wordt definitief ingetrokken. Dit kan niet ongedaan worden gemaakt.</p>
  <button type="submit" class="primary" id="step-revoke">Intrekken</button>
</form>`
        : input.step === 'new-certificate'
          ? html`<form method="post" action="${base}/certificaat">
  <p class="hint">Tip: controleer de identiteit van de gebruiker voordat u een nieuw certificaat uitgeeft.</p>
  <button type="submit" class="primary" name="bezorging" value="browser" id="step-new-certificate">+ Registreren</button>
  <button type="submit" name="bezorging" value="desktop" id="step-new-certificate-desktop">+ Registreren en tonen in ZORG-ID Desktop</button>
</form>`
          : html`<p class="notice" role="status" id="lost-pin-done">Klaar: er is een nieuwe QR-code uitgegeven. De gebruiker scant die met de opnieuw geïnstalleerde ZORG-ID Mobile App.</p>`;
  return page(
    'Pincode kwijt',
    html`<p><a href="${base}">← ${input.view.person.name}</a></p>
<h1>Pincode kwijt: ${input.view.person.name}</h1>
<p>Heeft de gebruiker een back-up van de ZORG-ID Mobile App? Dan is dit stappenplan niet nodig: de gebruiker installeert de app opnieuw en zet de back-up terug.</p>
<ol class="steps" id="lost-pin-steps">
${li(0, 'Blokkeren met reden “apparaat verloren”')}
${li(1, 'Oude certificaat intrekken')}
${li(2, 'Nieuw certificaat registreren (nieuwe QR-code, 10 dagen geldig)')}
</ol>
${input.code ? errorBlock(input.code) : raw('')}
${current}`,
    { page: 'admin-lost-pin' },
  );
}

export function desktopSentPage(input: { org: OrgRef; name: string; back: string }): string {
  return page(
    'QR-code in ZORG-ID Desktop',
    html`<h1>QR-code getoond in ZORG-ID Desktop</h1>
<p class="notice" role="status" id="desktop-sent">ZORG-ID Desktop toont de QR-code voor ${input.name} (${input.org.name}) op dit werkstation. De QR-code wordt maar één keer getoond.</p>
<p><a class="button primary" href="${input.back}">Naar de gebruiker</a></p>`,
    { page: 'admin-desktop-sent' },
  );
}
