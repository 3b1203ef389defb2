// session-fetch/testing: the engine and its node:http adapter, free of msw (an optional peer). The msw handlers
// are session-fetch/testing/msw (src/testing/msw.ts); re-exporting them here would load msw for every user.
export type { Clock, ControllableClock } from './engine/clock.js';
export {
  CookieJar,
  type CookieJarFetch,
  createCookieJarFetch,
  type FetchFunction,
} from './engine/cookie-jar-fetch.js';
export {
  formatSetCookie,
  parseCookieHeader,
  type ResolvedCookieOptions,
  type SessionCookieOptions,
} from './engine/cookies.js';
export type { CorsOptions } from './engine/cors.js';
export { createPhpServer } from './engine/create-php-server.js';
export { installDemoRoutes } from './engine/demo-routes.js';
export { FAULT_HEADER, FAULT_QUERY, type FaultName, PHP_WARNING, type PhpFaults } from './engine/faults.js';
export { fingerprint } from './engine/fingerprint.js';
export type {
  PhpLogEntry,
  PhpServer,
  PhpServerOptions,
  ResolvedPhpServerOptions,
  SessionInfo,
} from './engine/options.js';
export type { Php, PhpStartOptions, SetCookieOptions } from './engine/php-script.js';
export type { RouteScript } from './engine/router.js';
export { toNodeListener } from './node-http.js';
