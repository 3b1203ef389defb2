// The demo SPA: an ES module using the library as an app's bundler would (the demo server bundles it from src/).
import { createSessionClient, type ExpiryDecision, isSessionExpiredError } from '../src/index.js';
import { mountOverlay } from '../src/overlay/index.js';

type WhoAmI = { user: string | null; counter: number };

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`missing ${selector}`);
  return element;
};

const results = $('#results');
const report = (text: string, kind: 'ok' | 'err' | 'info' = 'info'): HTMLLIElement => {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, ' ', text);
  results.prepend(item);
  return item;
};
const message = (error: unknown): string =>
  isSessionExpiredError(error)
    ? `session expired (${error.reason})`
    : String((error as Error)?.message ?? error);

// The login dialog of onExpired: resolves 'resume' once logged in again, 'give-up' on cancel.
const dialog = $<HTMLDialogElement>('#login-dialog');
const askToLogIn = (): Promise<ExpiryDecision> =>
  new Promise((resolve) => {
    $<HTMLInputElement>('#login-user').value = 'alice';
    dialog.showModal();
    dialog.addEventListener(
      'close',
      async () => {
        if (dialog.returnValue !== 'login') {
          report('login dialog: gave up', 'err');
          resolve('give-up');
          return;
        }
        try {
          // Only the login itself here: other session requests wait for this decision.
          await logIn($<HTMLInputElement>('#login-user').value || 'alice');
          resolve('resume');
          whoami().catch(() => undefined);
        } catch (error) {
          report(`login failed: ${message(error)}`, 'err');
          resolve('give-up');
        }
      },
      { once: true },
    );
  });

const api = createSessionClient({
  prefix: '/api',
  onExpired: () => {
    report('session expired: onExpired asks to log in again', 'err');
    return askToLogIn();
  },
});
mountOverlay(api, { open: true });

const render = (who?: Partial<WhoAmI>): void => {
  if (who && 'user' in who) $('#user').textContent = who.user ?? '(not logged in)';
  if (who && typeof who.counter === 'number') $('#counter').textContent = String(who.counter);
  $('#status').textContent = api.session.status;
  $('#fp').textContent = api.session.fingerprint ?? '—';
};
api.subscribe(() => render());

const whoami = async (): Promise<WhoAmI> => {
  const who = await api.get('whoami', { session: 'read' }).json<WhoAmI>();
  render(who);
  return who;
};

const logIn = async (user: string): Promise<void> => {
  const before = api.session.fingerprint;
  const body = new URLSearchParams({ user });
  await api.post('login', { body, rotatesSession: true }).json();
  report(`logged in as ${user}: id rotated ${before ?? '—'} → ${api.session.fingerprint ?? '—'}`, 'ok');
};

const scenarios: Record<string, () => Promise<void>> = {
  login: async () => {
    await logIn('alice');
    await whoami();
  },
  logout: async () => {
    await api.post('logout').json();
    report('logged out (session destroyed, cookie expired)', 'ok');
    await whoami();
  },
  expire: async () => {
    await fetch('/demo/expire', { method: 'POST' });
    report('server dropped every session; the next request finds out', 'info');
    await whoami();
    report('the session is back', 'ok');
  },
  hold: async () => {
    const started = performance.now();
    const hold = api.get('hold', { searchParams: { ms: 5000 } }).json();
    // A write sent meanwhile waits for the lock: queued in the browser, not blocking a PHP worker.
    await new Promise((r) => setTimeout(r, 200));
    const write = api.post('counter').json<{ counter: number }>();
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
      Array.from({ length: 20 }, () => api.post('counter').json<{ counter: number }>()),
    );
    const failed = settled.filter((result) => result.status === 'rejected').length;
    const after = (await whoami()).counter;
    const text = `20 concurrent writes: ${20 - failed} ok, ${failed} failed; counter ${before} → ${after} (+${after - before})`;
    report(text, after - before === 20 ? 'ok' : 'err').dataset.result = 'writes';
  },
  long: async () => {
    await fetch('/demo/expire?in=2500', { method: 'POST' });
    report('long request: 6 s; the server drops the session after 2.5 s', 'info');
    const started = performance.now();
    const who = await api.get('slow', { searchParams: { ms: 6000 }, session: 'read' }).json<WhoAmI>();
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

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-scenario]')) {
  button.addEventListener('click', async () => {
    const name = button.dataset.scenario ?? '';
    button.disabled = true;
    try {
      await scenarios[name]?.();
    } catch (error) {
      report(`${button.textContent}: ${message(error)}`, 'err');
    } finally {
      button.disabled = false;
    }
  });
}

document.body.dataset.ready = 'true';
whoami().catch((error) => report(`whoami: ${message(error)}`, 'err'));
