// The portal's own codes (administration, Mobiel ID, HTTP limits), composed with the protocol's and
// the UZI package's into the one closed set the portal answers with. Texts in error-messages.ts.
import { errorFamily, familyErrorClass, PROTOCOL_ERROR_KINDS, type ErrorKind } from '@zorgid/protocol';
import { UZI_ERROR_KINDS } from '@zorgid/uzi';

export const PORTAL_ERROR_KINDS = {
  // HTTP limits in front of every portal route (portal/http-guard.ts, issue 15 item 1)
  ERR_HTTP_BODY_TOO_LARGE: 'fatal',
  ERR_HTTP_BAD_JSON: 'fatal',
  ERR_HTTP_RATE_LIMITED: 'retry',
  ERR_HTTP_CROSS_SITE: 'fatal',
  // Organisation validation, enrolment codes and Mobiel ID (portal/, manual §6, handoff-protocol.md §7)
  ERR_PORTAL_OPERATOR_FORBIDDEN: 'fatal',
  ERR_MOBILE_QR_INVALID: 'fatal',
  ERR_MOBILE_LOGIN_CODE_UNKNOWN: 'retry',
  ERR_MOBILE_LOGIN_CODE_EXPIRED: 'retry',
  ERR_MOBILE_LOGIN_CODE_USED: 'retry',
  ERR_MOBILE_LOGIN_CODE_VOID: 'retry',
  ERR_MOBILE_CODE_MISMATCH: 'retry',
  ERR_MOBILE_ID_UNKNOWN: 'fatal',
  ERR_MOBILE_SIGNATURE_INVALID: 'fatal',
  ERR_MOBILE_ID_BLOCKED: 'fatal',
  ERR_MOBILE_ID_REVOKED: 'fatal',
  // Portal administration: roles, users, block/revoke, memberships (portal/admin*, manual §4–§9)
  ERR_ADMIN_LOGIN_REQUIRED: 'retry',
  ERR_ADMIN_FORBIDDEN: 'fatal',
  ERR_ADMIN_INVALID_INPUT: 'retry',
  ERR_ADMIN_ORG_UNKNOWN: 'fatal',
  ERR_ADMIN_USER_NOT_FOUND: 'fatal',
  ERR_ADMIN_ONLY_ADMINISTRATOR: 'fatal',
  ERR_ADMIN_NO_MOBILE_ID: 'fatal',
  ERR_ADMIN_ALREADY_BLOCKED: 'fatal',
  ERR_ADMIN_NOT_BLOCKED: 'fatal',
  ERR_ADMIN_USER_BLOCKED: 'fatal',
  ERR_ADMIN_MEMBER_EXISTS: 'fatal',
  ERR_ADMIN_MEMBER_MISMATCH: 'retry',
  ERR_ADMIN_CONFIRMATION_REQUIRED: 'retry',
  ERR_ADMIN_OTHER_ORGANISATION: 'fatal',
  ERR_ADMIN_DEVICE_ACTIVE: 'fatal',
  // The OpenID Provider (portal/oidc/, docs/oidc.md); OAuth errors themselves keep their standard codes
  ERR_OIDC_INTERACTION_UNKNOWN: 'retry',
  ERR_OIDC_CLIENT_INVALID: 'retry',
} as const satisfies Record<string, ErrorKind>;

export const ERROR_KINDS = { ...PROTOCOL_ERROR_KINDS, ...UZI_ERROR_KINDS, ...PORTAL_ERROR_KINDS };
export type ErrorCode = keyof typeof ERROR_KINDS;
const portalErrors = errorFamily(ERROR_KINDS);
export const ERROR_CODES = portalErrors.codes;
export const isErrorCode = portalErrors.isCode;
export const kindOf = portalErrors.kindOf;

/** The portal's error class; also true for the validator's and the UZI package's coded errors. */
export class AppError extends familyErrorClass('AppError', portalErrors) {}
