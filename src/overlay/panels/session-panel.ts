import type { SessionClient } from '../../core/session-client.js';
import { h, setText } from '../dom.js';
import { formatClock, formatCountdown } from '../format.js';

const sources = { protocol: 'protocol header', cookie: 'readable cookie', none: 'none' };
const labels = ['Fingerprint', 'Status', 'Age', 'Expires', 'Rotations', 'Id source'];

/** The header's status dot and fingerprint, and the session summary; `render()` brings them up to date. */
export const sessionPanel = (client: SessionClient) => {
  const dot = h('span', 'dot');
  const headerFp = h('span');
  const fields = labels.map(() => h('dd'));
  const summary = h('dl', 'ss');
  fields.forEach((field, index) => {
    summary.append(h('dt', '', labels[index]), field);
  });
  const [fingerprint, status, age, expires, rotations, source] = fields as [
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
    HTMLElement,
  ];

  const render = () => {
    const session = client.session;
    const now = Date.now();
    dot.className = `dot ${session.status}`;
    setText(headerFp, session.fingerprint ?? '');
    setText(fingerprint, session.fingerprint ?? '—');
    setText(status, session.status);
    setText(age, session.status === 'unknown' ? '—' : formatClock(now - session.since));
    setText(expires, formatCountdown(session.expiresAt, now));
    setText(rotations, String(session.rotations));
    setText(source, sources[session.source]);
  };
  return { dot, headerFp, summary, render };
};
