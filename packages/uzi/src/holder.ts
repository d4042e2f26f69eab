// The holder as an UZI (or ZORG-ID Smartcard) certificate names them (uzi-domain.md).

/** UZI pastype (uzi-domain.md): Z zorgverlener, N medewerker op naam, M niet op naam, S server. */
export type CardType = 'Z' | 'N' | 'M' | 'S';

/** The holder as read from an UZI (or ZORG-ID Smartcard) authentication certificate. */
export interface UziHolder {
  uziNumber: string;
  cardType: CardType;
  roleCode: string;
  /** Dutch label of the role; the code itself when unknown. */
  roleLabel: string;
  /** URA (abonneenummer), 8 digits. */
  ura: string;
  /** AGB code, 8 digits or 00000000. */
  agb: string;
  oidCa: string;
  version: string;
  givenName: string | null;
  surname: string | null;
  commonName: string | null;
  organisation: string | null;
  subjectSerialNumber: string | null;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
}
