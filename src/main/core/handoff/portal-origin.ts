// The reference portal's origin as `npm start` runs it (portal/server.ts DEFAULT_PORTAL_PORT). What
// counts as a portal origin at all is the protocol's rule (@zorgid/protocol isPortalOrigin).
export const REFERENCE_PORTAL_ORIGIN = 'http://127.0.0.1:24780';
