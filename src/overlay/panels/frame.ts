import { type Child, h } from '../dom.js';
import { applyStyles } from '../styles.js';
import type { OverlayOptions } from '../types.js';

const tag = 'session-fetch-overlay';

/**
 * The overlay's custom element, hidden, appended to the page: a shadow root with the styles and the panel
 * (a header row and a body). Returns the element and the panel.
 */
export const frame = (position: OverlayOptions['position'], header: Child[], body: Child[]) => {
  // Another copy of the library may have defined it: any definition will do, the element holds no logic.
  if (!customElements.get(tag)) customElements.define(tag, class extends HTMLElement {});
  const host = document.createElement(tag);
  host.hidden = true;
  if (position && position !== 'bottom-right') {
    host.className = position
      .split('-')
      .map((word) => word[0])
      .join('');
  }
  const root = host.attachShadow({ mode: 'open' });
  applyStyles(root);
  const panel = h('div', 'p', h('div', 'hd', ...header), h('div', 'bd', ...body));
  root.append(panel);
  (document.body ?? document.documentElement).append(host);
  return { host, panel };
};
