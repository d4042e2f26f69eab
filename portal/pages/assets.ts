// The portal's only script and stylesheet, served from /static (the CSP allows 'self' only). Plain
// ES2017 so every supported browser runs it without a build step.

export const PORTAL_JS = String.raw`'use strict';
(function () {
  var body = document.body;
  var pageName = body.getAttribute('data-page');

  function postJson(url, data) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      // The wait page runs under no-referrer, which would make the Origin header "null".
      referrerPolicy: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(data || {}),
    }).then(function (res) {
      return res.json().then(function (json) { return { ok: res.ok, status: res.status, json: json }; });
    });
  }

  function landing() {
    var button = document.getElementById('login-qr');
    var img = button.querySelector('img');
    var expiredLabel = button.querySelector('.qr-expired');
    var status = document.getElementById('qr-status');
    var confirmCode = document.getElementById('login-qr-code');
    // Server time, so a wrong client clock does not shorten or stretch the countdown.
    var expiresAt = Number(body.getAttribute('data-qr-expires-at'));
    var offset = Number(body.getAttribute('data-now')) - Date.now();
    var timer = null;
    function tick() {
      var left = Math.max(0, Math.round((expiresAt - (Date.now() + offset)) / 1000));
      if (left <= 0) {
        button.classList.add('expired');
        expiredLabel.hidden = false;
        status.textContent = 'De QR-code is verlopen. Klik op de code voor een nieuwe.';
        clearInterval(timer);
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      status.textContent = 'Nog ' + m + ':' + (s < 10 ? '0' : '') + s + ' geldig';
    }
    function refresh() {
      postJson('/api/login-qr').then(function (r) {
        if (!r.ok) { status.textContent = r.json.message + ' (' + r.json.code + ')'; return; }
        img.src = r.json.dataUrl;
        confirmCode.textContent = r.json.confirmCode;
        expiresAt = r.json.expiresAt;
        offset = r.json.now - Date.now();
        button.classList.remove('expired');
        expiredLabel.hidden = true;
        clearInterval(timer);
        timer = setInterval(tick, 1000);
        tick();
      });
    }
    button.addEventListener('click', refresh);
    timer = setInterval(tick, 1000);
    tick();
    // A Mobile App that scanned this browser's QR has logged it in on the portal side; the browser
    // takes over the session with its own cookie.
    var mobilePoll = setInterval(function () {
      postJson('/api/login-qr/complete').then(function (r) {
        if (r.ok && r.json.outcome === 'ok') {
          clearInterval(mobilePoll);
          location.assign(r.json.next);
        }
        // A wrong confirmation code ended this QR: shown like an expired one, a click gives a new one.
        if (r.ok && r.json.outcome === 'void' && !button.classList.contains('expired')) {
          clearInterval(timer);
          button.classList.add('expired');
          expiredLabel.hidden = false;
          status.textContent = r.json.message + ' (' + r.json.code + ')';
        }
      }).catch(function () {});
    }, 1000);
  }

  function organisationCode() {
    var id = body.getAttribute('data-validation');
    var poll = setInterval(function () {
      fetch('/organisatie/validatie/' + encodeURIComponent(id) + '/status', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.json(); })
        .then(function (s) { if (s.state === 'active') { clearInterval(poll); location.reload(); } })
        .catch(function () {});
    }, 1000);
  }

  function start() {
    var url = body.getAttribute('data-app-url');
    var key = 'zorgid-started:' + location.pathname;
    // Navigate once; coming back (app not running) leaves the links visible instead of looping.
    if (!sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, '1');
      location.assign(url);
    }
  }

  var STEPS = ['pending', 'card-read', 'signed', 'done'];
  var TEXT = {
    pending: 'Wachten op ZORG-ID Desktop…',
    'card-read': 'Pas gelezen. Voer uw pincode in ZORG-ID Desktop in.',
    signed: 'Ondertekend. Het portaal controleert uw pas…',
    done: 'Gelukt. U gaat verder…',
    failed: 'Het is niet gelukt.',
    cancelled: 'U heeft de handeling in ZORG-ID Desktop geannuleerd.',
    expired: 'De aanvraag is verlopen (na 5 minuten).',
  };

  function wait() {
    var id = body.getAttribute('data-request');
    var params = new URLSearchParams(location.search);
    var bcKey = 'zorgid-bc:' + id;
    var bc = params.get('bc');
    if (bc) {
      sessionStorage.setItem(bcKey, bc);
      // The browser code must not linger in history, bookmarks or screenshots.
      history.replaceState(null, '', location.pathname);
    } else {
      bc = sessionStorage.getItem(bcKey);
    }
    var statusEl = document.getElementById('status');
    var problem = document.getElementById('problem');
    var again = document.getElementById('again');
    var finished = false;
    var source = null;
    var poller = null;

    function showProblem(message, code) {
      problem.hidden = false;
      problem.className = 'error';
      problem.textContent = '';
      var p = document.createElement('p');
      p.textContent = message;
      problem.appendChild(p);
      if (code) {
        var c = document.createElement('p');
        c.className = 'code';
        c.textContent = 'Foutcode: ' + code;
        problem.appendChild(c);
      }
      again.hidden = false;
    }

    function complete() {
      // enrol-user has no card and no token: the portal checks the session only.
      if (!bc && body.getAttribute('data-purpose') === 'enrol-user') bc = 'none';
      if (!bc) {
        showProblem('Deze browser heeft de code van ZORG-ID Desktop niet ontvangen. Start opnieuw.', 'ERR_PORTAL_BROWSER_CODE_INVALID');
        return;
      }
      postJson('/handoff/' + encodeURIComponent(id) + '/complete', { bc: bc }).then(function (r) {
        sessionStorage.removeItem(bcKey);
        if (r.ok) location.assign(r.json.next);
        else showProblem(r.json.message, r.json.code);
      });
    }

    function show(update) {
      if (finished) return;
      var state = update.state;
      var reached = STEPS.indexOf(state);
      var items = document.querySelectorAll('#steps li');
      for (var i = 0; i < items.length; i++) {
        items[i].classList.toggle('reached', reached >= 0 && i <= reached);
      }
      statusEl.textContent = TEXT[state] || state;
      if (state === 'done' || state === 'failed' || state === 'cancelled' || state === 'expired') {
        finished = true;
        if (source) source.close();
        if (poller) clearInterval(poller);
        if (state === 'done') complete();
        else showProblem(update.message || TEXT[state], update.code);
      }
    }

    function poll() {
      fetch('/handoff/' + encodeURIComponent(id) + '/status', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.json(); })
        .then(show)
        .catch(function () { /* keep polling */ });
    }

    function startPolling() {
      if (poller || finished) return;
      poller = setInterval(poll, 1000);
      poll();
    }

    if (window.EventSource) {
      source = new EventSource('/handoff/' + encodeURIComponent(id) + '/events');
      source.addEventListener('state', function (e) { show(JSON.parse(e.data)); });
      source.onerror = function () {
        if (source) source.close();
        source = null;
        startPolling();
      };
    } else {
      startPolling();
    }
  }

  function loggedIn() {
    // The app reports card removal to the portal; the page follows within a second.
    setInterval(function () {
      fetch('/api/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.json(); })
        .then(function (s) { if (!s.active) location.assign('/?afgemeld=' + encodeURIComponent(s.reason || 'sessie')); })
        .catch(function () {});
    }, 1000);
  }

  if (pageName === 'landing') landing();
  else if (pageName === 'start') start();
  else if (pageName === 'wait') wait();
  else if (pageName === 'logged-in') loggedIn();
  else if (pageName === 'org-code') organisationCode();
})();
`;

