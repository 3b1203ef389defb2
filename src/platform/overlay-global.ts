// The overlay's script-tag build (dist/session-fetch.overlay.global.js). It adds `mountOverlay` and `debug` to the
// global `SessionFetch` of the core script (load it after session-fetch.global.js, whose global would otherwise
// replace this one), or creates the global when there is none. The overlay imports only types from the core, so
// the core is not bundled a second time.
import type { SessionClient } from '../core/session-client.js';
import { debug as printDebug } from '../overlay/console-debug.js';
import { mountOverlay as mount } from '../overlay/mount-overlay.js';

let lastClient: SessionClient | undefined;

/** `mountOverlay` that remembers the client, for `SessionFetch.debug()` without an argument. */
const mountOverlay: typeof mount = (client, options) => {
  lastClient = client;
  return mount(client, options);
};

/** Console tables of the session and requests of `client`, or of the client last given to mountOverlay(). */
const debug = (client: SessionClient | undefined = lastClient, limit?: number): void => {
  if (client) printDebug(client, limit);
  else console.info('session-fetch: debug(client), or mountOverlay(client) first');
};

const scope = globalThis as { SessionFetch?: Record<string, unknown> };
const target = scope.SessionFetch ?? {};
scope.SessionFetch = target;
target.mountOverlay = mountOverlay;
target.debug = debug;
