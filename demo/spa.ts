// The demo SPA: an ES module using the library as an app's bundler would (the demo server bundles it from src/).
import { createSessionClient } from '../src/index.js';
import { mountOverlay } from '../src/overlay/index.js';
import { createDemoPage, storyOf, type WhoAmI } from './kit/index.js';

const api = createSessionClient({
  prefix: '/api',
  onExpired: (context) => page.askToLogIn(logIn)(context),
});
const page = createDemoPage(api);
mountOverlay(api, { open: true });

const whoami = async (): Promise<WhoAmI> => {
  const who = await api.get('whoami', { session: 'read' }).json<WhoAmI>();
  page.show(who);
  return who;
};

async function logIn(user: string): Promise<void> {
  const before = api.session.fingerprint;
  const body = new URLSearchParams({ user });
  // rotatesSession: the login goes alone and the client expects the new id.
  const watched = page.watch('POST', '/api/login');
  const answer = await api.post('login', { body, rotatesSession: true }).json<{ user: string }>();
  page.show({ user: answer.user });
  const story = storyOf(await watched);
  page.report(
    `logged in as ${user}: session_regenerate_id() gave the session a new id, ${before ?? '—'} → ${api.session.fingerprint ?? '—'}${story ? ` (${story})` : ''}`,
    'ok',
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const scenarios: Record<string, () => Promise<void>> = {
  login: async () => {
    await logIn('alice');
    await whoami();
  },
  logout: async () => {
    // endsSession: a logout, not an expiry; nothing is held and no login dialog opens.
    await api.post('logout', { endsSession: true }).json();
    page.report(
      `logged out: the server destroyed the session and deleted its cookie; the session is '${api.session.status}' (session:end), not expired, so no login dialog opens`,
      'ok',
    );
  },
  expire: async () => {
    await fetch('/demo/expire', { method: 'POST' });
    page.report(
      'the server dropped every session (as its garbage collection would); the next request finds out',
    );
    const watched = page.watch('GET', '/api/whoami');
    await whoami();
    const story = storyOf(await watched);
    page.report(`the session is back${story ? `: ${story}` : ''}`, 'ok');
  },
  hold: async () => {
    const started = performance.now();
    const hold = api.get('hold', { searchParams: { ms: 5000 } }).json();
    // A write sent meanwhile waits for the lock: queued in the browser, not blocking a PHP worker.
    await sleep(200);
    const watched = page.watch('POST', '/api/counter');
    const write = api.post('counter').json<{ counter: number }>();
    const [, counted] = await Promise.all([hold, write]);
    const story = storyOf(await watched);
    page.report(
      `GET /api/hold kept the session lock 5 s; the write sent meanwhile counted ${counted.counter} after ${Math.round(performance.now() - started)} ms${story ? ` (${story.replace(/^POST \/api\/counter /, '')})` : ''}`,
      'ok',
    );
    await whoami();
  },
  writes: async () => {
    const others = page.running().filter((label) => !label.startsWith('20 concurrent'));
    const before = (await whoami()).counter;
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => api.post('counter').json<{ counter: number }>()),
    );
    const answers = settled.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.counter] : [],
    );
    const after = (await whoami()).counter;
    const line = page.writesSummary(before, after, answers, 20 - answers.length, others);
    page.report(line.text, line.kind).dataset.result = 'writes';
  },
  long: async () => {
    await fetch('/demo/expire?in=2500', { method: 'POST' });
    page.report('long request: 6 s; the server drops the session after 2.5 s, while it runs');
    const started = performance.now();
    const watched = page.watch('GET', '/api/slow');
    const who = await api.get('slow', { searchParams: { ms: 6000 }, session: 'read' }).json<WhoAmI>();
    page.show(who);
    const story = storyOf(await watched);
    page.report(
      `long request done after ${Math.round((performance.now() - started) / 1000)} s as ${who.user ?? 'nobody'}${story ? `: ${story}` : ''}`,
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
whoami().catch((error) => page.report(`whoami: ${String(error)}`, 'err'));
