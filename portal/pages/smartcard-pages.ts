// ZORG-ID Smartcard accounts in the administration pages (seed 003, portal-rules.md "ZORG-ID Smartcard"):
// the table beside the Mobiel IDs on the users overview and on one user's page, and the block form
// (a reason from the fixed list, as for Mobiel IDs). Unblock and remove use admin-pages' confirmPage.
import type { ErrorCode } from '../errors';
import { BLOCK_REASONS, type SmartcardRecord } from '../store/store';
import { html, page, raw, type Html } from './layout';
import type { FieldErrors } from './organisation-pages';
import { errorBlock } from './pages';

const STATUS_TEXT: Record<SmartcardRecord['status'], string> = {
  pending: 'Wacht op activatie',
  active: 'Actief',
  blocked: 'Geblokkeerd',
  removed: 'Verwijderd',
  abandoned: 'Vervallen',
};

const when = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

export const smartcardUrl = (id: string, op: 'blokkeren' | 'deblokkeren' | 'verwijderen') => `/beheer/smartcards/${encodeURIComponent(id)}/${op}`;

/** A creation that a newer one replaced never was a card anybody holds: not shown. */
export const shownSmartcards = (cards: readonly SmartcardRecord[]): SmartcardRecord[] => cards.filter((c) => c.status !== 'abandoned');

/** The serial may break after every 8 hex digits (a 32-digit serial would stretch the table). */
const serial = (hex: string): Html => raw((hex.match(/.{1,8}/g) ?? []).map((part) => part.replace(/[^0-9a-fA-F]/g, '')).join('<wbr>'));

function statusCell(card: SmartcardRecord): string {
  if (card.status === 'blocked') return `Geblokkeerd${card.blockReason ? ` — ${BLOCK_REASONS[card.blockReason]}` : ''}`;
  if (card.status === 'removed') return `Verwijderd (${when(card.removedAt)})`;
  return STATUS_TEXT[card.status];
}

/**
 * The Smartcard accounts as a table with their actions. `back` is the user (ZORG-ID ID) whose page
 * the actions return to; without it they return to the users overview.
 */
export function smartcardSection(input: { cards: readonly SmartcardRecord[]; back?: string; empty: string; boxed: boolean }): Html {
  const cards = shownSmartcards(input.cards);
  const q = input.back ? `?terug=${encodeURIComponent(input.back)}` : '';
  const actions = (card: SmartcardRecord): Html => {
    const links: Html[] = [];
    const label = `${card.name} (serienummer ${card.serialHex})`;
    if (card.status === 'active') links.push(html`<a class="button" href="${smartcardUrl(card.id, 'blokkeren')}${q}" data-action="block" aria-label="Blokkeren: ${label}">Blokkeren</a>`);
    if (card.status === 'blocked') links.push(html`<a class="button" href="${smartcardUrl(card.id, 'deblokkeren')}${q}" data-action="unblock" aria-label="Deblokkeren: ${label}">Deblokkeren</a>`);
    if (card.status === 'pending' || card.status === 'active' || card.status === 'blocked') {
      links.push(html`<a class="button" href="${smartcardUrl(card.id, 'verwijderen')}${q}" data-action="remove" aria-label="Verwijderen: ${label}">Verwijderen</a>`);
    }
    return links.length ? html`${links.map((l, i) => html`${i ? ' ' : ''}${l}`)}` : raw('—');
  };
  return html`<section${raw(input.boxed ? ' class="card"' : '')} aria-labelledby="smartcards-title" id="smartcards">
<h2 id="smartcards-title">ZORG-ID Smartcards</h2>
<table class="list" id="smartcard-list">
<thead><tr><th scope="col">Naam</th><th scope="col">UZI-nummer</th><th scope="col">Status</th><th scope="col">Aangemaakt</th><th scope="col">Serienummer</th><th scope="col">Acties</th></tr></thead>
<tbody>${
    cards.length
      ? cards.map(
          (c) =>
            html`<tr data-smartcard="${c.id}"><td>${c.name}</td><td>${c.uziNumber}</td><td data-field="smartcard-status">${statusCell(c)}</td><td>${when(c.createdAt)}</td><td><code data-field="serial">${serial(c.serialHex)}</code></td><td>${actions(c)}</td></tr>`,
        )
      : html`<tr><td colspan="6">${input.empty}</td></tr>`
  }</tbody></table>
</section>`;
}

const reasonOptions = Object.entries(BLOCK_REASONS).map(([value, label]) => ({ value, label }));

/** Block a Smartcard: the reason from the fixed list of §7.4 (the same list as for Mobiel IDs). */
export function smartcardBlockPage(input: {
  card: SmartcardRecord;
  action: string;
  cancel: string;
  value?: string;
  errors: FieldErrors;
  code?: ErrorCode | null;
  hidden?: Record<string, string>;
}): string {
  const error = input.errors.reden;
  const { card } = input;
  return page(
    'ZORG-ID Smartcard blokkeren',
    html`<h1>ZORG-ID Smartcard blokkeren</h1>
<p>${card.name} · UZI-nummer ${card.uziNumber} · serienummer <code>${card.serialHex}</code></p>
<p>Na blokkeren kan met deze ZORG-ID Smartcard niet meer worden ingelogd, tot een beheerder de kaart deblokkeert.</p>
${input.code ? errorBlock(input.code) : Object.keys(input.errors).length ? html`<div class="error" role="alert"><p>Controleer de gemarkeerde velden.</p></div>` : raw('')}
<form method="post" action="${input.action}" class="form" novalidate>
${Object.entries(input.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div class="field${error ? ' invalid' : ''}">
  <label for="reden">Reden</label>
  <select id="reden" name="reden"${raw(error ? ' aria-invalid="true" aria-describedby="reden-error"' : '')}>
    <option value="">Kies een reden</option>
    ${reasonOptions.map((o) => html`<option value="${o.value}"${raw(o.value === input.value ? ' selected' : '')}>${o.label}</option>`)}
  </select>
  ${error ? html`<p class="field-error" id="reden-error" data-error-for="reden">${error}</p>` : raw('')}
</div>
<button type="submit" class="primary" id="confirm">Blokkeren</button> <a class="button" href="${input.cancel}" id="cancel">Annuleren</a>
</form>`,
    { page: 'admin-confirm' },
  );
}
