// The script-tag build: everything the npm entry exports, the features a legacy page passes in `features`
// (SessionFetch.csrf({ ... }), SessionFetch.lifecycle({ ... })) and the page adapters, as the global
// `SessionFetch`. A pure re-export file: platform code imports the core, never the reverse.
export { csrf } from '../csrf/index.js';
export * from '../index.js';
export { lifecycle } from '../lifecycle/index.js';
export { type InstalledFetch, type InstallFetchOptions, installFetch } from './install-fetch.js';
// `SessionFetch.jquery($, options)` for legacy pages; `installJQuery` is the same function.
export { installJQuery as jquery, installJQuery, type JQueryAdapter } from './jquery/index.js';
