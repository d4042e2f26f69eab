// The small Dutch page the loopback listener answers a refused request with: the code and what to do,
// nothing else (no stack trace, no request data echoed back, no links, no script).
import { ERROR_MESSAGES } from '../../../shared/error-messages';
import type { ErrorCode } from '../../../shared/errors';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function errorPage(code: ErrorCode): string {
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ZORG-ID Desktop</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}code{background:#eee;padding:.1rem .3rem}</style>
</head><body>
<h1>ZORG-ID Desktop</h1>
<p>${escapeHtml(ERROR_MESSAGES[code].nl)}</p>
<p>Foutcode: <code>${escapeHtml(code)}</code></p>
<p>Uw helpdesk kan om het diagnoserapport vragen: in ZORG-ID Desktop onder <em>Diagnose</em>.</p>
</body></html>
`;
}
