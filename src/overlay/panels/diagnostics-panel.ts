import type { SessionClient } from '../../core/create-session-client.js';
import type { Finding } from '../../diagnostics/types.js';
import { watchDiagnostics } from '../../diagnostics/watch-diagnostics.js';
import { h, setText } from '../dom.js';
import type { OverlayOptions, View } from '../types.js';

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

/** The Diagnostics tab: the findings of the watched diagnostics, newest first, each with its fix. */
export const diagnosticsPanel = (
  client: SessionClient,
  options: OverlayOptions,
  cookieName: string,
  view: View,
  tabButton: HTMLElement,
  renderList: () => void,
) => {
  const update = () => {
    setText(tabButton, `Diagnostics (${diagnostics.findings().length})`);
    if (view.tab() === 'findings') renderList();
  };
  const diagnostics = watchDiagnostics(client, {
    cookieName,
    ...options.diagnostics,
    // Collapsed, the tabs and the list are hidden: expanding renders them anyway.
    onFinding: () => view.visible() && !view.collapsed() && update(),
  });
  return {
    diagnostics,
    render: () => {
      for (const finding of [...diagnostics.findings()].reverse()) view.list.append(findingRow(finding));
    },
  };
};
