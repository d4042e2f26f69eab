// Dutch and English texts of every code the portal answers with: its own beside the protocol's and
// the UZI package's. Every message says what happened and what to do next.
import { PROTOCOL_ERROR_MESSAGES, type ErrorTexts, type Language } from '@zorgid/protocol';
import { UZI_ERROR_MESSAGES } from '@zorgid/uzi';
import type { ErrorCode, PORTAL_ERROR_KINDS } from './errors';

const PORTAL_ERROR_MESSAGES: ErrorTexts<keyof typeof PORTAL_ERROR_KINDS> = {
  ERR_HTTP_BODY_TOO_LARGE: {
    nl: 'Het verzoek aan het portaal is te groot en is niet gelezen. Probeer het opnieuw vanaf de website; blijft dit gebeuren, neem contact op met uw ICT-afdeling.',
    en: 'The request to the portal is too large and was not read. Try again from the website; if this keeps happening, contact your IT department.',
  },
  ERR_HTTP_BAD_JSON: {
    nl: 'Het portaal kreeg gegevens die het niet kan lezen (geen geldige JSON). Ververs de pagina en probeer het opnieuw.',
    en: 'The portal received data it cannot read (not valid JSON). Refresh the page and try again.',
  },
  ERR_HTTP_RATE_LIMITED: {
    nl: 'Er komen te veel verzoeken tegelijk binnen. Wacht even en probeer het dan opnieuw.',
    en: 'Too many requests are coming in at once. Wait a moment and then try again.',
  },
  ERR_HTTP_CROSS_SITE: {
    nl: 'Dit verzoek kwam niet aantoonbaar van het portaal zelf en is geweigerd. Open het portaal opnieuw en probeer het nog een keer.',
    en: 'This request could not be shown to come from the portal itself and was refused. Open the portal again and try once more.',
  },
  ERR_PORTAL_OPERATOR_FORBIDDEN: {
    nl: 'Alleen de beheerder van ZORG-ID (VZVZ) mag organisatieregistraties aanmaken. Controleer het operatortoken.',
    en: 'Only the ZORG-ID operator (VZVZ) may create organisation registrations. Check the operator token.',
  },
  ERR_MOBILE_QR_INVALID: {
    nl: 'Dit is geen QR-code van ZORG-ID. Scan de QR-code op het portaal of in ZORG-ID Desktop.',
    en: 'This is not a ZORG-ID QR code. Scan the QR code on the portal or in ZORG-ID Desktop.',
  },
  ERR_MOBILE_LOGIN_CODE_UNKNOWN: {
    nl: 'Deze inlog-QR-code is onbekend. Ververs de inlogpagina en scan de nieuwe QR-code.',
    en: 'This login QR code is unknown. Refresh the login page and scan the new QR code.',
  },
  ERR_MOBILE_LOGIN_CODE_EXPIRED: {
    nl: 'Deze inlog-QR-code is verlopen (na 5 minuten). Klik op de QR-code voor een nieuwe en scan die.',
    en: 'This login QR code has expired (after 5 minutes). Click the QR code for a new one and scan it.',
  },
  ERR_MOBILE_LOGIN_CODE_USED: {
    nl: 'Met deze inlog-QR-code is al ingelogd. Ververs de inlogpagina voor een nieuwe QR-code.',
    en: 'This login QR code has already been used. Refresh the login page for a new QR code.',
  },
  ERR_MOBILE_LOGIN_CODE_VOID: {
    nl: 'Deze inlog-QR-code is ongeldig gemaakt omdat er een verkeerde controlecode mee is bevestigd. Ververs de inlogpagina voor een nieuwe QR-code.',
    en: 'This login QR code was voided because it was confirmed with a wrong confirmation code. Refresh the login page for a new QR code.',
  },
  ERR_MOBILE_CODE_MISMATCH: {
    nl: 'De controlecode in de app is niet de code op de inlogpagina. Deze QR-code is nu ongeldig: bevestig alleen als uw telefoon dezelfde code toont als de pagina die u zelf opende.',
    en: 'The confirmation code in the app is not the code on the login page. This QR code is now void: confirm only when your phone shows the same code as the page you opened yourself.',
  },
  ERR_MOBILE_ID_UNKNOWN: {
    nl: 'Deze ZORG-ID Mobiel ID is onbekend, geblokkeerd of ingetrokken. Neem contact op met uw beheerder.',
    en: 'This ZORG-ID Mobile ID is unknown, blocked or revoked. Contact your administrator.',
  },
  ERR_MOBILE_SIGNATURE_INVALID: {
    nl: 'De bevestiging vanuit de ZORG-ID Mobile App is ongeldig. Scan de QR-code opnieuw.',
    en: 'The confirmation from the ZORG-ID Mobile App is invalid. Scan the QR code again.',
  },
  ERR_MOBILE_ID_BLOCKED: {
    nl: 'Deze ZORG-ID Mobiel ID is geblokkeerd en kan nu niet worden gebruikt. Neem contact op met uw beheerder.',
    en: 'This ZORG-ID Mobile ID is blocked and cannot be used now. Contact your administrator.',
  },
  ERR_MOBILE_ID_REVOKED: {
    nl: 'Het certificaat van deze ZORG-ID Mobiel ID is ingetrokken; de ID is niet meer bruikbaar. Vraag uw beheerder om een nieuw certificaat.',
    en: 'The certificate of this ZORG-ID Mobile ID has been revoked; the ID can no longer be used. Ask your administrator for a new certificate.',
  },
  ERR_ADMIN_LOGIN_REQUIRED: {
    nl: 'Log in met de ZORG-ID Mobile App om het beheer te gebruiken.',
    en: 'Log in with the ZORG-ID Mobile App to use administration.',
  },
  ERR_ADMIN_FORBIDDEN: {
    nl: 'U heeft geen rechten voor deze handeling bij deze organisatie.',
    en: 'You are not authorised for this action at this organisation.',
  },
  ERR_ADMIN_INVALID_INPUT: {
    nl: 'Controleer de gemarkeerde velden.',
    en: 'Check the marked fields.',
  },
  ERR_ADMIN_ORG_UNKNOWN: {
    nl: 'Deze organisatie bestaat niet of is nog niet gevalideerd.',
    en: 'This organisation does not exist or has not been validated yet.',
  },
  ERR_ADMIN_USER_NOT_FOUND: {
    nl: 'Deze gebruiker is geen lid van deze organisatie.',
    en: 'This user is not a member of this organisation.',
  },
  ERR_ADMIN_ONLY_ADMINISTRATOR: {
    nl: 'Dit is de enige administrator van een organisatie. Wijs eerst een andere administrator aan.',
    en: 'This is the only administrator of an organisation. Appoint another administrator first.',
  },
  ERR_ADMIN_NO_MOBILE_ID: {
    nl: 'Deze gebruiker heeft geen (bruikbare) ZORG-ID Mobiel ID.',
    en: 'This user has no (usable) ZORG-ID Mobile ID.',
  },
  ERR_ADMIN_ALREADY_BLOCKED: {
    nl: 'Deze gebruiker is al geblokkeerd.',
    en: 'This user is already blocked.',
  },
  ERR_ADMIN_NOT_BLOCKED: {
    nl: 'Alleen het certificaat van een geblokkeerde gebruiker kan worden ingetrokken; deze gebruiker is niet geblokkeerd.',
    en: 'Only the certificate of a blocked user can be revoked; this user is not blocked.',
  },
  ERR_ADMIN_USER_BLOCKED: {
    nl: 'Deze gebruiker is geblokkeerd. Trek eerst het certificaat in of activeer de gebruiker.',
    en: 'This user is blocked. Revoke the certificate or activate the user first.',
  },
  ERR_ADMIN_MEMBER_EXISTS: {
    nl: 'Deze gebruiker is al lid van deze organisatie.',
    en: 'This user is already a member of this organisation.',
  },
  ERR_ADMIN_MEMBER_MISMATCH: {
    nl: 'De ZORG-ID ID en de geboortedatum horen niet bij dezelfde gebruiker.',
    en: 'The ZORG-ID ID and the date of birth do not belong to the same user.',
  },
  ERR_ADMIN_CONFIRMATION_REQUIRED: {
    nl: 'Bevestig deze handeling eerst.',
    en: 'Confirm this action first.',
  },
  ERR_ADMIN_OTHER_ORGANISATION: {
    nl: 'Deze gebruiker is ook lid van een andere organisatie. Alleen een beheerder met rechten bij al die organisaties mag dit doen; vraag de andere organisatie(s).',
    en: 'This user is also a member of another organisation. Only an administrator with rights at all of those organisations may do this; ask the other organisation(s).',
  },
  ERR_ADMIN_DEVICE_ACTIVE: {
    nl: 'Deze gebruiker heeft een actieve ZORG-ID Mobiel ID. Blokkeer de gebruiker en trek het certificaat in voordat u een nieuw certificaat aanmaakt.',
    en: 'This user has an active ZORG-ID Mobile ID. Block the user and revoke the certificate before issuing a new certificate.',
  },
  ERR_OIDC_INTERACTION_UNKNOWN: {
    nl: 'Deze inlogpoging bij de toepassing is verlopen of onbekend. Ga terug naar de toepassing en kies opnieuw Inloggen met ZORG-ID.',
    en: 'This login attempt for the application has expired or is unknown. Go back to the application and choose Log in with ZORG-ID again.',
  },
  ERR_OIDC_CLIENT_INVALID: {
    nl: 'De gegevens van de toepassing zijn niet geldig: een naam, minstens één redirect-URI (http(s), zonder fragment) en toegestane scopes zijn nodig.',
    en: 'The application details are not valid: a name, at least one redirect URI (http(s), no fragment) and allowed scopes are required.',
  },
};

export const ERROR_MESSAGES: ErrorTexts<ErrorCode> = { ...PROTOCOL_ERROR_MESSAGES, ...UZI_ERROR_MESSAGES, ...PORTAL_ERROR_MESSAGES };

export function errorMessage(code: ErrorCode, lang: Language = 'nl'): string {
  return ERROR_MESSAGES[code][lang];
}
