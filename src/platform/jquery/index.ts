export { installJQuery, type JQueryAdapter } from './install-jquery.js';
export type { JQueryAjaxSettings, JQueryStaticLike } from './types.js';
