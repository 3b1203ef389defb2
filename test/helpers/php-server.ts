import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSessionClient, type SessionClient, type SessionClientOptions } from '../../src/index.js';
import { type CookieJarFetch, createCookieJarFetch } from './cookie-jar-fetch.js';
import { fpmConfig, nginxConfig } from './php-server-config.js';
import {
  assertRunning,
  freePort,
  type StartedProcess,
  startProcess,
  stopProcess,
  tcpOpen,
  waitFor,
} from './processes.js';
import { ci } from './timing.js';

/** The PHP test app (test/php-app), served as the document root (SESSION_FETCH_PHP_APP overrides, for bundles). */
export const phpAppDir =
  process.env.SESSION_FETCH_PHP_APP ?? resolve(dirname(fileURLToPath(import.meta.url)), '../php-app');

export const missingPhpMessage =
  'The PHP suite needs php-fpm 8.2, nginx and Redis: apt-get update && apt-get install -y php8.2-cli php8.2-fpm nginx-light redis-server php8.2-redis';

const onPath = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

const fpmBinary = 'php-fpm8.2';

/** Whether php-fpm8.2 and nginx are installed (redis-server is checked separately: `redisAvailable()`). */
export const phpAvailable = (): boolean => onPath(fpmBinary) && onPath('nginx');

/** Whether redis-server and the phpredis extension are installed. */
export const redisAvailable = (): boolean =>
  onPath('redis-server') &&
  spawnSync('php', ['-r', 'exit(extension_loaded("redis") ? 0 : 1);'], { stdio: 'ignore' }).status === 0;

export type PhpServerOptions = {
  /** Session save handler: PHP's files, the helper's files handler with a lock-wait timeout, or phpredis. @default 'files' */
  handler?: 'files' | 'timeout' | 'redis';
  /** Lock-wait timeout of the 'timeout' and 'redis' handlers, ms. @default 1000 */
  lockTimeoutMs?: number;
  /** phpredis' pause between two tries for the lock (redis.session.lock_wait_time), ms. @default 20 */
  redisLockPollMs?: number;
  /** session.use_strict_mode. @default false (Debian's default) */
  strictMode?: boolean;
  /** session.cookie_httponly=1 and SameSite=Lax; off is Debian's default `PHPSESSID=...; path=/`. @default false */
  httpOnlyCookie?: boolean;
  /** Send the protocol headers (a request can still override with ?protocol=0|1). @default true */
  protocol?: boolean;
  /** session.gc_maxlifetime in seconds. With a value, GC runs on every session_start. @default 1440 */
  gcMaxLifetime?: number;
  /** php-fpm workers (pm = static) of each pool. @default 8 */
  workers?: number;
  /**
   * php-fpm processes, each on its own port, behind one nginx `upstream` (round robin): a scaled-out app. They
   * share the session store (the one session directory, or the one redis-server). @default 1
   */
  pools?: 1 | 2;
  /**
   * Which app `url` points at. 'helper': test/php-app, whose scripts use php/session-fetch.php. 'plain':
   * test/php-app/plain, plain session_start() without the helper (no protocol headers; a lock timeout answered
   * 423 + `Retry-After: 1` + `X-Session-Lock: timeout` by the script). Both are served either way.
   * @default 'helper'
   */
  app?: 'helper' | 'plain';
  /** Allowed CORS origins for the helper. @default [] */
  corsOrigins?: string[];
  /** Extra php.ini settings for the pools (`php_value`: a script may change them). */
  ini?: Record<string, string | number | boolean>;
  /**
   * The document root nginx serves (PHP scripts and static files). Its scripts find the helper the way
   * test/php-app does (`__DIR__ . '/../../php/session-fetch.php'`). @default phpAppDir (test/php-app)
   */
  root?: string;
};

export type PhpServer = {
  /** `http://127.0.0.1:<port>`, plus `/plain` for the plain app: the prefix of the app's scripts. */
  url: string;
  /** `http://127.0.0.1:<port>`: the origin to use as the client's pageOrigin. */
  origin: string;
  /** The session.save_path of this run (files handlers). */
  sessionDir: string;
  /** The port of this run's redis-server (handler 'redis'). */
  redisPort?: number;
  options: Required<Omit<PhpServerOptions, 'ini' | 'corsOrigins' | 'root'>> &
    Pick<PhpServerOptions, 'ini' | 'corsOrigins' | 'root'>;
  /** Stops nginx, php-fpm (and redis) and removes the temp dir. */
  stop(): Promise<void>;
};

