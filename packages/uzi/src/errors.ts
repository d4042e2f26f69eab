// The UZI package's codes: certificate parsing and chain verification. Pure (no Node imports), so the
// renderer can show the texts.
import { errorFamily, familyErrorClass, type ErrorKind, type ErrorTexts } from '@zorgid/protocol/errors';

export const UZI_ERROR_KINDS = {
  // Certificates (UZI parser and chain verification)
  ERR_CERT_MALFORMED: 'fatal',
  ERR_CERT_NOT_DER: 'fatal',
  ERR_CERT_NOT_UZI: 'fatal',
  ERR_CERT_UZI_VALUE_NOT_IA5: 'fatal',
  ERR_CERT_UZI_FIELD_COUNT: 'fatal',
  ERR_CERT_UZI_VERSION: 'fatal',
  ERR_CERT_UZI_OID_CA_UNKNOWN: 'fatal',
  ERR_CERT_UZI_NUMBER_INVALID: 'fatal',
  ERR_CERT_UZI_CARD_TYPE_INVALID: 'fatal',
  ERR_CERT_UZI_URA_INVALID: 'fatal',
  ERR_CERT_UZI_ROLE_INVALID: 'fatal',
  ERR_CERT_UZI_AGB_INVALID: 'fatal',
  ERR_CERT_EXPIRED: 'fatal',
  ERR_CERT_NOT_YET_VALID: 'fatal',
  ERR_CERT_REVOKED: 'fatal',
  ERR_CERT_REVOCATION_UNKNOWN: 'fatal',
  ERR_CERT_UNKNOWN_CA: 'fatal',
  ERR_CERT_CHAIN_INVALID: 'fatal',
  ERR_CERT_KEY_USAGE: 'fatal',
} as const satisfies Record<string, ErrorKind>;

export type UziErrorCode = keyof typeof UZI_ERROR_KINDS;
export const uziErrors = errorFamily(UZI_ERROR_KINDS);
export class UziError extends familyErrorClass('UziError', uziErrors) {}

export const UZI_ERROR_MESSAGES: ErrorTexts<UziErrorCode> = {
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
};
