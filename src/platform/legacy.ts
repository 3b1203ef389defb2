// session-fetch/legacy: the page adapters for npm users (the script-tag build exposes them on SessionFetch).
export { type InstalledFetch, type InstallFetchOptions, installFetch } from './install-fetch.js';
export {
  installJQuery,
  type JQueryAdapter,
  type JQueryAjaxSettings,
  type JQueryStaticLike,
} from './jquery/index.js';
