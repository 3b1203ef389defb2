import type { SessionClient } from '../core/create-session-client.js';
import type { RequestInfo } from '../core/request-info.js';
import type { DiagnosticsOptions } from '../diagnostics/engine.js';
import { type LoggedRequest, RequestLog, requestLogOf, safeHttpUrl } from '../diagnostics/request-log.js';
import type { Finding } from '../diagnostics/types.js';
import { redactUrl } from '../diagnostics/util.js';
import { watchDiagnostics } from '../diagnostics/watch-diagnostics.js';
import { button, h, setText } from './dom.js';
import { formatClock, formatCountdown, formatMs, formatTime } from './format.js';
import { applyStyles } from './styles.js';

export type OverlayOptions = {
  /** `true` shows the panel at once; `false` keeps it hidden whatever the URL or storage say. */
  open?: boolean;
  /** The shortcut that shows and hides the panel, or false for none. @default 'Ctrl+Shift+S' */
  shortcut?: string | false;
  /** Requests kept when the overlay makes its own RequestLog. @default 200 */
  capacity?: number;
  /** Events kept. @default 100 */
  eventCapacity?: number;
  /** @default 'bottom-right' */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  /** The session cookie's name, redacted from URLs. @default 'PHPSESSID' */
  cookieName?: string;
  /** Passed to the diagnostics (pageOrigin, protocol header names...). */
  diagnostics?: Omit<DiagnosticsOptions, 'onFinding'>;
};

export type OverlayHandle = {
  /** Removes the element and every listener and timer. */
  unmount(): void;
  show(): void;
  hide(): void;
  toggle(): void;
  /** The log as JSON: session state (fingerprint, never the id), requests, events, findings. */
  exportJson(): string;
};

/** An entry of the Events list. */
export type OverlayEvent = { at: number; name: string; text: string };

const tag = 'session-fetch-overlay';
const stateKey = 'session-fetch:overlay';
const flagKey = 'session-fetch:debug';
const sources = { protocol: 'protocol header', cookie: 'readable cookie', none: 'none' };
type Tab = 'requests' | 'events' | 'findings';

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};
const readState = (): { open?: boolean; collapsed?: boolean; tab?: Tab } => {
  try {
    return JSON.parse(storage()?.getItem(stateKey) ?? '{}') ?? {};
  } catch {
    return {};
  }
};

const defineElement = (): void => {
  // Another copy of the library may have defined it: any definition will do, the element holds no logic.
  if (!customElements.get(tag)) customElements.define(tag, class extends HTMLElement {});
};

/** `Ctrl+Shift+S` → a keydown test. */
const parseShortcut = (shortcut: string) => {
  const parts = shortcut.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  const has = (name: string) => parts.includes(name);
  return (event: KeyboardEvent) =>
    event.ctrlKey === (has('ctrl') || has('control')) &&
    event.shiftKey === has('shift') &&
    event.altKey === has('alt') &&
    event.metaKey === (has('meta') || has('cmd')) &&
    (event.key?.toLowerCase() === key || event.code?.toLowerCase() === `key${key}`);
};

const describe = (request: RequestInfo | LoggedRequest | undefined, cookieName: string) =>
  request ? `${request.method} ${redactUrl(request.url, [cookieName])}` : '';

/**
 * Mounts the debug overlay: a floating panel with the session, the requests, the events and the diagnostics.
 * Hidden until asked for: `Ctrl+Shift+S`, `?session-debug` in the URL, `localStorage['session-fetch:debug'] = '1'`
 * or `open: true`.
 */
