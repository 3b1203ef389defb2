// The demo pages' shared parts: the Results log, the Session panels, the line under the buttons saying what a
// running scenario waits for, and the login dialog of onExpired. The SPA imports it; the legacy page gets it as
// the script /assets/demo-kit.js (global DemoKit), so its own code stays plain jQuery. Types only from src/: the
// client is the page's own.

import type { ExpiredContext, ExpiryDecision } from '../../src/core/options.js';
import type { SessionClient } from '../../src/core/session-client.js';
import { followRequests, type Outcome, storyOf } from './requests.js';
import { explainError, sessionWords, writesSummary } from './words.js';

export { explainError, type Outcome, storyOf };

/** What /api/whoami and the login answer: the user (null when not logged in) and the session's counter. */
export type WhoAmI = { user: string | null; counter: number };

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`missing ${selector}`);
  return element;
};

/** Sets up the page around `client`; `scenarios` are bound to the buttons with the same data-scenario. */
export const createDemoPage = (client: SessionClient) => {
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

  // The panels follow the session: an expiry or a logout clears the user and the counter, they are not known
  // until the server answers again.
  let who: Partial<WhoAmI> | undefined;
  const render = () => {
    const { status, fingerprint } = client.session;
    const user = status === 'active' ? who?.user : undefined;
    $('#user').textContent = user ?? '—';
    $('#counter').textContent =
      status === 'active' && typeof who?.counter === 'number' ? String(who.counter) : '—';
    const field = $('#status');
    field.textContent = sessionWords(status, user);
    field.dataset.status = status;
    $('#fp').textContent = fingerprint ?? '—';
  };
  client.subscribe(render);
  for (const name of ['session:expire', 'session:end'] as const) {
    client.on(name, () => {
      who = undefined;
      render();
    });
  }
  const show = (answer: Partial<WhoAmI>) => {
    who = { ...who, ...answer };
    render();
  };

  // What the running scenarios wait for, under the buttons and on the greyed buttons themselves.
  const running = new Map<string, HTMLButtonElement>();
  const busy = $('#busy');
  const updateBusy = () => {
    const doing = requests.now();
    const text = running.size
      ? `Running: ${[...running.keys()].join(', ')}.${doing.length ? ` ${doing.join('; ')}.` : ''}`
      : '';
    busy.textContent = text;
    for (const button of running.values()) button.title = text;
  };
  const requests = followRequests(client, (text, kind) => report(text, kind), updateBusy);
  let ticker: ReturnType<typeof setInterval> | undefined;

  const bind = (scenarios: Record<string, () => Promise<void>>) => {
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-scenario]')) {
      button.addEventListener('click', async () => {
        const label = button.textContent ?? '';
        button.disabled = true;
        running.set(label, button);
        ticker ??= setInterval(updateBusy, 500);
        updateBusy();
        try {
          await scenarios[button.dataset.scenario ?? '']?.();
        } catch (error) {
          report(`${label}: ${explainError(error)}`, 'err');
        } finally {
          running.delete(label);
          button.disabled = false;
          button.removeAttribute('title');
          if (running.size === 0) {
            clearInterval(ticker);
            ticker = undefined;
          }
          updateBusy();
        }
      });
    }
  };

  // The login dialog of onExpired: 'resume' once logged in again, 'give-up' on cancel.
  const dialog = $<HTMLDialogElement>('#login-dialog');
  const askToLogIn =
    (logIn: (user: string) => Promise<void>) =>
    (context: ExpiredContext): Promise<ExpiryDecision> => {
      report(
        `the session expired: onExpired opens the login dialog; ${context.waiting === 1 ? '1 request waits' : `${context.waiting} requests wait`} for it`,
        'info',
      );
      return new Promise((resolve) => {
        $<HTMLInputElement>('#login-user').value = 'alice';
        // A login made meanwhile (another tab, or this page's own Log in button) decides instead: close the dialog.
        if (context.signal.aborted) return resolve('resume');
        const resumedElsewhere = () => dialog.close('resumed');
        context.signal.addEventListener('abort', resumedElsewhere, { once: true });
        dialog.showModal();
        dialog.addEventListener(
          'close',
          () => {
            context.signal.removeEventListener('abort', resumedElsewhere);
            if (context.signal.aborted) {
              report('login dialog closed: the session was resumed by a login made meanwhile', 'info');
              resolve('resume');
              return;
            }
            if (dialog.returnValue !== 'login') {
              report('login dialog: gave up; the requests waiting are rejected', 'err');
              resolve('give-up');
              return;
            }
            // Only the login itself here: the other session requests wait for this decision.
            logIn($<HTMLInputElement>('#login-user').value || 'alice').then(
              () => resolve('resume'),
              (error: unknown) => {
                report(`login failed: ${explainError(error)}`, 'err');
                resolve('give-up');
              },
            );
          },
          { once: true },
        );
      });
    };

  render();
  return {
    report,
    show,
    bind,
    askToLogIn,
    /** The outcome of the next request to `method path` (start watching before sending it). */
    watch: requests.watch,
    /** The labels of the scenarios running now. */
    running: () => [...running.keys()],
    writesSummary,
  };
};
