// Dutch and English texts of the protocol's codes. Every message says what happened and what to do next.
import type { ProtocolErrorCode } from './codes';
import type { ErrorTexts } from './coded-error';

export const PROTOCOL_ERROR_MESSAGES: ErrorTexts<ProtocolErrorCode> = {
  ERR_SMARTCARD_VERIFY_FAILED: {
    nl: 'De proefhandtekening met de nieuwe kaart klopte niet. De kaart is weer leeg; probeer het opnieuw.',
    en: 'The test signature with the new card did not verify. The card is blank again; try again.',
  },
  ERR_SMARTCARD_CSR_INVALID: {
    nl: 'De certificaataanvraag van de kaart is ongeldig.',
    en: 'The certificate request from the card is invalid.',
  },
  ERR_SMARTCARD_ALREADY_EXISTS: {
    nl: 'U heeft al een ZORG-ID Smartcard. Laat uw beheerder de oude kaart verwijderen als u een nieuwe nodig heeft.',
    en: 'You already have a ZORG-ID Smartcard. Ask your administrator to remove the old card if you need a new one.',
  },
  ERR_SMARTCARD_HAS_MOBIEL_ID: {
    nl: 'U heeft al een ZORG-ID Mobiel ID. Een ZORG-ID Smartcard en een Mobiel ID kunnen niet samen.',
    en: 'You already have a ZORG-ID Mobiel ID. A ZORG-ID Smartcard and a Mobiel ID cannot be combined.',
  },
  ERR_SMARTCARD_HOLDER_NO_MOBIEL_ID: {
    nl: 'U heeft een ZORG-ID Smartcard. Een Mobiel ID en een ZORG-ID Smartcard kunnen niet samen; laat uw beheerder eerst de Smartcard verwijderen.',
    en: 'You have a ZORG-ID Smartcard. A Mobiel ID and a ZORG-ID Smartcard cannot be combined; ask your administrator to remove the Smartcard first.',
  },
  ERR_SMARTCARD_ORGANISATION_NOT_ACTIVE: {
    nl: 'Uw organisatie is nog niet gevalideerd in ZORG-ID. Vraag uw ZORG-ID Portaal administrator.',
    en: 'Your organisation has not been validated in ZORG-ID yet. Ask your ZORG-ID Portal administrator.',
  },
  ERR_SMARTCARD_CA_NOT_CONFIGURED: {
    nl: 'Het portaal kan nu geen ZORG-ID Smartcards uitgeven.',
    en: 'The portal cannot issue ZORG-ID Smartcards at the moment.',
  },
  ERR_SMARTCARD_NOT_FOUND: {
    nl: 'Deze ZORG-ID Smartcard is niet gevonden.',
    en: 'This ZORG-ID Smartcard was not found.',
  },
  ERR_SMARTCARD_STATUS_CONFLICT: {
    nl: 'Dit kan niet bij de huidige status van deze ZORG-ID Smartcard (bijvoorbeeld al geblokkeerd, niet geblokkeerd of al verwijderd). Vernieuw de pagina.',
    en: 'This is not possible in the current status of this ZORG-ID Smartcard (for example already blocked, not blocked or already removed). Refresh the page.',
  },
  ERR_TOKEN_SIZE: {
    nl: 'Het antwoord van de app heeft een ongeldige grootte en is geweigerd. Werk ZORG-ID Desktop bij en probeer het opnieuw.',
    en: 'The response from the app has an invalid size and was refused. Update ZORG-ID Desktop and try again.',
  },
  ERR_TOKEN_SCHEMA: {
    nl: 'Het antwoord van de app is niet volgens het protocol opgebouwd. Werk ZORG-ID Desktop bij en probeer het opnieuw.',
    en: 'The response from the app does not follow the protocol. Update ZORG-ID Desktop and try again.',
  },
  ERR_TOKEN_FORMAT_UNKNOWN: {
    nl: 'Het portaal kent de tokenversie van deze app niet. Werk ZORG-ID Desktop bij.',
    en: 'The portal does not know this app’s token version. Update ZORG-ID Desktop.',
  },
  ERR_TOKEN_NOT_CANONICAL: {
    nl: 'Het antwoord van de app bevat een veld dat niet in de enige toegestane base64-vorm is geschreven. Werk ZORG-ID Desktop bij en probeer het opnieuw.',
    en: 'The response from the app contains a field not written in the one permitted base64 form. Update ZORG-ID Desktop and try again.',
  },
  ERR_TOKEN_REQUEST_UNKNOWN: {
    nl: 'Deze aanvraag is onbekend bij het portaal. Start opnieuw vanaf de website.',
    en: 'The portal does not know this request. Start again from the website.',
  },
  ERR_TOKEN_PURPOSE_MISMATCH: {
    nl: 'Het doel van de ondertekening past niet bij de aanvraag. Start opnieuw vanaf de website.',
    en: 'The purpose of the signature does not match the request. Start again from the website.',
  },
  ERR_TOKEN_ORIGIN_MISMATCH: {
    nl: 'Deze aanvraag is voor een ander portaal bedoeld en is geweigerd.',
    en: 'This request is meant for another portal and was refused.',
  },
  ERR_TOKEN_REQUEST_EXPIRED: {
    nl: 'De aanvraag is verlopen (na 5 minuten). Start opnieuw vanaf de website.',
    en: 'The request has expired (after 5 minutes). Start again from the website.',
  },
  ERR_TOKEN_REQUEST_USED: {
    nl: 'Deze aanvraag is al gebruikt. Start opnieuw vanaf de website.',
    en: 'This request has already been used. Start again from the website.',
  },
  ERR_TOKEN_CERT_MALFORMED: {
    nl: 'Het certificaat van de pas kon niet worden gelezen. Gebruik een geldige UZI-pas of ZORG-ID Smartcard.',
    en: 'The card’s certificate could not be read. Use a valid UZI card or ZORG-ID Smartcard.',
  },
  ERR_TOKEN_CERT_NOT_DER: {
    nl: 'Het certificaat van de pas is niet exact volgens DER gecodeerd en wordt daarom geweigerd. Gebruik een geldige UZI-pas of ZORG-ID Smartcard; blijft dit gebeuren, neem contact op met uw ICT-afdeling.',
    en: 'The card’s certificate is not encoded as exact DER and is therefore refused. Use a valid UZI card or ZORG-ID Smartcard; if this keeps happening, contact your IT department.',
  },
  ERR_TOKEN_CERT_EXPIRED: {
    nl: 'Het certificaat van deze pas is verlopen. Vraag een nieuwe pas aan.',
    en: 'The certificate of this card has expired. Request a new card.',
  },
  ERR_TOKEN_CERT_NOT_YET_VALID: {
    nl: 'Het certificaat van deze pas is nog niet geldig. Controleer de datum en tijd van de computer of probeer het later opnieuw.',
    en: 'The certificate of this card is not valid yet. Check the computer’s date and time or try again later.',
  },
  ERR_TOKEN_CERT_KEY_USAGE: {
    nl: 'Er is met de verkeerde sleutel ondertekend (niet de authenticatiesleutel). Werk ZORG-ID Desktop bij.',
    en: 'The wrong key was used to sign (not the authentication key). Update ZORG-ID Desktop.',
  },
  ERR_TOKEN_CERT_NOT_UZI: {
    nl: 'Het certificaat is geen geldig UZI- of ZORG-ID-certificaat. Gebruik een UZI-pas of ZORG-ID Smartcard.',
    en: 'The certificate is not a valid UZI or ZORG-ID certificate. Use an UZI card or ZORG-ID Smartcard.',
  },
  ERR_TOKEN_CARD_TYPE_NOT_ALLOWED: {
    nl: 'Dit type pas is niet toegestaan voor deze handeling. Gebruik een UZI-zorgverlenerspas of medewerkerpas op naam.',
    en: 'This card type is not allowed for this action. Use an UZI care provider card or named employee card.',
  },
  ERR_TOKEN_CERT_UNKNOWN_CA: {
    nl: 'De pas is uitgegeven door een onbekende uitgever en wordt niet vertrouwd.',
    en: 'The card was issued by an unknown issuer and is not trusted.',
  },
  ERR_TOKEN_CHAIN_INVALID: {
    nl: 'De certificaatketen van de pas is ongeldig. Neem contact op met de uitgever van de pas.',
    en: 'The card’s certificate chain is invalid. Contact the card issuer.',
  },
  ERR_TOKEN_CERT_REVOKED: {
    nl: 'Het certificaat van deze pas is ingetrokken. Neem contact op met het UZI-register of uw beheerder.',
    en: 'The certificate of this card has been revoked. Contact the UZI register or your administrator.',
  },
  ERR_TOKEN_REVOCATION_UNKNOWN: {
    nl: 'Het portaal kon niet controleren of de pas is ingetrokken. Probeer het later opnieuw.',
    en: 'The portal could not check whether the card has been revoked. Try again later.',
  },
  ERR_TOKEN_BROWSER_CODE_MISSING: {
    nl: 'Het antwoord van de app mist de browserkoppeling. Werk ZORG-ID Desktop bij en start opnieuw vanaf de website.',
    en: 'The app’s response lacks the browser binding. Update ZORG-ID Desktop and start again from the website.',
  },
  ERR_TOKEN_SIGNATURE_INVALID: {
    nl: 'De ondertekening is ongeldig of hoort bij een andere aanvraag. Start opnieuw vanaf de website.',
    en: 'The signature is invalid or belongs to another request. Start again from the website.',
  },
  ERR_TOKEN_URA_MISMATCH: {
    nl: 'Het URA-nummer op de pas hoort niet bij deze organisatieregistratie. Gebruik een pas van de juiste organisatie.',
    en: 'The URA number on the card does not belong to this organisation registration. Use a card of the right organisation.',
  },
  ERR_TOKEN_USER_UNKNOWN: {
    nl: 'Er is geen ZORG-ID-account gekoppeld aan deze pas. Neem contact op met uw beheerder.',
    en: 'No ZORG-ID account is linked to this card. Contact your administrator.',
  },
  ERR_TOKEN_USER_BLOCKED: {
    nl: 'Uw ZORG-ID-account is geblokkeerd. Neem contact op met uw beheerder.',
    en: 'Your ZORG-ID account is blocked. Contact your administrator.',
  },
  ERR_TOKEN_PURPOSE_NOT_SUPPORTED: {
    nl: 'Dit portaal ondersteunt deze handeling (nog) niet.',
    en: 'This portal does not support this action (yet).',
  },
  ERR_PORTAL_BAD_REQUEST: {
    nl: 'Het portaal kreeg een ongeldig verzoek. Ververs de pagina en probeer het opnieuw.',
    en: 'The portal received an invalid request. Refresh the page and try again.',
  },
  ERR_PORTAL_FORBIDDEN_ORIGIN: {
    nl: 'Dit verzoek kwam niet van het portaal zelf en is geweigerd.',
    en: 'This request did not come from the portal itself and was refused.',
  },
  ERR_PORTAL_HANDOFF_NOT_FOUND: {
    nl: 'Deze aanvraag bestaat niet (meer). Start opnieuw vanaf de website.',
    en: 'This request does not exist (any more). Start again from the website.',
  },
  ERR_PORTAL_HANDOFF_EXPIRED: {
    nl: 'De aanvraag is verlopen (na 5 minuten). Start opnieuw vanaf de website.',
    en: 'The request has expired (after 5 minutes). Start again from the website.',
  },
  ERR_PORTAL_HANDOFF_NOT_PENDING: {
    nl: 'Deze aanvraag is al afgerond of geannuleerd. Start opnieuw vanaf de website.',
    en: 'This request has already been finished or cancelled. Start again from the website.',
  },
  ERR_PORTAL_SESSION_MISMATCH: {
    nl: 'Deze aanvraag is in een andere browser gestart en kan hier niet worden afgerond. Start opnieuw in deze browser.',
    en: 'This request was started in another browser and cannot be finished here. Start again in this browser.',
  },
  ERR_PORTAL_BROWSER_CODE_INVALID: {
    nl: 'De koppeling tussen deze browser en ZORG-ID Desktop klopt niet. Start opnieuw vanaf de website.',
    en: 'The link between this browser and ZORG-ID Desktop does not match. Start again from the website.',
  },
  ERR_ORG_REGISTRATION_EXISTS: {
    nl: 'Er bestaat al een organisatieregistratie met dit URA-nummer.',
    en: 'An organisation registration with this URA number already exists.',
  },
  ERR_ORG_URA_UNKNOWN: {
    nl: 'URA onbekend in ZORG-ID. Er is geen openstaande organisatieregistratie voor dit URA-nummer; neem contact op met VZVZ.',
    en: 'URA unknown in ZORG-ID. There is no open organisation registration for this URA number; contact VZVZ.',
  },
  ERR_ORG_REGISTRATION_FINISHED: {
    nl: 'Deze organisatieregistratie is al afgerond. De organisatie is actief; log in om haar te beheren.',
    en: 'This organisation registration has already been finished. The organisation is active; log in to manage it.',
  },
  ERR_ORG_VALIDATION_STEP: {
    nl: 'Deze stap hoort niet bij de huidige stand van de organisatievalidatie. Begin opnieuw bij “Ik wil een organisatie valideren”.',
    en: 'This step does not fit the current state of the organisation validation. Start again at “I want to validate an organisation”.',
  },
  ERR_ENROL_CODE_UNKNOWN: {
    nl: 'Deze QR-code is onbekend bij ZORG-ID. Scan de QR-code die ZORG-ID Desktop of uw beheerder toont.',
    en: 'This QR code is unknown to ZORG-ID. Scan the QR code shown by ZORG-ID Desktop or your administrator.',
  },
  ERR_ENROL_CODE_EXPIRED: {
    nl: 'Deze QR-code is verlopen (na 10 dagen). Vraag een nieuwe QR-code aan.',
    en: 'This QR code has expired (after 10 days). Request a new QR code.',
  },
  ERR_ENROL_CODE_USED: {
    nl: 'Deze QR-code is al gebruikt. Een QR-code werkt maar één keer; vraag zo nodig een nieuwe aan.',
    en: 'This QR code has already been used. A QR code works only once; request a new one if needed.',
  },
  ERR_ENROL_CODE_VOID: {
    nl: 'Deze QR-code is ongeldig gemaakt (er is een nieuwe uitgegeven, of de geboortedatum was te vaak onjuist). Vraag een nieuwe QR-code aan.',
    en: 'This QR code has been voided (a new one was issued, or the birth date was wrong too often). Request a new QR code.',
  },
  ERR_ENROL_BIRTH_DATE_MISMATCH: {
    nl: 'De geboortedatum klopt niet. Controleer de datum en probeer het opnieuw; na te veel pogingen vervalt de QR-code.',
    en: 'The birth date does not match. Check the date and try again; after too many attempts the QR code becomes void.',
  },
  ERR_ENROL_DEVICE_KEY_INVALID: {
    nl: 'De sleutel van de ZORG-ID Mobile App is ongeldig. Werk de app bij en scan de QR-code opnieuw.',
    en: 'The key of the ZORG-ID Mobile App is invalid. Update the app and scan the QR code again.',
  },
  ERR_INTERNAL: {
    nl: 'Er ging iets onverwacht mis in de app. Probeer het opnieuw; blijft dit gebeuren, neem contact op met support en noem de foutcode.',
    en: 'Something unexpected went wrong in the app. Please try again; if it keeps happening, contact support and mention the error code.',
  },
};