export const PORTAL_CSS = `
:root { --ink: #1d2a38; --muted: #5a6878; --accent: #00528a; --bad: #a4000f; --line: #d8dee6; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
.top { display: flex; gap: 1rem; align-items: baseline; padding: 1rem 2rem; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; color: var(--accent); text-decoration: none; font-size: 1.2rem; }
.tag { color: var(--muted); font-size: .85rem; }
main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
footer { max-width: 60rem; margin: 3rem auto 2rem; padding: 0 1.5rem; color: var(--muted); font-size: .85rem; }
h1 { font-size: 1.7rem; margin: 0 0 1rem; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1.5rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem; }
.qr { position: relative; display: block; padding: 0; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
.qr img { display: block; }
.qr.expired img { opacity: .12; }
.qr-expired { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; text-align: center; padding: 1rem; font-weight: 600; }
.qr-expired[hidden] { display: none; }
.confirm-code strong { font-size: 1.5rem; letter-spacing: .12em; font-variant-numeric: tabular-nums; white-space: nowrap; display: inline-block; }
.countdown, .hint { color: var(--muted); }
button, .button { font: inherit; padding: .6rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: #fff; color: var(--accent); cursor: pointer; text-decoration: none; display: inline-block; }
.primary { background: var(--accent); color: #fff; }
button:focus-visible, a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.notice { background: #e8f1f8; border-left: 4px solid var(--accent); padding: .75rem 1rem; }
.error { background: #fdecee; border-left: 4px solid var(--bad); padding: .75rem 1rem; }
.code { font-size: .85rem; color: var(--muted); }
.steps li { color: var(--muted); }
.steps li.reached { color: var(--ink); font-weight: 600; }
.holder { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; }
.holder dt { color: var(--muted); }
.holder dd { margin: 0; font-weight: 600; }
.form { display: grid; gap: 1rem; max-width: 32rem; margin: 1.5rem 0; }
.field label { display: block; font-weight: 600; }
.field input[type=text], .field input[type=password], .field input[type=date] { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 4px; width: 100%; }
.field.invalid input { border-color: var(--bad); }
.field-error { color: var(--bad); margin: .25rem 0 0; font-weight: 600; }
.list { border-collapse: collapse; width: 100%; background: #fff; margin: 1rem 0; }
.list th, .list td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
.more { margin-top: 1.5rem; }
.field select { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 4px; width: 100%; background: #fff; }
.field.invalid select { border-color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.form > button { justify-self: start; }
.card + .card { margin-top: 1.5rem; }
.qr-once { max-width: 30rem; margin: 0 auto; text-align: center; }
.qr-once img { display: block; margin: 1rem auto; border: 1px solid var(--line); }
.qr-once ol { text-align: left; }
.steps li[data-state=klaar] { color: var(--ink); }
.steps li[data-state=nu] { color: var(--ink); font-weight: 600; }
`;
