// The demo's legacy page: no build step for its code, the script-tag build (global SessionFetch), jQuery 3 and
// $.ajax. Loaded with `defer` after jquery.min.js, session-fetch.global.js, the overlay IIFE and demo-kit.js
// (the demo's Results log and panels, global DemoKit).
/* global $, SessionFetch, DemoKit */
(() => {
  // SessionFetch.jquery($, options) routes $.ajax through a session client (an ajaxTransport).
  const { client } = SessionFetch.jquery($, {
    onExpired: (context) => page.askToLogIn(logIn)(context),
  });
  const page = DemoKit.createDemoPage(client);
  const ajax = (settings) => Promise.resolve($.ajax({ dataType: 'json', ...settings }));

  // The overlay IIFE (session-fetch.overlay.global.js) adds mountOverlay to the global SessionFetch.
  SessionFetch.mountOverlay(client, { open: true });

  const whoami = () =>
    ajax({ url: '/api/whoami', sessionMode: 'read' }).then((who) => {
      page.show(who);
      return who;
    });

  function logIn(user) {
    const before = client.session.fingerprint;
    // rotatesSession: the login goes alone and the client expects the new id.
    const watched = page.watch('POST', '/api/login');
    return ajax({ url: '/api/login', type: 'POST', data: { user }, rotatesSession: true }).then(
      async (answer) => {
        page.show({ user: answer.user });
        const told = story(await watched);
        page.report(
          `logged in as ${user}: session_regenerate_id() gave the session a new id, ${before ?? '—'} → ${client.session.fingerprint ?? '—'}${told ? ` (${told})` : ''}`,
          'ok',
        );
      },
    );
  }

  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const post = (url) => fetch(url, { method: 'POST' });
  const story = (outcome) => DemoKit.storyOf(outcome);

  const scenarios = {
    login: () => logIn('alice').then(whoami),
    // The logout deletes the session cookie: the client marks the session 'ended' (session:end), not expired.
    logout: () =>
      ajax({ url: '/api/logout', type: 'POST' }).then(() => {
        page.report(
          `logged out: the server destroyed the session and deleted its cookie; the session is '${client.session.status}' (session:end), not expired, so no login dialog opens`,
          'ok',
        );
      }),
    expire: async () => {
      await post('/demo/expire');
      page.report(
        'the server dropped every session (as its garbage collection would); the next request finds out',
      );
      const watched = page.watch('GET', '/api/whoami');
      await whoami();
      const told = story(await watched);
      page.report(`the session is back${told ? `: ${told}` : ''}`, 'ok');
    },
    hold: async () => {
      const started = performance.now();
      const hold = ajax({ url: '/api/hold', data: { ms: 5000 } });
      // A write sent meanwhile waits for the lock: queued in the browser, not blocking a PHP worker.
      await wait(200);
      const watched = page.watch('POST', '/api/counter');
      const write = ajax({ url: '/api/counter', type: 'POST' });
      const [, counted] = await Promise.all([hold, write]);
      const told = story(await watched);
      page.report(
        `GET /api/hold kept the session lock 5 s; the write sent meanwhile counted ${counted.counter} after ${Math.round(performance.now() - started)} ms${told ? ` (${told.replace(/^POST \/api\/counter /, '')})` : ''}`,
        'ok',
      );
      await whoami();
    },
    writes: async () => {
      const others = page.running().filter((label) => !label.startsWith('20 concurrent'));
      const before = (await whoami()).counter;
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, () => ajax({ url: '/api/counter', type: 'POST' })),
      );
      const answers = settled.flatMap((result) =>
        result.status === 'fulfilled' ? [result.value.counter] : [],
      );
      const after = (await whoami()).counter;
      const line = page.writesSummary(before, after, answers, 20 - answers.length, others);
      page.report(line.text, line.kind).dataset.result = 'writes';
    },
    long: async () => {
      await post('/demo/expire?in=2500');
      page.report('long request: 6 s; the server drops the session after 2.5 s, while it runs');
      const started = performance.now();
      const watched = page.watch('GET', '/api/slow');
      const who = await ajax({ url: '/api/slow', data: { ms: 6000 }, sessionMode: 'read' });
      page.show(who);
      const told = story(await watched);
      page.report(
        `long request done after ${Math.round((performance.now() - started) / 1000)} s as ${who.user ?? 'nobody'}${told ? `: ${told}` : ''}`,
        'ok',
      );
    },
    tab: async () => {
      window.open(location.href, '_blank');
      page.report('opened a second tab on the same session');
    },
  };

  page.bind(scenarios);
  document.body.dataset.ready = 'true';
  whoami().catch((error) => page.report(`whoami: ${DemoKit.explainError(error)}`, 'err'));
})();
