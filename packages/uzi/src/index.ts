// @zorgid/uzi: UZI certificates (uzi-domain.md). Parsing the UZI otherName into the holder, the
// pastype/role tables, key usage and validity, strict DER, chain building to a trusted UZI CA, and the
// CSR of a ZORG-ID Smartcard.
export * from './errors';
export * from './holder';
export * from './uzi-oids';
export * from './uzi-roles';
export * from './der';
export * from './strict-der';
export * from './uzi-parser';
export * from './chain';
export * from './csr';
