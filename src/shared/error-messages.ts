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
  ERR_SMARTCARD_NOT_BLANK: {
    nl: 'Deze kaart is geen lege ZORG-ID Smartcard: er staan al sleutels of certificaten op. Gebruik een lege kaart.',
    en: 'This card is not a blank ZORG-ID Smartcard: it already holds keys or certificates. Use a blank card.',
  },
  ERR_SMARTCARD_PIN_MISMATCH: {
    nl: 'De twee pincodes zijn niet gelijk. Voer de nieuwe pincode twee keer hetzelfde in.',
    en: 'The two PINs differ. Enter the same new PIN twice.',
  },
  ERR_SMARTCARD_PIN_FORMAT: {
    nl: 'De pincode van de ZORG-ID Smartcard bestaat uit 6 tot 8 cijfers.',
    en: 'The ZORG-ID Smartcard PIN consists of 6 to 8 digits.',
  },
  ERR_SMARTCARD_KEYGEN_FAILED: {
    nl: 'Het sleutelpaar kon niet op de kaart worden gemaakt. De kaart is weer leeg; probeer het opnieuw.',
    en: 'The key pair could not be generated on the card. The card is blank again; try again.',
  },
  ERR_SMARTCARD_WRITE_FAILED: {
    nl: 'Het certificaat kon niet op de kaart worden gezet. De kaart is weer leeg; probeer het opnieuw.',
    en: 'The certificate could not be written to the card. The card is blank again; try again.',
  },
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
  ERR_SMARTCARD_PORTAL_REFUSED: {
    nl: 'Het portaal weigerde de ZORG-ID Smartcard. De kaart is weer leeg.',
    en: 'The portal refused the ZORG-ID Smartcard. The card is blank again.',
  },
  ERR_SMARTCARD_UNAVAILABLE: {
    nl: 'ZORG-ID Smartcards maken kan niet met deze app-instellingen. Vraag uw beheerder.',
    en: 'This app is not set up to create ZORG-ID Smartcards. Ask your administrator.',
  },
  ERR_SMARTCARD_BUSY: {
    nl: 'Er wordt al een ZORG-ID Smartcard gemaakt. Wacht tot die klaar is.',
    en: 'A ZORG-ID Smartcard is already being created. Wait until it has finished.',
  },
  ERR_SMARTCARD_NOT_FOUND: {
    nl: 'Deze ZORG-ID Smartcard is niet gevonden.',
    en: 'This ZORG-ID Smartcard was not found.',
  },
  ERR_SMARTCARD_STATUS_CONFLICT: {
    nl: 'Dit kan niet bij de huidige status van deze ZORG-ID Smartcard (bijvoorbeeld al geblokkeerd, niet geblokkeerd of al verwijderd). Vernieuw de pagina.',
    en: 'This is not possible in the current status of this ZORG-ID Smartcard (for example already blocked, not blocked or already removed). Refresh the page.',
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
  ERR_CERT_NOT_DER: {
    nl: 'Het certificaat is niet exact volgens DER gecodeerd (anders opgeschreven dan de uitgever het maakte) en wordt daarom geweigerd. Gebruik het certificaat zoals de uitgever het leverde.',
    en: 'The certificate is not encoded as exact DER (written differently from how the issuer made it) and is therefore refused. Use the certificate as the issuer delivered it.',
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
  ERR_PORTAL_UNREACHABLE: {
    nl: 'Het portaal is niet bereikbaar. Controleer de internetverbinding en probeer het opnieuw vanaf de website.',
    en: 'The portal cannot be reached. Check the internet connection and try again from the website.',
  },
  ERR_PORTAL_TIMEOUT: {
    nl: 'Het portaal reageerde niet op tijd. Probeer het over enkele ogenblikken opnieuw vanaf de website.',
    en: 'The portal did not respond in time. Try again from the website in a few moments.',
  },
  ERR_PORTAL_BAD_RESPONSE: {
    nl: 'Het portaal gaf een antwoord dat ZORG-ID Desktop niet begrijpt. Probeer het later opnieuw; blijft dit gebeuren, neem contact op met de beheerder van het portaal.',
    en: 'The portal gave an answer ZORG-ID Desktop does not understand. Try again later; if this keeps happening, contact the portal’s administrator.',
  },
  ERR_HANDOFF_OTHER_USER: {
    nl: 'Deze ZORG-ID Desktop hoort bij een andere gebruiker van deze computer en kan uw pas niet gebruiken. Start ZORG-ID Desktop in uw eigen sessie en klik daarna opnieuw op "Open ZORG-ID Desktop" op de website van het portaal.',
    en: 'This ZORG-ID Desktop belongs to another user of this computer and cannot use your card. Start ZORG-ID Desktop in your own session, then click "Open ZORG-ID Desktop" on the portal’s website again.',
  },
  ERR_HANDOFF_HOST_FORBIDDEN: {
    nl: 'Dit verzoek aan ZORG-ID Desktop kwam via een onbekend adres en is geweigerd. Start opnieuw vanaf de website van het portaal.',
    en: 'This request to ZORG-ID Desktop came through an unknown address and was refused. Start again from the portal’s website.',
  },
  ERR_HANDOFF_NOT_NAVIGATION: {
    nl: 'Een webpagina probeerde ZORG-ID Desktop op de achtergrond te gebruiken. Dat is geweigerd. Start inloggen met de knop op de website van het portaal.',
    en: 'A web page tried to use ZORG-ID Desktop in the background. This was refused. Start logging in with the button on the portal’s website.',
  },
  ERR_HANDOFF_PATH_UNKNOWN: {
    nl: 'Dit adres kent ZORG-ID Desktop niet. Start opnieuw vanaf de website van het portaal.',
    en: 'ZORG-ID Desktop does not know this address. Start again from the portal’s website.',
  },
  ERR_HANDOFF_METHOD_NOT_ALLOWED: {
    nl: 'Dit soort verzoek neemt ZORG-ID Desktop niet aan. Start opnieuw vanaf de website van het portaal.',
    en: 'ZORG-ID Desktop does not accept this kind of request. Start again from the portal’s website.',
  },
  ERR_HANDOFF_REQUEST_TOO_LARGE: {
    nl: 'Het verzoek aan ZORG-ID Desktop was te groot en is geweigerd. Start opnieuw vanaf de website van het portaal.',
    en: 'The request to ZORG-ID Desktop was too large and was refused. Start again from the portal’s website.',
  },
  ERR_HANDOFF_BODY_NOT_ALLOWED: {
    nl: 'Het verzoek aan ZORG-ID Desktop bevatte gegevens die niet zijn toegestaan en is geweigerd. Start opnieuw vanaf de website van het portaal.',
    en: 'The request to ZORG-ID Desktop carried data that is not allowed and was refused. Start again from the portal’s website.',
  },
  ERR_HANDOFF_REQUEST_TIMEOUT: {
    nl: 'Het verzoek aan ZORG-ID Desktop kwam niet op tijd binnen. Probeer het opnieuw vanaf de website van het portaal.',
    en: 'The request to ZORG-ID Desktop did not arrive in time. Try again from the portal’s website.',
  },
  ERR_HANDOFF_BAD_QUERY: {
    nl: 'De link naar ZORG-ID Desktop is onvolledig of beschadigd. Start opnieuw vanaf de website van het portaal.',
    en: 'The link to ZORG-ID Desktop is incomplete or damaged. Start again from the portal’s website.',
  },
  ERR_HANDOFF_PORTAL_NOT_ALLOWED: {
    nl: 'Dit portaal staat niet in de lijst van vertrouwde portalen van ZORG-ID Desktop. Neem contact op met uw ICT-afdeling als u dit portaal wilt gebruiken.',
    en: 'This portal is not on ZORG-ID Desktop’s list of trusted portals. Contact your IT department if you want to use this portal.',
  },
  ERR_HANDOFF_BUSY: {
    nl: 'ZORG-ID Desktop is al bezig met een andere aanvraag. Rond die eerst af of annuleer hem in de app, en probeer het dan opnieuw.',
    en: 'ZORG-ID Desktop is already handling another request. Finish or cancel it in the app first, then try again.',
  },
  ERR_HANDOFF_REQUEST_REUSED: {
    nl: 'Deze aanvraag is al eerder door ZORG-ID Desktop behandeld. Start opnieuw vanaf de website van het portaal.',
    en: 'ZORG-ID Desktop has already handled this request. Start again from the portal’s website.',
  },
  ERR_HANDOFF_REQUEST_MISMATCH: {
    nl: 'De aanvraag hoort niet bij dit portaal en is geweigerd. Start opnieuw vanaf de website van het portaal.',
    en: 'The request does not belong to this portal and was refused. Start again from the portal’s website.',
  },
  ERR_HANDOFF_PURPOSE_MISMATCH: {
    nl: 'ZORG-ID Desktop kan deze handeling niet uitvoeren voor dit portaal. Start opnieuw vanaf de website; blijft dit gebeuren, neem contact op met de beheerder van het portaal.',
    en: 'ZORG-ID Desktop cannot carry out this action for this portal. Start again from the website; if this keeps happening, contact the portal’s administrator.',
  },
  ERR_HANDOFF_CARD_TYPE_NOT_ALLOWED: {
    nl: 'Met deze UZI-pas kunt u geen organisatie valideren: alleen een zorgverleverspas (Z) of een medewerkerpas op naam (N) is toegestaan, geen pas niet op naam (M) of servercertificaat (S). Gebruik een UZI-pas op uw naam.',
    en: 'This UZI card cannot validate an organisation: only a healthcare professional card (Z) or a named employee card (N) is allowed, not an unnamed card (M) or a server certificate (S). Use an UZI card in your name.',
  },
  ERR_HANDOFF_URA_MISMATCH: {
    nl: 'Het URA-nummer op deze UZI-pas hoort niet bij de organisatie die u wilt valideren. Gebruik een UZI-pas van deze organisatie; kloppen de gegevens niet, neem dan contact op met VZVZ.',
    en: 'The URA number on this UZI card does not belong to the organisation you want to validate. Use an UZI card of this organisation; if the data is wrong, contact VZVZ.',
  },
  ERR_HANDOFF_QR_INVALID: {
    nl: 'Het portaal stuurde een QR-code die ZORG-ID Desktop niet kan tonen. Maak in het portaal een nieuwe QR-code aan.',
    en: 'The portal sent a QR code that ZORG-ID Desktop cannot show. Create a new QR code in the portal.',
  },
  ERR_HANDOFF_REQUEST_EXPIRED: {
    nl: 'De aanvraag is verlopen. Start opnieuw vanaf de website van het portaal.',
    en: 'The request has expired. Start again from the portal’s website.',
  },
  ERR_HANDOFF_LISTENER_UNAVAILABLE: {
    nl: 'ZORG-ID Desktop kan de koppeling met de browser niet openen, omdat de poorten bezet zijn. Sluit andere exemplaren van de app of neem contact op met uw ICT-afdeling.',
    en: 'ZORG-ID Desktop cannot open the link with the browser because its ports are in use. Close other copies of the app or contact your IT department.',
  },
  ERR_STORE_UNAVAILABLE: {
    nl: 'ZORG-ID Desktop kan zijn gegevensbestand niet openen. Start de app opnieuw; helpt dat niet, neem contact op met uw ICT-afdeling.',
    en: 'ZORG-ID Desktop cannot open its data file. Restart the app; if that does not help, contact your IT department.',
  },
  ERR_STORE_SCHEMA_TOO_NEW: {
    nl: 'Het gegevensbestand is gemaakt door een nieuwere versie van ZORG-ID Desktop. Installeer de nieuwste versie van de app.',
    en: 'The data file was created by a newer version of ZORG-ID Desktop. Install the latest version of the app.',
  },
  ERR_STORE_MIGRATION_FAILED: {
    nl: 'Het bijwerken van het gegevensbestand van ZORG-ID Desktop is mislukt; er is niets gewijzigd. Neem contact op met uw ICT-afdeling.',
    en: 'Updating ZORG-ID Desktop’s data file failed; nothing was changed. Contact your IT department.',
  },
  ERR_STORE_AUDIT_RECORD_INVALID: {
    nl: 'Een logregel werd geweigerd omdat hij gegevens bevatte die niet gelogd mogen worden. Neem contact op met support.',
    en: 'A log record was refused because it contained data that must not be logged. Contact support.',
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
  ERR_DEMO_DISABLED: {
    nl: 'De demopas is alleen beschikbaar in de demo (npm start). Gebruik een echte kaartlezer en pas.',
    en: 'The demo card is only available in the demo (npm start). Use a real card reader and card.',
  },
  ERR_APP_NATIVE_MODULE: {
    nl: 'Een onderdeel van ZORG-ID Desktop kon niet worden geladen (zie "Onderdeel"). De installatie is onvolledig of hoort bij een ander systeem. Installeer de app opnieuw; helpt dat niet, neem contact op met uw ICT-afdeling en noem de foutcode en het onderdeel.',
    en: 'A component of ZORG-ID Desktop could not be loaded (see "Component"). The installation is incomplete or belongs to another system. Reinstall the app; if that does not help, contact your IT department and give the error code and the component.',
  },
  ERR_APP_START_FAILED: {
    nl: 'ZORG-ID Desktop kon niet starten. Start de app opnieuw; helpt dat niet, neem contact op met uw ICT-afdeling en noem de foutcode.',
    en: 'ZORG-ID Desktop could not start. Restart the app; if that does not help, contact your IT department and give the error code.',
  },
  ERR_INTERNAL: {
    nl: 'Er ging iets onverwacht mis in de app. Probeer het opnieuw; blijft dit gebeuren, neem contact op met support en noem de foutcode.',
    en: 'Something unexpected went wrong in the app. Please try again; if it keeps happening, contact support and mention the error code.',
  },
  // Diagnostics and log (issue 14)
  ERR_DIAG_SAVE_UNAVAILABLE: {
    nl: 'Deze omgeving kan het diagnoserapport niet zelf als bestand opslaan. Gebruik Kopiëren en plak het rapport in een e-mail of melding.',
    en: 'This environment cannot save the diagnostics report as a file itself. Use Copy and paste the report into an e-mail or ticket.',
  },
  ERR_DIAG_SAVE_FAILED: {
    nl: 'Het diagnoserapport kon niet worden opgeslagen. Kies een andere map of gebruik Kopiëren.',
    en: 'The diagnostics report could not be saved. Choose another folder or use Copy.',
  },
};

export function errorMessage(code: ErrorCode, lang: Language = 'nl'): string {
  return ERROR_MESSAGES[code][lang];
}