export { freePort } from './processes.js';

/** redis-server on a free loopback port, without persistence; resolves once it answers PING. */
const startRedis = async (dir: string, processes: StartedProcess[]): Promise<number> => {
  if (!redisAvailable()) throw new Error(missingPhpMessage);
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const redis = startProcess('redis-server', args, join(dir, 'logs'), 'redis-server');
  processes.push(redis);
  await waitFor(() => tcpOpen(port, { send: 'PING\r\n', expect: 'PONG' }), 10_000, redis.describe);
  return port;
};

/** php.ini settings of a run. */
const iniFor = (options: PhpServer['options'], sessionDir: string, gcSet: boolean) => ({
  'session.save_path': sessionDir,
  'session.use_strict_mode': options.strictMode,
  'session.cookie_httponly': options.httpOnlyCookie,
  'session.cookie_samesite': options.httpOnlyCookie ? 'Lax' : '',
  'session.gc_maxlifetime': options.gcMaxLifetime,
  'session.gc_probability': gcSet ? 1 : 0,
  'session.gc_divisor': 1,
  'session.use_cookies': 1,
  'session.use_only_cookies': 1,
  display_errors: 0,
  log_errors: 1,
  error_reporting: 'E_ALL',
  max_execution_time: 30,
});

/** phpredis session settings: lock_wait_time (µs) x lock_retries = the lock-wait timeout. */
const redisIni = (options: PhpServer['options'], port: number) => ({
  'session.save_handler': 'redis',
  'session.save_path': `tcp://127.0.0.1:${port}`,
  'redis.session.locking_enabled': 1,
  'redis.session.lock_wait_time': options.redisLockPollMs * 1000,
  'redis.session.lock_retries': Math.max(1, Math.round(options.lockTimeoutMs / options.redisLockPollMs)),
  'redis.session.lock_expire': 30,
});

/**
 * Starts php-fpm 8.2 (one or two pools) behind nginx on free ports of 127.0.0.1, serving test/php-app, with a
 * private session directory (and a private redis-server for handler 'redis'). Resolves once /ping.php answers.
 */
