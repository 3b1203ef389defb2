import type { RouteScript } from '../../src/testing/index.js';
import { stepsRoute } from './steps.js';

/**
 * The parity scenarios: each runs, request by request, against the mock engine and against real php-fpm (files
 * handler, and Redis with phpredis locking), and every observation must be equal. Both sides run one script:
 * `PHP_SCRIPT` under test/php-app and its twin `MOCK_ROUTE` (test/parity/steps.ts), driven by the step list `do`.
 */
export const PHP_SCRIPT = 'parity/steps.php';
export const MOCK_ROUTE: RouteScript = stepsRoute;

export interface Step {
  /** The script's steps, comma-separated (see steps.php): `start,count`. */
  do?: string;
  /** session_fetch_start() (true) or plain session_start() (false). @default true */
  helper?: boolean;
  /**
   * The session cookie sent: the browser's (jar), none, an id the server never made (the browser then holds it),
   * or one saved earlier (another tab that still sends it).
   */
  cookie?: 'jar' | 'none' | 'unknown' | `saved:${string}`;
  /** Send `X-Requested-With: XMLHttpRequest` (fetch/XHR); false is a page load. @default true */
  ajax?: boolean;
  method?: 'GET' | 'POST';
  /** Remember the jar's id under this name before the step (for `cookie: 'saved:<name>'`). */
  save?: string;
  /** In a group of concurrent steps: send this many ms after the group started. */
  after?: number;
  /** Answer 204 with no output. @default false */
  quiet?: boolean;
  /** Not a request: garbage-collect the jar's session (a cron job, a Redis TTL). */
  gc?: true;
}

export interface Scenario {
  name: string;
  /** session.use_strict_mode of the servers it runs on. */
  strictMode: boolean;
  /** Requests in order; an array is a group sent concurrently. */
  steps: Array<Step | Step[]>;
}

const session = { do: 'start,count' } satisfies Step;
const whoami = { do: 'start' } satisfies Step;

export const scenarios: Scenario[] = [
  { name: 'new session (plain PHP)', strictMode: false, steps: [{ ...session, helper: false }] },
  { name: 'new session, then resumed', strictMode: false, steps: [session, session] },
  {
    name: 'no output (204): new session, resumed, logout',
    strictMode: false,
    steps: [
      { ...session, quiet: true },
      { ...session, quiet: true },
      { do: 'read', quiet: true },
      { do: 'start,destroy', quiet: true },
    ],
  },
  {
    name: 'write_close then a second start (plain PHP)',
    strictMode: false,
    steps: [session, { do: 'start,close,start,count', helper: false }],
  },
  {
    name: 'read_and_close: new session, then resumed',
    strictMode: true,
    steps: [{ do: 'read' }, { do: 'read' }, { do: 'read,start,count', helper: false }],
  },
  ...[false, true].flatMap((strictMode): Scenario[] => {
    const mode = `strict mode ${strictMode ? 'on' : 'off'}`;
    return [
      {
        name: `${mode}: unknown id, plain PHP`,
        strictMode,
        steps: [{ ...session, cookie: 'unknown', helper: false }],
      },
      {
        name: `${mode}: unknown id, AJAX`,
        strictMode,
        steps: [
          { ...session, cookie: 'unknown' },
          { ...whoami, cookie: 'unknown' },
        ],
      },
      {
        name: `${mode}: unknown id, page load`,
        strictMode,
        steps: [{ ...session, cookie: 'unknown', ajax: false }, whoami],
      },
      {
        name: `${mode}: login with regenerate(true), through the helper`,
        strictMode,
        steps: [session, { do: 'start,regenerate,login' }, whoami],
      },
      {
        name: `${mode}: login with regenerate(false)`,
        strictMode,
        steps: [session, { do: 'start,regenerate-keep,login' }, whoami],
      },
      {
        name: `${mode}: login with a dead cookie ($_SESSION = [] first)`,
        strictMode,
        steps: [session, { gc: true }, { do: 'start,clear,regenerate,login' }, whoami],
      },
      {
        name: `${mode}: login without the helper, then an AJAX call through it`,
        strictMode,
        steps: [session, { gc: true }, { do: 'start,login', helper: false }, whoami],
      },
      {
        name: `${mode}: logout (session_destroy)`,
        strictMode,
        steps: [
          { do: 'start,login' },
          { do: 'start,destroy', save: 'user' },
          { ...whoami, cookie: 'saved:user' },
        ],
      },
      {
        name: `${mode}: logout, plain PHP`,
        strictMode,
        steps: [session, { do: 'start,destroy', helper: false }],
      },
      {
        name: `${mode}: destroy then start again`,
        strictMode,
        steps: [session, { do: 'start,destroy,start,count' }, { ...session, helper: false }],
      },
      {
        name: `${mode}: gc'd session, a protected AJAX call and a page load`,
        strictMode,
        steps: [{ do: 'start,login' }, { gc: true }, { do: 'start,protected' }, { ...whoami, ajax: false }],
      },
    ];
  }),
  {
    name: 'a lock held while a second request waits (files: waits; redis: 423 after the timeout)',
    strictMode: false,
    steps: [session, [{ do: 'start,count,hold:3000' }, { do: 'start,count', after: 800 }], session],
  },
  {
    name: 'the same without the helper (redis: runs without the lock, its write is lost)',
    strictMode: false,
    steps: [
      session,
      [
        { do: 'start,count,hold:3000', helper: false },
        { do: 'start,count', after: 800, helper: false },
      ],
      session,
    ],
  },
];
