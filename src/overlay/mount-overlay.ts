import type { SessionClient } from '../core/session-client.js';
import {
  attachRequestLog,
  detachRequestLog,
  type RequestLog,
  requestLogOf,
} from '../diagnostics/request-log.js';
import { button, h, setText } from './dom.js';
import { actions } from './panels/actions.js';
import { diagnosticsPanel } from './panels/diagnostics-panel.js';
import { eventsPanel } from './panels/events-panel.js';
import { frame } from './panels/frame.js';
import { requestsPanel } from './panels/requests-panel.js';
import { sessionPanel } from './panels/session-panel.js';
import { askedToOpen, bindShortcut, readState, saveState } from './persist.js';
import type { OverlayHandle, OverlayOptions, Tab, View } from './types.js';

export type { OverlayEvent, OverlayHandle, OverlayOptions } from './types.js';

/** How many mounted overlays use each request log an overlay attached: the last one unmounted detaches it. */
const overlaysUsing = new WeakMap<RequestLog, number>();

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
  const cookieName = options.cookieName ?? client.options.cookieName;
  const saved = readState();
  let collapsed = saved.collapsed === true;
  let tab: Tab = saved.tab ?? 'requests';
  let visible = false;
  const off: Array<() => void> = [];

  // Data, kept whether or not the panel is shown. The log is registered on the client so that requestLogOf()
  // and debug() see it; a log the app attached itself is shared and left in place on unmount.
  const existing = requestLogOf(client);
  const requests = attachRequestLog(client, { capacity: options.capacity ?? 200, cookieName });
  if (!existing || overlaysUsing.has(existing)) {
    overlaysUsing.set(requests, (overlaysUsing.get(requests) ?? 0) + 1);
    off.push(() => {
      const users = (overlaysUsing.get(requests) ?? 1) - 1;
      if (users > 0) overlaysUsing.set(requests, users);
      else {
        overlaysUsing.delete(requests);
        if (requestLogOf(client) === requests) detachRequestLog(client);
      }
    });
  }
  const list = h('div', 'ls');
  const view: View = { list, visible: () => visible, collapsed: () => collapsed, tab: () => tab };
  const tabs = {
    requests: button('', () => setTab('requests')),
    events: button('', () => setTab('events')),
    findings: button('', () => setTab('findings')),
  };
  // The findings' count where it is seen first: on the header, even with the panel collapsed.
  const badge = button('', () => {
    setTab('findings');
    if (collapsed) setCollapsed(false);
  });
  badge.hidden = true;
  const session = sessionPanel(client);
  const events = eventsPanel(client, view, tabs.events, options.eventCapacity ?? 100, cookieName);
  const findings = diagnosticsPanel(
    client,
    options,
    cookieName,
    view,
    { tab: tabs.findings, badge },
    { list: () => renderList(), request: (id) => requestRows.refresh(id) },
  );
  const requestRows = requestsPanel(list, requests, { ...findings.marks, open: () => setTab('findings') });
  off.push(...events.off, () => findings.diagnostics.stop());
  const bar = actions(
    client,
    cookieName,
    requests,
    { findings: findings.diagnostics.findings, clear: findings.clear },
    events,
  );

  // The element.
  const collapseButton = button('', () => setCollapsed(!collapsed), 'Collapse or expand');
  const { host, panel } = frame(
    options.position,
    [
      session.dot,
      h('b', '', 'session-fetch'),
      badge,
      session.headerFp,
      collapseButton,
      button('×', () => handle.hide(), 'Hide (Ctrl+Shift+S)'),
    ],
    [session.summary, h('div', 'tb', tabs.requests, tabs.events, tabs.findings), list, bar.bar],
  );

  // Rendering: only while shown.
  let timer: ReturnType<typeof setInterval> | undefined;
  const renderList = () => {
    requestRows.clear();
    list.replaceChildren();
    setText(tabs.requests, `Requests (${requests.size})`);
    setText(tabs.events, `Events (${events.entries().length})`);
    findings.counts();
    for (const [name, node] of Object.entries(tabs)) node.className = name === tab ? 'on' : '';
    if (tab === 'requests') requestRows.render();
    else if (tab === 'events') events.render();
    else findings.render();
    if (list.childElementCount <= (tab === 'requests' ? 1 : 0)) list.append(h('div', 'em', 'Nothing yet.'));
  };
  const tick = () => {
    session.render();
    requestRows.tick();
  };
  const startTimer = () => {
    if (!timer && visible && !collapsed) timer = setInterval(tick, 1000);
  };
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const save = () => saveState({ open: visible, collapsed, tab });
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

  off.push(
    client.subscribe(() => visible && session.render()),
    requests.onChange((request, dropped) => {
      if (!visible || collapsed) return;
      // Cleared (the Clear button empties the events and findings too): every tab's list and count.
      if (!request) return renderList();
      setText(tabs.requests, `Requests (${requests.size})`);
      if (tab === 'requests') requestRows.update(request, dropped);
    }),
  );

  if (options.shortcut !== false)
    off.push(bindShortcut(options.shortcut ?? 'Ctrl+Shift+S', () => handle.toggle()));

  let mounted = true;
  /** Shows the panel; `persist` when the user asked (shortcut, show()), not when a flag or the URL did. */
  const open = (persist: boolean) => {
    if (!mounted || visible) return;
    visible = true;
    host.hidden = false;
    session.render();
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
    exportJson: bar.exportJson,
  };

  if (options.open ?? askedToOpen(saved)) open(false);
  return handle;
};
