// OID-CA values that may appear as the first field of the UZI otherName (uzi-domain.md, from the
// UZI-register CPS and the pUZI libraries). Anything else is not an UZI certificate.

export interface OidCaInfo {
  name: string;
  environment: 'production' | 'test';
}

export const UZI_OTHER_NAME_OID = '2.5.5.5';
export const MS_UPN_OID = '1.3.6.1.4.1.311.20.2.3';

export const UZI_OID_CA: Readonly<Record<string, OidCaInfo>> = {
  '2.16.528.1.1003.1.3.5.5.2': { name: 'UZI-register Zorgverlener CA', environment: 'production' },
  '2.16.528.1.1003.1.3.5.5.3': { name: 'UZI-register Medewerker op naam CA', environment: 'production' },
  '2.16.528.1.1003.1.3.5.5.4': { name: 'UZI-register Medewerker niet op naam CA', environment: 'production' },
  '2.16.528.1.1003.1.3.5.5.5': { name: 'UZI-register Server CA', environment: 'production' },
  '2.16.528.1.1007.99.217': { name: 'TEST UZI-register', environment: 'test' },
};

export function isKnownOidCa(oid: string): boolean {
  return Object.prototype.hasOwnProperty.call(UZI_OID_CA, oid);
}

/** Certificate policies per certificate kind (production 2.16.528.1.1003.1.2.5.x, TEST 2.16.528.1.1007.99.21x). */
export const UZI_POLICIES: Readonly<Record<string, { kind: 'authentication' | 'signing' | 'encryption' | 'server'; environment: 'production' | 'test' }>> = {
  '2.16.528.1.1003.1.2.5.1': { kind: 'authentication', environment: 'production' },
  '2.16.528.1.1003.1.2.5.2': { kind: 'signing', environment: 'production' },
  '2.16.528.1.1003.1.2.5.3': { kind: 'encryption', environment: 'production' },
  '2.16.528.1.1003.1.2.5.4': { kind: 'authentication', environment: 'production' },
  '2.16.528.1.1003.1.2.5.5': { kind: 'encryption', environment: 'production' },
  '2.16.528.1.1003.1.2.5.6': { kind: 'server', environment: 'production' },
  '2.16.528.1.1007.99.211': { kind: 'authentication', environment: 'test' },
  '2.16.528.1.1007.99.212': { kind: 'signing', environment: 'test' },
  '2.16.528.1.1007.99.213': { kind: 'encryption', environment: 'test' },
};
