// Dutch and English texts of every code the app can show: its own here, the protocol's and the UZI
// package's from their packages. Every message says what happened and what to do next. Dutch first.
import { PROTOCOL_ERROR_MESSAGES, type ErrorTexts, type Language } from '@zorgid/protocol/errors';
import { UZI_ERROR_MESSAGES } from '@zorgid/uzi/errors';
import type { APP_ERROR_KINDS, ErrorCode } from './errors';

export type { Language } from '@zorgid/protocol/errors';

const APP_ERROR_MESSAGES: ErrorTexts<keyof typeof APP_ERROR_KINDS> = {
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
  // Managed workstation policy (issue 14)
  ERR_POLICY_INVALID: {
    nl: 'Het beleid dat uw organisatie voor deze computer heeft ingesteld, bevat een ongeldige waarde (zie "Instelling" en "Waar"). Zolang dat zo is, vertrouwt ZORG-ID Desktop geen enkel portaal. Vraag uw ICT-afdeling deze waarde te herstellen.',
    en: 'The policy your organisation set for this computer contains an invalid value (see "Setting" and "Where"). Until it is fixed, ZORG-ID Desktop trusts no portal. Ask your IT department to fix this value.',
  },
  ERR_POLICY_UNKNOWN_KEY: {
    nl: 'Het beleid van uw organisatie bevat een instelling die deze versie van ZORG-ID Desktop niet kent; die wordt niet gebruikt. Vraag uw ICT-afdeling de naam te controleren.',
    en: 'Your organisation’s policy contains a setting this version of ZORG-ID Desktop does not know; it is not used. Ask your IT department to check the name.',
  },
  ERR_SETTINGS_LOCKED: {
    nl: 'Deze instelling is ingesteld door uw organisatie en kan hier niet worden gewijzigd. Neem contact op met uw ICT-afdeling.',
    en: 'This setting is set by your organisation and cannot be changed here. Contact your IT department.',
  },
  // Diagnostics and log (issue 14)
  ERR_DIAG_UNAVAILABLE: {
    nl: 'Deze omgeving kan geen diagnoserapport maken. Start ZORG-ID Desktop met --diagnose, of neem contact op met uw ICT-afdeling.',
    en: 'This environment cannot make a diagnostics report. Start ZORG-ID Desktop with --diagnose, or contact your IT department.',
  },
  ERR_DIAG_SAVE_UNAVAILABLE: {
    nl: 'Deze omgeving kan het diagnoserapport niet zelf als bestand opslaan. Gebruik Kopiëren en plak het rapport in een e-mail of melding.',
    en: 'This environment cannot save the diagnostics report as a file itself. Use Copy and paste the report into an e-mail or ticket.',
  },
  ERR_DIAG_SAVE_FAILED: {
    nl: 'Het diagnoserapport kon niet worden opgeslagen. Kies een andere map of gebruik Kopiëren.',
    en: 'The diagnostics report could not be saved. Choose another folder or use Copy.',
  },
};

export const ERROR_MESSAGES: ErrorTexts<ErrorCode> = { ...PROTOCOL_ERROR_MESSAGES, ...UZI_ERROR_MESSAGES, ...APP_ERROR_MESSAGES };

export function errorMessage(code: ErrorCode, lang: Language = 'nl'): string {
  return ERROR_MESSAGES[code][lang];
}
