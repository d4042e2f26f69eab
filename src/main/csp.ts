// The one Content-Security-Policy of the renderer, in Electron and in the browser preview host alike:
// our own scripts, styles and API only; no inline code, no frames, no forms, no plugins.
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
