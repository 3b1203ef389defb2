import type { LoggedRequest, RequestLog } from '../../diagnostics/request-log.js';
import { safeHttpUrl } from '../../diagnostics/request-log.js';
import type { Finding } from '../../diagnostics/types.js';
import { button, h, setText } from '../dom.js';
import { formatDuration, formatMs, worstOf } from '../format.js';
import { attemptStep, outcomeOf, showsAttempts, storyOf } from '../request-story.js';
import type { FindingMarks } from '../types.js';

const duration = (request: LoggedRequest) => formatDuration(request) + (request.endedAt ? '' : '…');

/** A status colours by its HTTP class only: what the client made of it is the outcome's word. */
const statusClass = (status: number | undefined) =>
  status === undefined ? '' : status >= 400 || status === 0 ? 'err' : 'ok';

/** A cell that names itself in the narrow layout, where the column names are not shown. */
const labelled = (label: string, text: string) => {
  const cell = h('span', '', text);
  cell.dataset.l = label;
  return cell;
};

const markOf = (findings: readonly Finding[], marks: FindingMarks) => {
  const mark = button(
    `⚠${findings.length > 1 ? findings.length : ''}`,
    marks.open,
    findings.map((finding) => `${finding.severity}: ${finding.title}`).join('\n'),
  );
  mark.className = `mk ${worstOf(findings)}`;
  return mark;
};

/** A request's rows: the request (final status, outcome in words) and, when it took more, one per attempt. */
const requestGroup = (request: LoggedRequest, marks: FindingMarks) => {
  const origin = globalThis.location?.origin;
  const shown =
    origin && request.url.startsWith(`${origin}/`) ? request.url.slice(origin.length) : request.url;
  const url = h('span', 'u', shown);
  url.title = request.url;
  const last = request.tries[request.tries.length - 1];
  const status = last?.status ?? request.status;
  const outcome = outcomeOf(request);
  const lock = [
    request.lockWaitMs ? formatMs(request.lockWaitMs) : '',
    request.lockRetries ? `${request.lockRetries}×retry` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const time = h('span', '', duration(request));
  const end = h('span', 'x');
  const findings = marks.of(request.id);
  if (findings.length > 0) end.append(markOf(findings, marks));
  const profile = safeHttpUrl(request.profileUrl);
  if (profile) {
    const link = h('a', '', 'profile');
    link.href = profile;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    end.append(link);
  }
  const row = h(
    'div',
    'r m',
    h('span', '', request.method),
    url,
    h('span', statusClass(status), status === undefined ? '—' : String(status)),
    h('span', outcome.tone, outcome.text),
    h('span', '', request.foreign ? 'foreign' : request.mode),
    labelled('queued ', request.queuedMs ? formatMs(request.queuedMs) : ''),
    labelled('lock ', lock),
    time,
    end,
  );
  // The tone marks the group's edge only: the status and the outcome have colours of their own.
  const group = h('div', `g ${{ err: 'bad', run: 'wait' }[outcome.tone as string] ?? ''}`, row);
  // The whole story, for a reader hovering the request (and for tests): nothing in it is cut.
  group.title = storyOf(request, shown);
  if (showsAttempts(request)) {
    request.tries.forEach((_, index) => {
      const step = attemptStep(request, index);
      group.append(
        h(
          'div',
          'r a',
          h('span'),
          h('span', '', step.label),
          h('span', statusClass(Number(step.status) || undefined), step.status),
          h('span', step.tone, step.word),
          h('span', 'nx', [step.ms, step.next && `→ ${step.next}`].filter(Boolean).join(' ')),
        ),
      );
    });
  }
  return { group, duration: time };
};

/** A header row of column names. */
const headerRow = (...names: string[]) => h('div', 'r hr', ...names.map((name) => h('span', '', name)));

/** The Requests tab: a group of rows per logged request, newest first, updated in place as requests progress. */
export const requestsPanel = (list: HTMLElement, requests: RequestLog, marks: FindingMarks) => {
  const rows = new Map<number, { group: HTMLElement; duration: HTMLElement }>();

  const upsert = (request: LoggedRequest) => {
    const next = requestGroup(request, marks);
    const previous = rows.get(request.id);
    if (previous) previous.group.replaceWith(next.group);
    else list.children[0]?.after(next.group);
    rows.set(request.id, next);
  };

  return {
    /** Forgets the rows (the list is being emptied). */
    clear: () => rows.clear(),
    render() {
      list.append(headerRow('method', 'url', 'status', 'outcome', 'mode', 'queued', 'lock', 'time', ''));
      for (const request of requests.entries()) {
        const row = requestGroup(request, marks);
        rows.set(request.id, row);
        list.append(row.group);
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
        rows.get(id)?.group.remove();
        rows.delete(id);
      }
      list.querySelector('.em')?.remove();
      upsert(request);
    },
    /** Draws a request again (a finding about it arrived). */
    refresh(id: number): void {
      const request = requests.get(id);
      if (request && rows.has(id)) upsert(request);
    },
  };
};
