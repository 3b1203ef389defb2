// The requests of the page as the client's events tell them: what each is waiting for right now, and what
// happened to one request in the end (its story).

import type { RequestInfo, ResponseVerdict } from '../../src/core/request-info.js';
import type { SessionClient } from '../../src/core/session-client.js';

type Live = { info: RequestInfo; state: 'queued' | 'sent' | 'held' | 'retrying'; since: number; why: string };

/** A finished request: its last state, what the client made of each answer, and its error. */
export type Outcome = { info: RequestInfo; verdicts: ResponseVerdict[]; error: unknown };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const nameOf = (info: RequestInfo) => `${info.method} ${new URL(info.url).pathname}`;

/** What happened to a request, in words: "came back expired, was held while you logged in and was sent again". */
export const storyOf = ({ info, verdicts, error }: Outcome): string => {
  const parts: string[] = [];
  if (info.queuedMs > 250) parts.push(`waited ${seconds(info.queuedMs)} in the browser's queue`);
  const locks = verdicts.filter((verdict) => verdict === 'lock-timeout').length;
  if (locks) parts.push(`met ${locks} lock timeout${locks > 1 ? 's' : ''} and was retried`);
  if (verdicts.includes('stale-expired'))
    parts.push('was answered for the old id and sent again with the new one');
  if (verdicts.includes('expired') || (info.held && info.replayed))
    parts.push(
      error
        ? 'came back expired and was held, then rejected'
        : 'came back expired, was held until the session was back, and was sent again',
    );
  if ((info.lockWaitMs ?? 0) > 250)
    parts.push(`waited ${seconds(info.lockWaitMs!)} for the lock at the server`);
  return parts.length ? `${nameOf(info)} ${parts.join(', ')}` : '';
};

/**
 * Follows the page's requests. `say` gets the moments worth a line in the Results log (a login waiting, an answer
 * that came back expired); `changed` is called whenever what the requests wait for changes.
 */
export const followRequests = (
  client: SessionClient,
  say: (text: string, kind: 'info' | 'err') => void,
  changed: () => void,
) => {
  const live = new Map<number, Live>();
  const watchers: Array<{ method: string; path: string; id?: number; done: (outcome: Outcome) => void }> = [];
  const verdicts = new Map<number, ResponseVerdict[]>();
  const announced = new Set<string>();

  const describe = (item: Live, now = Date.now()): string => {
    const name = nameOf(item.info);
    const again = item.info.replayed ? ', sent again after the expiry' : '';
    if (item.state === 'queued') return `${name} waits ${item.why}`;
    if (item.state === 'held') return `${name} is held until the session is back`;
    if (item.state === 'retrying') return `${name} retries after a lock timeout`;
    return `${name} is running (${seconds(now - item.since)}${again})`;
  };

  /** Why a request waits in the browser, from what else is going on. */
  const whyWaiting = (info: RequestInfo): string => {
    const others = [...live.values()].filter((item) => item.info.id !== info.id);
    const running = others.filter((item) => item.state === 'sent');
    const held = others.filter((item) => item.state === 'held');
    const list = (items: Live[]) =>
      items.map((item) => describe(item).replace(/ is running \(/, ' (running ')).join(', ');
    if (client.session.status === 'expired')
      return 'while the session is expired: requests go one at a time until onExpired has decided';
    if (info.rotatesSession && running.length)
      return `for ${list(running)} to answer: a login goes alone, so that no request is answered with the id it replaces`;
    if (held.length) return `behind ${list(held)}, held for the expiry and sent again first`;
    return 'its turn: the queue sends a few at a time, so PHP workers do not pile up on the session lock';
  };

  const set = (info: RequestInfo, state: Live['state']) => {
    const previous = live.get(info.id);
    const item: Live = {
      info,
      state,
      since: previous?.state === state ? previous.since : Date.now(),
      why: state === 'queued' ? whyWaiting(info) : '',
    };
    live.set(info.id, item);
    for (const watcher of watchers) {
      if (
        watcher.id === undefined &&
        info.method === watcher.method &&
        new URL(info.url).pathname === watcher.path
      )
        watcher.id = info.id;
    }
    return item;
  };

  client.on('request:queued', ({ request }) => {
    const item = set(request, 'queued');
    // A login waiting is what a user wonders about: say why, unless it is let through at once.
    if (request.rotatesSession) {
      setTimeout(() => {
        if (live.get(request.id) === item) say(describe(item), 'info');
      }, 300);
    }
    changed();
  });
  client.on('request:start', ({ request }) => {
    set(request, 'sent');
    changed();
  });
  client.on('request:response', ({ request, verdict }) => {
    verdicts.set(request.id, [...(verdicts.get(request.id) ?? []), verdict]);
    set(request, verdict === 'expired' ? 'held' : verdict === 'lock-timeout' ? 'retrying' : 'sent');
    const name = nameOf(request);
    if (verdict === 'expired' && !announced.has(name)) {
      announced.add(name);
      say(`${name} came back expired: it is held until the session is back, then sent again`, 'info');
    }
    changed();
  });
  client.on('session:start', () => announced.clear());
  client.on('request:end', ({ request, error }) => {
    live.delete(request.id);
    const outcome = { info: request, verdicts: verdicts.get(request.id) ?? [], error };
    verdicts.delete(request.id);
    for (const watcher of watchers.filter((item) => item.id === request.id)) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.done(outcome);
    }
    changed();
  });

  return {
    /** What the requests in the browser are doing now, one phrase each. */
    now: () => [...live.values()].map((item) => describe(item)),
    /** The outcome of the next request made to `method path`. */
    watch: (method: string, path: string): Promise<Outcome> =>
      new Promise((done) => watchers.push({ method, path, done })),
  };
};
