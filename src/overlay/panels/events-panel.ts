import { sessionEventKinds } from '../../core/events.js';
import type { RequestInfo } from '../../core/request-info.js';
import type { SessionClient } from '../../core/session-client.js';
import type { LoggedRequest } from '../../diagnostics/request-log.js';
import { redactUrl } from '../../diagnostics/util.js';
import { h, setText } from '../dom.js';
import { formatMs, formatTime } from '../format.js';
import type { OverlayEvent, View } from '../types.js';

const eventRow = (event: OverlayEvent) =>
  h('div', 'ev', h('i', '', formatTime(event.at)), h('b', '', event.name), ' ', event.text);

/**
 * The Events tab: session changes, lock waits and retries, holds, replays and simulated faults, newest first,
 * kept (up to `capacity`) whether or not the panel is shown. `off` holds the client subscriptions.
 */
export const eventsPanel = (
  client: SessionClient,
  view: View,
  tabButton: HTMLElement,
  capacity: number,
  cookieName: string,
) => {
  let events: OverlayEvent[] = [];
  const describe = (request: RequestInfo | LoggedRequest | undefined) =>
    request ? `${request.method} ${redactUrl(request.url, [cookieName])}` : '';

  const add = (name: string, text: string) => {
    events.unshift({ at: Date.now(), name, text });
    if (events.length > capacity) events.length = capacity;
    if (!view.visible()) return;
    setText(tabButton, `Events (${events.length})`);
    if (view.tab() === 'events' && !view.collapsed()) {
      const { list } = view;
      list.querySelector('.em')?.remove();
      list.prepend(eventRow(events[0]!));
      if (list.childElementCount > capacity) list.lastElementChild?.remove();
    }
  };

  const replayed = new Set<number>();
  const off = sessionEventKinds.map((name) =>
    client.on(`session:${name}`, ({ session, request }) =>
      add(`session:${name}`, [session.fingerprint ?? '', describe(request)].join(' ')),
    ),
  );
  off.push(
    client.on('session:not-resumed', ({ newIdsInARow }) =>
      add('session:not-resumed', `${newIdsInARow} new ids in a row`),
    ),
    client.on('lock:wait', ({ request, lockWaitMs }) =>
      add('lock:wait', `${describe(request)} waited ${formatMs(lockWaitMs)}`),
    ),
    client.on('lock:retry', ({ request, attempt, delayMs }) =>
      add('lock:retry', `${describe(request)} retry ${attempt} in ${formatMs(delayMs)}`),
    ),
    client.on('request:queued', ({ request }) => {
      if (request.held) add('hold', describe(request));
    }),
    client.on('request:start', ({ request }) => {
      if (request.replayed && !replayed.has(request.id)) {
        replayed.add(request.id);
        add('replay', describe(request));
      }
    }),
  );

  return {
    add,
    off,
    entries: () => events,
    clear: () => {
      events = [];
    },
    render: () => {
      for (const event of events) view.list.append(eventRow(event));
    },
  };
};
