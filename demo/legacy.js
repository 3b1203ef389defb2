// The demo's legacy page: no build step, the script-tag build (global SessionFetch), jQuery 3 and $.ajax.
// Loaded with `defer` after jquery.min.js, session-fetch.global.js and the overlay IIFE.
/* global $, SessionFetch */
(() => {
  const results = document.getElementById('results');
  const report = (text, kind) => {
    const item = document.createElement('li');
    item.className = kind || 'info';
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString();
    item.append(time, ' ', text);
    results.prepend(item);
    return item;
  };
  const message = (error) => {
    if (!error) return 'failed';
    if (SessionFetch.isSessionExpiredError?.(error)) return `session expired (${error.reason})`;
    if (error.status !== undefined && error.statusText !== undefined)
      return `HTTP ${error.status} ${error.statusText}`;
    return String(error.message || error);
  };

  // The login dialog of onExpired.
  const dialog = document.getElementById('login-dialog');
  const askToLogIn = () =>
    new Promise((resolve) => {
      document.getElementById('login-user').value = 'alice';
      dialog.showModal();
      dialog.addEventListener(
        'close',
        () => {
          if (dialog.returnValue !== 'login') {
            report('login dialog: gave up', 'err');
            resolve('give-up');
            return;
          }
          // Only the login itself here: other session requests wait for this decision.
          logIn(document.getElementById('login-user').value || 'alice').then(
            () => {
              resolve('resume');
              whoami().catch(() => undefined);
            },
            (error) => {
              report(`login failed: ${message(error)}`, 'err');
              resolve('give-up');
            },
          );
        },
        { once: true },
      );
    });

  const options = {
    onExpired: () => {
      report('session expired: onExpired asks to log in again', 'err');
      return askToLogIn();
    },
  };

  // SessionFetch.jquery($, options) routes $.ajax through a session client (an ajaxTransport).
  const { client } = SessionFetch.jquery($, options);
  const ajax = (settings) => Promise.resolve($.ajax({ dataType: 'json', ...settings }));

  // The overlay IIFE (session-fetch.overlay.global.js) adds mountOverlay to the global SessionFetch.
  SessionFetch.mountOverlay(client, { open: true });

  const render = (who) => {
    if (who && 'user' in who) $('#user').text(who.user ?? '(not logged in)');
    if (who && typeof who.counter === 'number') $('#counter').text(String(who.counter));
    $('#status').text(client.session.status);
    $('#fp').text(client.session.fingerprint ?? '—');
  };
  client.subscribe(() => render());

  const whoami = () =>
    ajax({ url: '/api/whoami', sessionMode: 'read' }).then((who) => {
      render(who);
      return who;
    });

  function logIn(user) {
    const before = client.session.fingerprint;
    return ajax({ url: '/api/login', type: 'POST', data: { user }, rotatesSession: true }).then(() => {
      report(
        `logged in as ${user}: id rotated ${before ?? '—'} → ${client.session.fingerprint ?? '—'}`,
        'ok',
      );
    });
  }

  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const post = (url) => fetch(url, { method: 'POST' });

  const scenarios = {
    login: () => logIn('alice').then(whoami),
    logout: () =>
      ajax({ url: '/api/logout', type: 'POST' }).then(() => {
        report('logged out (session destroyed, cookie expired)', 'ok');
        return whoami();
      }),
    expire: async () => {
      await post('/demo/expire');
      report('server dropped every session; the next request finds out', 'info');
      await whoami();
      report('the session is back', 'ok');
    },
    hold: async () => {
      const started = performance.now();
      const hold = ajax({ url: '/api/hold', data: { ms: 5000 } });
      await wait(200);
      const write = ajax({ url: '/api/counter', type: 'POST' });
      const [, counted] = await Promise.all([hold, write]);
      report(
        `lock held 5 s; a write sent meanwhile finished after ${Math.round(performance.now() - started)} ms (counter ${counted.counter})`,
        'ok',
      );
      await whoami();
    },
    writes: async () => {
      const before = (await whoami()).counter;
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, () => ajax({ url: '/api/counter', type: 'POST' })),
      );
      const failed = settled.filter((result) => result.status === 'rejected').length;
      const after = (await whoami()).counter;
      const text = `20 concurrent writes: ${20 - failed} ok, ${failed} failed; counter ${before} → ${after} (+${after - before})`;
      report(text, after - before === 20 ? 'ok' : 'err').dataset.result = 'writes';
    },
    long: async () => {
      await post('/demo/expire?in=2500');
      report('long request: 6 s; the server drops the session after 2.5 s', 'info');
      const started = performance.now();
      const who = await ajax({ url: '/api/slow', data: { ms: 6000 }, sessionMode: 'read' });
      render(who);
      report(
        `long request done after ${Math.round((performance.now() - started) / 1000)} s as ${who.user ?? 'nobody'}`,
        'ok',
      );
    },
    tab: async () => {
      window.open(location.href, '_blank');
      report('opened a second tab on the same session', 'info');
    },
  };

  $('[data-scenario]').on('click', function () {
    const run = scenarios[this.dataset.scenario];
    if (!run) return;
    this.disabled = true;
    Promise.resolve()
      .then(run)
      .catch((error) => report(`${this.textContent}: ${message(error)}`, 'err'))
      .finally(() => {
        this.disabled = false;
      });
  });

  document.body.dataset.ready = 'true';
  whoami().catch((error) => report(`whoami: ${message(error)}`, 'err'));
})();
