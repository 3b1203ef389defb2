import type { SessionClient } from '../../core/session-client.js';
import type { Finding } from '../../diagnostics/types.js';
import { watchDiagnostics } from '../../diagnostics/watch-diagnostics.js';
import { h, setText } from '../dom.js';
import { worstOf } from '../format.js';
import type { FindingMarks, OverlayOptions, View } from '../types.js';

/** Requests whose findings are remembered for their marks; the request log keeps fewer. */
const markedRequests = 500;

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

/**
 * The Diagnostics tab: the findings of the watched diagnostics, newest first, each with its fix; their count on
 * the tab and on the header's badge, and the findings of each request for its mark in the Requests tab.
 */
export const diagnosticsPanel = (
  client: SessionClient,
  options: OverlayOptions,
  cookieName: string,
  view: View,
  parts: { tab: HTMLElement; badge: HTMLElement },
  show: { list(): void; request(id: number): void },
) => {
  const byRequest = new Map<number, Map<string, Finding>>();
  const counts = () => {
    const all = diagnostics.findings();
    setText(parts.tab, `Diagnostics (${all.length})`);
    const { badge } = parts;
    badge.hidden = all.length === 0;
    setText(badge, `⚠ ${all.length}`);
    badge.className = `bg ${worstOf(all)}`;
    badge.title = `${all.length} finding${all.length === 1 ? '' : 's'}: open the Diagnostics tab`;
  };
  const diagnostics = watchDiagnostics(client, {
    cookieName,
    ...options.diagnostics,
    onFinding: (finding) => {
      const id = finding.requestId;
      if (id !== undefined) {
        const seen = byRequest.get(id) ?? new Map<string, Finding>();
        seen.set(finding.id, finding);
        byRequest.delete(id);
        byRequest.set(id, seen);
        if (byRequest.size > markedRequests) byRequest.delete(byRequest.keys().next().value as number);
      }
      counts();
      // Collapsed, the tabs and the list are hidden: expanding renders them anyway.
      if (!view.visible() || view.collapsed()) return;
      if (view.tab() === 'findings') show.list();
      else if (view.tab() === 'requests' && id !== undefined) show.request(id);
    },
  });
  const marks: Omit<FindingMarks, 'open'> = {
    of: (requestId) => [...(byRequest.get(requestId)?.values() ?? [])],
  };
  return {
    diagnostics,
    marks,
    counts,
    clear() {
      diagnostics.clear();
      byRequest.clear();
      counts();
    },
    render: () => {
      for (const finding of [...diagnostics.findings()].reverse()) view.list.append(findingRow(finding));
    },
  };
};
