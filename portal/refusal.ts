// The portal's one way to refuse: an ErrorCode as JSON ({outcome: 'refused', code, kind, message}) or
// as the Dutch error page, with the HTTP status that code means.
import { kindOf, type ErrorCode } from './errors';
import { ERROR_MESSAGES } from './error-messages';
import { errorPage } from './pages/pages';
import type { PortalContext } from './route-context';

function statusOf(code: ErrorCode): 400 | 403 | 404 | 409 | 410 | 413 | 429 {
  switch (code) {
    case 'ERR_TOKEN_SIZE':
    case 'ERR_HTTP_BODY_TOO_LARGE':
      return 413;
    case 'ERR_HTTP_RATE_LIMITED':
      return 429;
    case 'ERR_TOKEN_REQUEST_UNKNOWN':
    case 'ERR_PORTAL_HANDOFF_NOT_FOUND':
      return 404;
    case 'ERR_TOKEN_REQUEST_EXPIRED':
    case 'ERR_PORTAL_HANDOFF_EXPIRED':
      return 410;
    case 'ERR_TOKEN_REQUEST_USED':
    case 'ERR_PORTAL_HANDOFF_NOT_PENDING':
      return 409;
    case 'ERR_PORTAL_FORBIDDEN_ORIGIN':
    case 'ERR_HTTP_CROSS_SITE':
    case 'ERR_PORTAL_SESSION_MISMATCH':
    case 'ERR_PORTAL_BROWSER_CODE_INVALID':
      return 403;
    default:
      return 400;
  }
}

export const errorBody = (code: ErrorCode) => ({ outcome: 'refused' as const, code, kind: kindOf(code), message: ERROR_MESSAGES[code].nl });

export const refuse = (c: PortalContext, code: ErrorCode, html = false) =>
  html ? c.html(errorPage(code), statusOf(code)) : c.json(errorBody(code), statusOf(code));
