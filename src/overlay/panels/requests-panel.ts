import type { LoggedRequest, RequestLog } from '../../diagnostics/request-log.js';
import { safeHttpUrl } from '../../diagnostics/request-log.js';
import { h, setText } from '../dom.js';
import { formatDuration, formatMs } from '../format.js';

const duration = (request: LoggedRequest) => formatDuration(request) + (request.endedAt ? '' : '…');

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
  const failed = (request.status ?? 0) >= 400 || (request.outcome !== undefined && request.outcome !== 'ok');
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

/** A header row of column names. */
const headerRow = (...names: string[]) => h('div', 'r hr', ...names.map((name) => h('span', '', name)));

/** The Requests tab: a row per logged request, newest first, updated in place as requests progress. */
export const requestsPanel = (list: HTMLElement, requests: RequestLog) => {
  const rows = new Map<number, { row: HTMLElement; duration: HTMLElement }>();

  const upsertRow = (request: LoggedRequest) => {
    const next = requestRow(request);
    const previous = rows.get(request.id);
    if (previous) previous.row.replaceWith(next.row);
    else list.children[0]?.after(next.row);
    rows.set(request.id, next);
  };

  return {
    /** Forgets the rows (the list is being emptied). */
    clear: () => rows.clear(),
    render() {
      list.append(headerRow('method', 'url', 'status', 'mode', 'queued', 'lock', 'time', ''));
      for (const request of requests.entries()) {
        const row = requestRow(request);
        rows.set(request.id, row);
        list.append(row.row);
      }
    },
    /** The running requests' durations, every second. */
    tick() {
      for (const [id, row] of rows) {
        const request = requests.get(id);
        if (request && !request.endedAt) setText(row.duration, duration(request));
      }
    },
    /** Applies a request's change (and the drops it caused) while the tab is shown. */
    update(request: LoggedRequest, dropped: readonly number[]): void {
      for (const id of dropped) {
        rows.get(id)?.row.remove();
        rows.delete(id);
      }
      list.querySelector('.em')?.remove();
      upsertRow(request);
    },
  };
};
