// @zorgid/protocol: what the desktop app and a portal agree on. The handoff token format
// (handoff-protocol.md), the portal-origin rule, the Smartcard activation message, a bounded body
// reader, and the coded errors with their texts.
export * from './errors/index';
export * from './handoff-token';
export * from './portal-origin';
export * from './read-capped';
export * from './smartcard-activation';
