import type { ErrorCode } from './errors';

export type Language = 'nl' | 'en';

// Every message says what happened and what to do next. Dutch first.
export const ERROR_MESSAGES: Record<ErrorCode, Record<Language, string>> = {
  ERR_CARD_HOST_RESTARTED: {
    nl: 'De verbinding met de kaartlezer werd onderbroken en is opnieuw gestart. Probeer het nog een keer.',
    en: 'The connection to the card reader was interrupted and has been restarted. Please try again.',
  },
  ERR_CARD_HOST_TIMEOUT: {
    nl: 'De kaartlezer reageerde niet op tijd. Controleer of de pas goed in de lezer zit en probeer het opnieuw.',
    en: 'The card reader did not respond in time. Check that the card is inserted properly and try again.',
  },
  ERR_CARD_HOST_UNAVAILABLE: {
    nl: 'De kaartlezerdienst van ZORG-ID Desktop kan niet starten. Start de app opnieuw; helpt dat niet, neem contact op met uw ICT-afdeling.',
    en: 'The card service of ZORG-ID Desktop cannot start. Restart the app; if that does not help, contact your IT department.',
  },
  ERR_CARD_PCSC_UNAVAILABLE: {
    nl: 'De smartcarddienst (PC/SC) van de computer draait niet. Start de dienst (Linux: pcscd) of neem contact op met uw ICT-afdeling; de app probeert het vanzelf opnieuw.',
    en: 'The computer’s smart card service (PC/SC) is not running. Start it (Linux: pcscd) or contact your IT department; the app retries by itself.',
  },
  ERR_CARD_NO_READER: {
    nl: 'Er is geen kaartlezer gevonden. Sluit een kaartlezer aan.',
    en: 'No card reader was found. Connect a card reader.',
  },
  ERR_CARD_READER_NOT_FOUND: {
    nl: 'Deze kaartlezer is niet meer aangesloten. Sluit hem opnieuw aan of kies een andere lezer.',
    en: 'This card reader is no longer connected. Reconnect it or choose another reader.',
  },
  ERR_CARD_NOT_PRESENT: {
    nl: 'Er zit geen pas in de kaartlezer. Plaats uw UZI-pas of ZORG-ID Smartcard.',
    en: 'There is no card in the reader. Insert your UZI card or ZORG-ID Smartcard.',
  },
  ERR_CARD_REMOVED: {
    nl: 'De pas werd uit de lezer gehaald. Plaats de pas opnieuw en probeer het nog een keer.',
    en: 'The card was removed from the reader. Insert the card again and try again.',
  },
  ERR_CARD_BUSY: {
    nl: 'De pas is bezig met een andere handeling. Wacht even en probeer het opnieuw.',
    en: 'The card is busy with another operation. Wait a moment and try again.',
  },
  ERR_CARD_MIDDLEWARE_MISSING: {
    nl: 'De kaartsoftware (SafeSign Identity Client) is niet gevonden. Installeer SafeSign of stel het pad naar de PKCS#11-module in bij Instellingen.',
    en: 'The card middleware (SafeSign Identity Client) was not found. Install SafeSign or set the PKCS#11 module path in Settings.',
  },
  ERR_CARD_MIDDLEWARE_FAILED: {
    nl: 'De kaartsoftware gaf een onverwachte fout. Haal de pas uit de lezer, plaats hem opnieuw en probeer het nog een keer.',
    en: 'The card middleware reported an unexpected error. Remove the card, insert it again and try again.',
  },
  ERR_CARD_TOKEN_NOT_FOUND: {
    nl: 'De kaartsoftware ziet de pas (nog) niet. Wacht enkele seconden; helpt dat niet, plaats de pas opnieuw.',
    en: 'The card middleware does not see the card (yet). Wait a few seconds; if that does not help, insert the card again.',
  },
  ERR_CARD_TOKEN_AMBIGUOUS: {
    nl: 'Er zijn meerdere passen gevonden. Kies de pas die u wilt gebruiken, of haal de andere pas uit de lezer.',
    en: 'Several cards were found. Choose the card you want to use, or remove the other card.',
  },
  ERR_CARD_NO_AUTH_CERTIFICATE: {
    nl: 'Op deze pas staat geen authenticatiecertificaat. Gebruik een geldige UZI-pas of ZORG-ID Smartcard.',
    en: 'This card holds no authentication certificate. Use a valid UZI card or ZORG-ID Smartcard.',
  },
  ERR_CARD_KEY_NOT_FOUND: {
    nl: 'De sleutel bij het certificaat ontbreekt op de pas. Neem contact op met de uitgever van uw pas.',
    en: 'The key belonging to the certificate is missing from the card. Contact the issuer of your card.',
  },
  ERR_CARD_SIGN_FAILED: {
    nl: 'Ondertekenen met de pas is mislukt. Plaats de pas opnieuw en probeer het nog een keer.',
    en: 'Signing with the card failed. Insert the card again and try again.',
  },
  ERR_CARD_KEY_SIZE_UNSUPPORTED_BY_READER: {
    nl: 'Deze pas heeft een 4096-bits sleutel en uw kaartlezer ondersteunt geen extended APDU’s. Gebruik een kaartlezer die het UZI-register goedkeurt.',
    en: 'This card has a 4096-bit key and your reader does not support extended APDUs. Use a reader approved by the UZI register.',
  },
  ERR_CARD_UNKNOWN: {
    nl: 'Deze pas wordt niet herkend als UZI-pas of ZORG-ID Smartcard. Controleer of u de juiste pas gebruikt.',
    en: 'This card is not recognised as an UZI card or ZORG-ID Smartcard. Check that you are using the right card.',
  },
  ERR_PIN_INCORRECT: {
    nl: 'De pincode is onjuist. Probeer het opnieuw.',
    en: 'The PIN is incorrect. Please try again.',
  },
  ERR_PIN_LOCKED: {
    nl: 'Uw pincode is geblokkeerd na drie onjuiste pogingen. Deblokkeer de pas met uw PUK-code, of vraag een nieuwe pincode aan via uw beheerder.',
    en: 'Your PIN is blocked after three incorrect attempts. Unblock the card with your PUK, or request a new PIN from your administrator.',
  },
  ERR_PIN_FORMAT: {
    nl: 'Een pincode bestaat uit 6 tot 8 cijfers. Controleer uw invoer.',
    en: 'A PIN consists of 6 to 8 digits. Check your input.',
  },
  ERR_PIN_CANCELLED: {
    nl: 'Het invoeren van de pincode is geannuleerd.',
    en: 'PIN entry was cancelled.',
  },
  ERR_PIN_TIMEOUT: {
    nl: 'Er is niet op tijd een pincode ingevoerd op de kaartlezer. Probeer het opnieuw.',
    en: 'No PIN was entered on the reader in time. Please try again.',
  },
  ERR_CERT_MALFORMED: {
    nl: 'Het certificaat is beschadigd of geen X.509-certificaat. Controleer het bestand of neem contact op met de uitgever.',
    en: 'The certificate is damaged or not an X.509 certificate. Check the file or contact the issuer.',
  },
  ERR_CERT_NOT_UZI: {
    nl: 'Dit is geen UZI-certificaat: de UZI-gegevens ontbreken. Gebruik een UZI-pas of ZORG-ID Smartcard.',
    en: 'This is not an UZI certificate: the UZI data is missing. Use an UZI card or ZORG-ID Smartcard.',
  },
  ERR_CERT_UZI_VALUE_NOT_IA5: {
    nl: 'De UZI-gegevens in het certificaat hebben een ongeldig formaat. Neem contact op met het UZI-register.',
    en: 'The UZI data in the certificate has an invalid encoding. Contact the UZI register.',
  },
  ERR_CERT_UZI_FIELD_COUNT: {
    nl: 'De UZI-gegevens in het certificaat zijn onvolledig. Neem contact op met het UZI-register.',
    en: 'The UZI data in the certificate is incomplete. Contact the UZI register.',
  },
  ERR_CERT_UZI_VERSION: {
    nl: 'Het certificaat heeft een onbekende UZI-versie. Neem contact op met het UZI-register.',
    en: 'The certificate has an unknown UZI version. Contact the UZI register.',
  },
  ERR_CERT_UZI_OID_CA_UNKNOWN: {
    nl: 'Het certificaat is niet uitgegeven door een bekende UZI-certificaatautoriteit.',
    en: 'The certificate was not issued by a known UZI certificate authority.',
  },
  ERR_CERT_UZI_NUMBER_INVALID: {
    nl: 'Het UZI-nummer in het certificaat is ongeldig. Neem contact op met het UZI-register.',
    en: 'The UZI number in the certificate is invalid. Contact the UZI register.',
  },
  ERR_CERT_UZI_CARD_TYPE_INVALID: {
    nl: 'Het pastype in het certificaat is onbekend. Neem contact op met het UZI-register.',
    en: 'The card type in the certificate is unknown. Contact the UZI register.',
  },
  ERR_CERT_UZI_URA_INVALID: {
    nl: 'Het URA-nummer in het certificaat is ongeldig. Neem contact op met het UZI-register.',
    en: 'The URA number in the certificate is invalid. Contact the UZI register.',
  },
  ERR_CERT_UZI_ROLE_INVALID: {
    nl: 'De rolcode in het certificaat is ongeldig. Neem contact op met het UZI-register.',
    en: 'The role code in the certificate is invalid. Contact the UZI register.',
  },
  ERR_CERT_UZI_AGB_INVALID: {
    nl: 'De AGB-code in het certificaat is ongeldig. Neem contact op met het UZI-register.',
    en: 'The AGB code in the certificate is invalid. Contact the UZI register.',
  },
  ERR_CERT_EXPIRED: {
    nl: 'Het certificaat op deze pas is verlopen. Vraag een nieuwe pas aan bij het UZI-register.',
    en: 'The certificate on this card has expired. Request a new card from the UZI register.',
  },
  ERR_CERT_NOT_YET_VALID: {
    nl: 'Het certificaat op deze pas is nog niet geldig. Controleer de datum en tijd van de computer, of wacht tot de pas geldig is.',
    en: 'The certificate on this card is not valid yet. Check the computer’s date and time, or wait until the card becomes valid.',
  },
  ERR_CERT_REVOKED: {
    nl: 'Het certificaat op deze pas is ingetrokken. Gebruik deze pas niet meer en neem contact op met het UZI-register.',
    en: 'The certificate on this card has been revoked. Stop using this card and contact the UZI register.',
  },
  ERR_CERT_REVOCATION_UNKNOWN: {
    nl: 'Er kon niet worden vastgesteld of het certificaat is ingetrokken. Probeer het later opnieuw.',
    en: 'It could not be determined whether the certificate was revoked. Please try again later.',
  },
  ERR_CERT_UNKNOWN_CA: {
    nl: 'Het certificaat is uitgegeven door een onbekende of niet-vertrouwde certificaatautoriteit.',
    en: 'The certificate was issued by an unknown or untrusted certificate authority.',
  },
  ERR_CERT_CHAIN_INVALID: {
    nl: 'De certificaatketen klopt niet (ongeldige handtekening of verkeerde uitgever).',
    en: 'The certificate chain is not valid (bad signature or wrong issuer).',
  },
  ERR_CERT_KEY_USAGE: {
    nl: 'Dit certificaat mag niet voor inloggen worden gebruikt. Gebruik het authenticatiecertificaat van de pas.',
    en: 'This certificate may not be used for logging in. Use the card’s authentication certificate.',
  },
  ERR_SETTINGS_INVALID: {
    nl: 'Deze instelling is ongeldig. Controleer de invoer.',
    en: 'This setting is invalid. Check your input.',
  },
  ERR_IPC_INVALID_INPUT: {
    nl: 'De app kreeg een ongeldig verzoek. Start de app opnieuw; blijft dit gebeuren, neem contact op met support.',
    en: 'The app received an invalid request. Restart the app; if this keeps happening, contact support.',
  },
  ERR_IPC_FORBIDDEN_SENDER: {
    nl: 'Een onbekende pagina probeerde de app te gebruiken. Het verzoek is geweigerd.',
    en: 'An unknown page tried to use the app. The request was refused.',
  },
  ERR_IPC_UNKNOWN_CHANNEL: {
    nl: 'De app kreeg een onbekend verzoek. Werk de app bij naar de nieuwste versie.',
    en: 'The app received an unknown request. Update the app to the latest version.',
  },
  ERR_INTERNAL: {
    nl: 'Er ging iets onverwacht mis in de app. Probeer het opnieuw; blijft dit gebeuren, neem contact op met support en noem de foutcode.',
    en: 'Something unexpected went wrong in the app. Please try again; if it keeps happening, contact support and mention the error code.',
  },
};

export function errorMessage(code: ErrorCode, lang: Language = 'nl'): string {
  return ERROR_MESSAGES[code][lang];
}