export const mountOverlay = (client: SessionClient, options: OverlayOptions = {}): OverlayHandle => {
  if (typeof document === 'undefined' || typeof customElements === 'undefined') {
    // Server-side rendering or a worker: nothing to show.
    const none = () => undefined;
    return { unmount: none, show: none, hide: none, toggle: none, exportJson: () => '{}' };
  }
  defineElement();
  const cookieName = options.cookieName ?? 'PHPSESSID';
  const eventCapacity = options.eventCapacity ?? 100;
  const saved = readState();
  let collapsed = saved.collapsed === true;
  let tab: Tab = saved.tab ?? 'requests';
  const off: Array<() => void> = [];

  // Data, kept whether or not the panel is shown.
  let log = requestLogOf(client);
  if (!log) {
    log = new RequestLog({ capacity: options.capacity ?? 200, cookieName });
    off.push(log.attach(client));
  }
  const requests = log;
  let events: OverlayEvent[] = [];
  const diagnostics = watchDiagnostics(client, {
    cookieName,
    ...options.diagnostics,
    onFinding: () => visible && renderFindings(),
  });
  off.push(() => diagnostics.stop());

  // The element.
  const host = document.createElement(tag);
  host.hidden = true;
  if (options.position && options.position !== 'bottom-right') {
    host.className = options.position
      .split('-')
      .map((word) => word[0])
      .join('');
  }
  const root = host.attachShadow({ mode: 'open' });
  applyStyles(root);

  const dot = h('span', 'dot');
  const headerFp = h('span');
  const collapseButton = button('', () => setCollapsed(!collapsed), 'Collapse or expand');
  const fields = {
    fingerprint: h('dd'),
    status: h('dd'),
    age: h('dd'),
    expires: h('dd'),
    rotations: h('dd'),
    source: h('dd'),
  };
  const labels = ['Fingerprint', 'Status', 'Age', 'Expires', 'Rotations', 'Id source'];
  const summary = h('dl', 'ss');
  Object.values(fields).forEach((field, index) => {
    summary.append(h('dt', '', labels[index]), field);
  });
  const tabs = { requests: button('', () => setTab('requests')), events: button('', () => setTab('events')) };
  const findingsTab = button('', () => setTab('findings'));
  const list = h('div', 'ls');
  const panel = h(
    'div',
    'p',
    h(
      'div',
      'hd',
      dot,
      h('b', '', 'session-fetch'),
      headerFp,
      collapseButton,
      button('×', () => handle.hide(), 'Hide (Ctrl+Shift+S)'),
    ),
    h(
      'div',
      'bd',
      summary,
      h('div', 'tb', tabs.requests, tabs.events, findingsTab),
      list,
      h(
        'div',
        'ac',
        button('Export JSON', () => download()),
        button('Clear', () => {
          requests.clear();
          events = [];
          diagnostics.clear();
          renderList();
        }),
        h('span', '', 'Next request:'),
        button('expire', () => simulate('expire')),
        button('rotate', () => simulate('rotate')),
        button('lock timeout', () => simulate('lock-timeout')),
      ),
    ),
  );
  root.append(panel);
  (document.body ?? document.documentElement).append(host);

  // Rendering: only while shown.
  let visible = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const rows = new Map<number, { row: HTMLElement; duration: HTMLElement }>();

  const renderSession = () => {
    const session = client.session;
    const now = Date.now();
    dot.className = `dot ${session.status}`;
    setText(headerFp, session.fingerprint ?? '');
    setText(fields.fingerprint, session.fingerprint ?? '—');
    setText(fields.status, session.status);
    setText(fields.age, session.status === 'unknown' ? '—' : formatClock(now - session.since));
    setText(fields.expires, formatCountdown(session.expiresAt, now));
    setText(fields.rotations, String(session.rotations));
    setText(fields.source, sources[session.source]);
  };

  const duration = (request: LoggedRequest) =>
    formatMs((request.endedAt ?? Date.now()) - request.createdAt) + (request.endedAt ? '' : '…');

  const requestRow = (request: LoggedRequest) => {
    const status = request.status ?? (request.outcome && request.outcome !== 'ok' ? 'fail' : '…');
    const lock = [
      request.lockWaitMs ? formatMs(request.lockWaitMs) : '',
      request.lockRetries ? `${request.lockRetries}×retry` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const flags = [request.replayed && 'replayed', request.held && 'held', request.foreign && 'foreign']
      .filter(Boolean)
      .join(' ');
    const origin = globalThis.location?.origin;
    const url = h(
      'span',
      '',
      origin && request.url.startsWith(`${origin}/`) ? request.url.slice(origin.length) : request.url,
    );
    url.title = request.url;
    const time = h('span', '', duration(request));
    const profile = safeHttpUrl(request.profileUrl);
    const last = h('span', '', flags);
    if (profile) {
      const link = h('a', '', 'profile');
      link.href = profile;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      last.append(' ', link);
    }
    const failed =
      (request.status ?? 0) >= 400 || (request.outcome !== undefined && request.outcome !== 'ok');
    const row = h(
      'div',
      `r ${request.endedAt ? (failed ? 'err' : '') : 'run'}`,
      h('span', '', request.method),
      url,
      h('span', failed ? 'err' : 'ok', String(status)),
      h('span', '', request.mode),
      h('span', '', request.queuedMs ? formatMs(request.queuedMs) : ''),
      h('span', '', lock),
      time,
      last,
    );
    row.title = request.outcome && request.outcome !== 'ok' ? request.outcome : '';
    return { row, duration: time };
  };

  const upsertRow = (request: LoggedRequest) => {
    const next = requestRow(request);
    const previous = rows.get(request.id);
    if (previous) previous.row.replaceWith(next.row);
    else list.children[0]?.after(next.row);
    rows.set(request.id, next);
  };

  const header = (...names: string[]) => h('div', 'r hr', ...names.map((name) => h('span', '', name)));

  const renderList = () => {
    rows.clear();
    list.replaceChildren();
    setText(tabs.requests, `Requests (${requests.size})`);
    setText(tabs.events, `Events (${events.length})`);
    const findings = diagnostics.findings();
    setText(findingsTab, `Diagnostics (${findings.length})`);
    for (const [name, node] of [...Object.entries(tabs), ['findings', findingsTab] as const]) {
      node.className = name === tab ? 'on' : '';
    }
    if (tab === 'requests') {
      list.append(header('method', 'url', 'status', 'mode', 'queued', 'lock', 'time', ''));
      for (const request of requests.entries()) {
        const row = requestRow(request);
        rows.set(request.id, row);
        list.append(row.row);
      }
    } else if (tab === 'events') {
      for (const event of events) list.append(eventRow(event));
    } else {
      for (const finding of [...findings].reverse()) list.append(findingRow(finding));
    }
    if (list.childElementCount <= (tab === 'requests' ? 1 : 0)) list.append(h('div', 'em', 'Nothing yet.'));
  };

  const eventRow = (event: OverlayEvent) =>
    h('div', 'ev', h('i', '', formatTime(event.at)), h('b', '', event.name), ' ', event.text);

  const findingRow = (finding: Finding) =>
    h(
      'div',
      'f',
      h('b', finding.severity, finding.severity),
      h('b', '', finding.title),
      finding.count > 1 && `×${finding.count}`,
      h('p', '', finding.detail),
      h('p', 'fx', `Fix: ${finding.fix}`),
    );

  const renderFindings = () => {
    setText(findingsTab, `Diagnostics (${diagnostics.findings().length})`);
    if (tab === 'findings') renderList();
  };

  const tick = () => {
    renderSession();
    for (const [id, row] of rows) {
      const request = requests.get(id);
      if (request && !request.endedAt) setText(row.duration, duration(request));
    }
  };

  const startTimer = () => {
    if (!timer && visible && !collapsed) timer = setInterval(tick, 1000);
  };
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };

  const save = () => {
    try {
      storage()?.setItem(stateKey, JSON.stringify({ open: visible, collapsed, tab }));
    } catch {
      // Storage full or denied: the state is simply not kept.
    }
  };

  const setCollapsed = (value: boolean, persist = true) => {
    collapsed = value;
    panel.classList.toggle('c', collapsed);
    setText(collapseButton, collapsed ? '▴' : '▾');
    if (collapsed) stopTimer();
    else {
      renderList();
      startTimer();
    }
    if (persist) save();
  };

  const setTab = (value: Tab) => {
    tab = value;
    renderList();
    save();
  };

  // Events.
  const addEvent = (name: string, text: string) => {
    events.unshift({ at: Date.now(), name, text });
    if (events.length > eventCapacity) events.length = eventCapacity;
    if (!visible) return;
    setText(tabs.events, `Events (${events.length})`);
    if (tab === 'events' && !collapsed) {
      list.querySelector('.em')?.remove();
      list.prepend(eventRow(events[0]!));
      if (list.childElementCount > eventCapacity) list.lastElementChild?.remove();
    }
  };
  const replayed = new Set<number>();
  const simulate = (fault: 'expire' | 'rotate' | 'lock-timeout') => {
    client.simulate(fault);
    addEvent('simulate', `${fault} on the next session request`);
  };
  for (const name of ['start', 'rotate', 'expire', 'resume', 'give-up'] as const) {
    off.push(
      client.on(`session:${name}`, ({ session, request }) =>
        addEvent(`session:${name}`, [session.fingerprint ?? '', describe(request, cookieName)].join(' ')),
      ),
    );
  }
  off.push(
    client.on('session:not-resumed', ({ newIdsInARow }) =>
      addEvent('session:not-resumed', `${newIdsInARow} new ids in a row`),
    ),
    client.on('lock:wait', ({ request, lockWaitMs }) =>
      addEvent('lock:wait', `${describe(request, cookieName)} waited ${formatMs(lockWaitMs)}`),
    ),
    client.on('lock:retry', ({ request, attempt, delayMs }) =>
      addEvent('lock:retry', `${describe(request, cookieName)} retry ${attempt} in ${formatMs(delayMs)}`),
    ),
    client.on('request:queued', ({ request }) => {
      if (request.held) addEvent('hold', describe(request, cookieName));
    }),
    client.on('request:start', ({ request }) => {
      if (request.replayed && !replayed.has(request.id)) {
        replayed.add(request.id);
        addEvent('replay', describe(request, cookieName));
      }
    }),
    client.subscribe(() => visible && renderSession()),
    requests.onChange((request, dropped) => {
      if (!visible || collapsed) return;
      setText(tabs.requests, `Requests (${requests.size})`);
      if (tab !== 'requests') return;
      for (const id of dropped) {
        rows.get(id)?.row.remove();
        rows.delete(id);
      }
      if (!request) renderList();
      else if (requests.get(request.id)) {
        list.querySelector('.em')?.remove();
        upsertRow(request);
      }
    }),
  );

  // Shortcut.
  if (options.shortcut !== false) {
    const matches = parseShortcut(options.shortcut ?? 'Ctrl+Shift+S');
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || !matches(event)) return;
      event.preventDefault();
      handle.toggle();
    };
    window.addEventListener('keydown', onKey);
    off.push(() => window.removeEventListener('keydown', onKey));
  }

  const exportJson = () =>
    JSON.stringify(
      {
        exportedAt: new Date().toISOString(),
        page: redactUrl(globalThis.location?.href ?? '', [cookieName]),
        session: client.session,
        requests: requests.entries(),
        events,
        findings: diagnostics.findings(),
      },
      null,
      2,
    );

  const download = () => {
    const url = URL.createObjectURL(new Blob([exportJson()], { type: 'application/json' }));
    const link = h('a');
    link.href = url;
    link.download = `session-fetch-${Date.now()}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  let mounted = true;
  /** Shows the panel; `persist` when the user asked (shortcut, show()), not when a flag or the URL did. */
  const open = (persist: boolean) => {
    if (!mounted || visible) return;
    visible = true;
    host.hidden = false;
    renderSession();
    setCollapsed(collapsed, persist);
  };
  const handle: OverlayHandle = {
    show: () => open(true),
    hide() {
      if (!visible) return;
      visible = false;
      host.hidden = true;
      stopTimer();
      save();
    },
    toggle() {
      if (visible) handle.hide();
      else handle.show();
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      visible = false;
      stopTimer();
      for (const unsubscribe of off.splice(0)) unsubscribe();
      host.remove();
    },
    exportJson,
  };

  const asked = () => {
    if (options.open !== undefined) return options.open;
    let query = false;
    try {
      query = new URLSearchParams(globalThis.location?.search).has('session-debug');
    } catch {
      // No location (tests, workers).
    }
    return query || storage()?.getItem(flagKey) === '1' || saved.open === true;
  };
  if (asked()) open(false);
  return handle;
};