export const startPhpServer = async (input: PhpServerOptions = {}): Promise<PhpServer> => {
  if (!phpAvailable()) throw new Error(missingPhpMessage);
  const options = {
    handler: input.handler ?? 'files',
    lockTimeoutMs: input.lockTimeoutMs ?? 1000,
    redisLockPollMs: input.redisLockPollMs ?? 20,
    strictMode: input.strictMode ?? false,
    httpOnlyCookie: input.httpOnlyCookie ?? false,
    protocol: input.protocol ?? true,
    gcMaxLifetime: input.gcMaxLifetime ?? 1440,
    workers: input.workers ?? 8,
    pools: input.pools ?? 1,
    app: input.app ?? 'helper',
    corsOrigins: input.corsOrigins ?? [],
    ini: input.ini,
    root: input.root,
  } satisfies PhpServer['options'];
  const dir = mkdtempSync(join(tmpdir(), 'session-fetch-php-'));
  const sessionDir = join(dir, 'sessions');
  for (const sub of ['sessions', 'nginx-tmp', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  const processes: StartedProcess[] = [];
  const describeAll = () => processes.map((p) => p.describe()).join('\n');

  const stop = async () => {
    await Promise.all(processes.map(({ child }) => stopProcess(child)));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const ini: Record<string, string | number | boolean> = iniFor(
      options,
      sessionDir,
      input.gcMaxLifetime !== undefined,
    );
    const redisPort = options.handler === 'redis' ? await startRedis(dir, processes) : undefined;
    if (redisPort !== undefined) Object.assign(ini, redisIni(options, redisPort));
    Object.assign(ini, input.ini);
    const env: Record<string, string> = {
      SF_HANDLER: options.handler,
      SF_LOCK_TIMEOUT_MS: String(options.lockTimeoutMs),
      SF_PROTOCOL: options.protocol ? '1' : '0',
      SF_CORS: options.corsOrigins.join(','),
    };

    const fpmPorts: number[] = [];
    for (let pool = 1; pool <= options.pools; pool++) {
      const port = await freePort();
      const name = `pool${pool}`;
      const conf = join(dir, `${name}.conf`);
      writeFileSync(conf, fpmConfig({ dir, name, port, workers: options.workers, env, ini }));
      processes.push(startProcess(fpmBinary, ['-R', '-F', '-y', conf], join(dir, 'logs'), `php-fpm ${name}`));
      fpmPorts.push(port);
    }
    // nginx marks an upstream that refused a connection as failed for a while: start it once every pool listens.
    for (const port of fpmPorts) {
      await waitFor(
        async () => {
          assertRunning(processes);
          return tcpOpen(port);
        },
        15_000,
        describeAll,
      );
    }

    const httpPort = await freePort();
    const nginxConf = join(dir, 'nginx.conf');
    writeFileSync(nginxConf, nginxConfig({ dir, httpPort, fpmPorts, root: options.root ?? phpAppDir }));
    processes.push(
      startProcess(
        'nginx',
        ['-p', dir, '-e', join(dir, 'logs', 'nginx-error.log'), '-c', nginxConf, '-g', 'daemon off;'],
        join(dir, 'logs'),
        'nginx',
      ),
    );

    const origin = `http://127.0.0.1:${httpPort}`;
    await waitFor(
      async () => {
        assertRunning(processes);
        const response = await fetch(`${origin}/ping.php`);
        return response.ok && (await response.text()) === 'ok';
      },
      15_000,
      describeAll,
    ).catch((error: Error) => {
      const exited = processes.filter(({ child }) => child.exitCode !== null);
      throw new Error(
        `${error.message}${exited.length ? `\nexited: ${exited.map((p) => p.describe()).join('\n')}` : ''}`,
      );
    });
    const url = options.app === 'plain' ? `${origin}/plain` : origin;
    return { url, origin, sessionDir, redisPort, options, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/**
 * Whether the PHP suites run: true when php-fpm and nginx are installed. Without them it prints how to install
 * them and returns false, except under CI=true, where it returns true so that startPhpServer() fails the suite.
 */
export const shouldRunPhpSuite = (): boolean => {
  if (phpAvailable()) return true;
  if (ci()) return true;
  console.warn(`Skipping the PHP suite. ${missingPhpMessage}`);
  return false;
};

export type LoggedEvent = { name: string; at: number; detail: Record<string, unknown> };

const eventNames = [
  'session:start',
  'session:rotate',
  'session:expire',
  'session:resume',
  'session:give-up',
  'session:not-resumed',
  'lock:wait',
  'lock:retry',
  'request:queued',
  'request:start',
  'request:response',
  'request:end',
] as const;

/**
 * A session client talking to `server` from node: `pageOrigin` is the server's origin, `prefix` its URL, and
 * its fetch keeps cookies in `jar`. Every event is logged in `events`.
 */
export const phpClient = (
  server: Pick<PhpServer, 'url' | 'origin'>,
  options: SessionClientOptions = {},
  fetchImpl: CookieJarFetch = createCookieJarFetch(server.origin),
) => {
  const client: SessionClient = createSessionClient({
    pageOrigin: server.origin,
    prefix: server.url,
    fetch: fetchImpl,
    ...options,
  });
  const started = Date.now();
  const events: LoggedEvent[] = [];
  for (const name of eventNames) {
    client.on(name, (event) => {
      const detail: Record<string, unknown> = {};
      const e = event as unknown as Record<string, unknown>;
      if (e.request) {
        const r = e.request as Record<string, unknown>;
        detail.request = `${r.method} ${new URL(String(r.url)).pathname}${new URL(String(r.url)).search} #${r.id}`;
        detail.status = r.status;
        detail.outcome = r.outcome;
      }
      if (e.session) detail.status = detail.status ?? (e.session as { status: string }).status;
      if ('delayMs' in e) detail.delayMs = e.delayMs;
      if ('lockWaitMs' in e) detail.lockWaitMs = e.lockWaitMs;
      if ('afterOwnWrite' in e) detail.afterOwnWrite = e.afterOwnWrite;
      if (e.request) detail.id = (e.request as { id: number }).id;
      events.push({ name, at: Date.now() - started, detail });
    });
  }
  const count = (name: string) => events.filter((e) => e.name === name).length;
  return { client, fetch: fetchImpl, jar: fetchImpl.jar, events, count };
};
