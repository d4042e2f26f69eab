// The few pages of the OpenID Provider itself (logout question, logged out, error), in the portal's
// layout, Dutch first. The login is the portal's own landing page (routes.ts).
import { html, page, raw } from '../pages/layout';

/** `form` is oidc-provider's hidden logout form (its xsrf field); the buttons submit it. */
export function logoutPage(form: string): string {
  return page(
    'Uitloggen',
    html`<h1>Uitloggen bij ZORG-ID</h1>
<p>Wilt u ook uitloggen bij ZORG-ID? <span lang="en">Do you want to log out of ZORG-ID too?</span></p>
${raw(form)}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary" id="logout-yes">Ja, uitloggen</button>
<button type="submit" form="op.logoutForm" id="logout-no">Nee</button></p>`,
  );
}

export function postLogoutPage(): string {
  return page('Uitgelogd', html`<h1>U bent uitgelogd</h1><p>U bent uitgelogd bij ZORG-ID. <span lang="en">You are logged out of ZORG-ID.</span></p>`);
}

/** The standard OAuth error code stays visible: a relying party's developer searches for it. */
export function oidcErrorPage(error: string, description: string): string {
  return page(
    'Fout',
    html`<h1>Inloggen bij deze toepassing lukt niet</h1>
<p>De toepassing vroeg iets wat ZORG-ID niet toestaat. <span lang="en">The application asked for something ZORG-ID does not allow.</span></p>
<p class="hint"><code id="oidc-error">${error}</code> ${description}</p>`,
  );
}
