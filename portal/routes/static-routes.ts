// The portal's script, style sheet and (empty) favicon.
import type { Hono } from 'hono';
import { PORTAL_CSS, PORTAL_JS } from '../pages/assets';
import type { Env } from '../route-context';

export function registerStaticRoutes(app: Hono<Env>): void {
  app.get('/static/portal.js', (c) => c.body(PORTAL_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/static/portal.css', (c) => c.body(PORTAL_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
}
