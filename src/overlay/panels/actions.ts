import type { SessionClient } from '../../core/session-client.js';
import type { RequestLog } from '../../diagnostics/request-log.js';
import type { Finding } from '../../diagnostics/types.js';
import { redactUrl } from '../../diagnostics/util.js';
import { button, h } from '../dom.js';
import { outcomeOf, storyOf } from '../request-story.js';
import type { OverlayEvent } from '../types.js';

type Events = { entries(): OverlayEvent[]; clear(): void; add(name: string, text: string): void };

/** The action bar (Export JSON, Clear, the simulated faults) and the JSON export. */
export const actions = (
  client: SessionClient,
  cookieName: string,
  requests: RequestLog,
  diagnostics: { findings(): Finding[]; clear(): void },
  events: Events,
) => {
  const exportJson = () =>
    JSON.stringify(
      {
        exportedAt: new Date().toISOString(),
        page: redactUrl(globalThis.location?.href ?? '', [cookieName]),
        session: client.session,
        // With the outcome and the whole story in words, as the panel shows them.
        requests: requests
          .entries()
          .map((request) => ({ ...request, result: outcomeOf(request).text, story: storyOf(request) })),
        events: events.entries(),
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

  const simulate = (fault: 'expire' | 'rotate' | 'lock-timeout') => {
    client.simulate(fault);
    events.add('simulate', `${fault} on the next session request`);
  };

  const bar = h(
    'div',
    'ac',
    button('Export JSON', download),
    button('Clear', () => {
      events.clear();
      diagnostics.clear();
      // Last: clearing the log renders the list and the tab counts again (the overlay listens to it).
      requests.clear();
    }),
    h('span', '', 'Next request:'),
    button('expire', () => simulate('expire')),
    button('rotate', () => simulate('rotate')),
    button('lock timeout', () => simulate('lock-timeout')),
  );
  return { bar, exportJson };
};
