// The claims of a ZORG-ID login, shaped like Dezi's verklaring (docs/oidc.md): a relying party written
// against those names reads ours without mapping. Where ours differ (the UZI number, the card type,
// the means) docs/oidc.md says why.
import type { UziHolder } from '@zorgid/uzi';

/**
 * Scope → claims it releases. `openid`: `sub` (pairwise per client) and how and when the person logged
 * in (acr, amr, auth_time: set by the login, so only the ID token carries them, not userinfo).
 */
export const OIDC_SCOPE_CLAIMS = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  naam: ['voorletters', 'voorvoegsel', 'achternaam', 'name'],
  uzi: ['uzi_nummer', 'pas_type', 'loa_authn'],
  rol: ['rol_code', 'rol_naam', 'rol_code_bron'],
  organisatie: ['abonnee_nummer', 'abonnee_naam'],
} as const;

export const OIDC_SCOPES = Object.keys(OIDC_SCOPE_CLAIMS) as Array<keyof typeof OIDC_SCOPE_CLAIMS>;

/** acr values: which means made the login (RFC 8176 amr says how). */
export const ACR_SMARTCARD = 'urn:zorgid:acr:smartcard';
export const ACR_MOBIEL = 'urn:zorgid:acr:mobiel';
/** eIDAS levels (https://eidas.europa.eu/LoA/...) as Dezi's loa claims use them. */
export const LOA_HIGH = 'http://eidas.europa.eu/LoA/high';
export const LOA_SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';

/** The role codes of UZI certificates come from the UZI register's role table. */
const ROL_CODE_BRON_UZI = 'http://www.uzi-register.nl/rollen';

const PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', "'t", 'te', 'ter', 'ten', 'in', "'s", 'op', 'aan', 'bij', 'uit', 'la', 'le', 'du', 'da', 'di']);

/** "de Vries" → voorvoegsel "de", achternaam "Vries" (the UZI certificate has one surname field). */
export function splitSurname(surname: string): { voorvoegsel: string | null; achternaam: string } {
  const words = surname.trim().split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && PARTICLES.has(words[i]!.toLowerCase())) i++;
  return { voorvoegsel: i > 0 ? words.slice(0, i).join(' ') : null, achternaam: words.slice(i).join(' ') };
}

/** "Anna Maria" → "A.M." */
export const initials = (givenName: string): string =>
  givenName
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((w) => `${w[0]!.toUpperCase()}.`)
    .join('');

export type PasType = 'Z' | 'N' | 'M' | 'S' | 'ZORG-ID Smartcard' | 'Mobiel';

/** The claims of a card holder's login (everything but sub, acr, amr, auth_time, which the login sets). */
export function holderClaims(holder: UziHolder, organisationName: string | null, smartcard: boolean): Record<string, string | null> {
  const { voorvoegsel, achternaam } = splitSurname(holder.surname ?? '');
  const voorletters = holder.givenName ? initials(holder.givenName) : null;
  return {
    voorletters,
    voorvoegsel,
    achternaam: achternaam || null,
    name: holder.commonName,
    uzi_nummer: holder.uziNumber,
    pas_type: smartcard ? 'ZORG-ID Smartcard' : holder.cardType,
    loa_authn: LOA_HIGH,
    rol_code: holder.roleCode,
    rol_naam: holder.roleLabel,
    rol_code_bron: ROL_CODE_BRON_UZI,
    abonnee_nummer: holder.ura,
    abonnee_naam: organisationName ?? holder.organisation,
  };
}
