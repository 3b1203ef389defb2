import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSessionClient, type SessionClient, type SessionClientOptions } from '../../src/index.js';
import { type CookieJarFetch, createCookieJarFetch } from './cookie-jar-fetch.js';
import { sleep } from './sleep-and-fingerprint.js';

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
  /** session.use_strict_mode. @default false (Debian's default) */
  strictMode?: boolean;
  /** session.cookie_httponly=1 and SameSite=Lax; off is Debian's default `PHPSESSID=...; path=/`. @default false */
  httpOnlyCookie?: boolean;
  /** Send the protocol headers (a request can still override with ?protocol=0|1). @default true */
  protocol?: boolean;
  /** session.gc_maxlifetime in seconds. With a value, GC runs on every session_start. @default 1440 */
  gcMaxLifetime?: number;
  /** php-fpm workers (pm = static). @default 8 */
  workers?: number;
  /** Allowed CORS origins for the helper. @default [] */
  corsOrigins?: string[];
  /** Extra php.ini settings for the pool. */
  ini?: Record<string, string | number | boolean>;
  /**
   * The document root nginx serves (PHP scripts and static files). Its scripts find the helper the way
   * test/php-app does (`__DIR__ . '/../../php/session-fetch.php'`). @default phpAppDir (test/php-app)
   */
  root?: string;
};

export type PhpServer = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Same as url: the origin to use as the client's pageOrigin. */
  origin: string;
  /** The session.save_path of this run (files handlers). */
  sessionDir: string;
  options: Required<Omit<PhpServerOptions, 'ini' | 'corsOrigins' | 'root'>> &
    Pick<PhpServerOptions, 'ini' | 'corsOrigins' | 'root'>;
  /** Stops nginx, php-fpm (and redis) and removes the temp dir. */
  stop(): Promise<void>;
};

/** A free TCP port on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });

const running = new Set<ChildProcess>();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
};

let exitHookInstalled = false;
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
};

const startProcess = (command: string, args: string[], logFile: string, name: string) => {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  child.on('exit', () => running.delete(child));
  installExitHook();
  return {
    child,
    describe: () => `${name} (${command} ${args.join(' ')}), log ${logFile}:\n${output}`,
  };
};

const stopProcess = (child: ChildProcess, timeoutMs = 3000): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // The group may still hold children (fpm workers, nginx workers).
      killGroup(child, 'SIGKILL');
      done();
    });
    killGroup(child, 'SIGTERM');
  });

class ProcessExited extends Error {}

const waitFor = async (check: () => Promise<boolean>, timeoutMs: number, what: () => string) => {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof ProcessExited) throw error;
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await sleep(50);
  }
};

const iniValue = (value: string | number | boolean) =>
  typeof value === 'boolean' ? (value ? '1' : '0') : String(value);

/**
 * Starts php-fpm 8.2 behind nginx on free ports of 127.0.0.1, serving test/php-app, with a private session
 * directory (and a private redis-server for handler 'redis'). Resolves once /ping.php answers.
 */
export const startPhpServer = async (input: PhpServerOptions = {}): Promise<PhpServer> => {
  if (!phpAvailable()) throw new Error(missingPhpMessage);
  const options = {
    handler: input.handler ?? 'files',
    lockTimeoutMs: input.lockTimeoutMs ?? 1000,
    strictMode: input.strictMode ?? false,
    httpOnlyCookie: input.httpOnlyCookie ?? false,
    protocol: input.protocol ?? true,
    gcMaxLifetime: input.gcMaxLifetime ?? 1440,
    workers: input.workers ?? 8,
    corsOrigins: input.corsOrigins ?? [],
    ini: input.ini,
    root: input.root,
  } satisfies PhpServer['options'];
  const dir = mkdtempSync(join(tmpdir(), 'session-fetch-php-'));
  const sessionDir = join(dir, 'sessions');
  for (const sub of ['sessions', 'nginx-tmp', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  const processes: ReturnType<typeof startProcess>[] = [];

  const stop = async () => {
    await Promise.all(processes.map(({ child }) => stopProcess(child)));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [httpPort, fpmPort, redisPort] = await Promise.all([
      freePort(),
      freePort(),
      options.handler === 'redis' ? freePort() : Promise.resolve(0),
    ]);

    const ini: Record<string, string | number | boolean> = {
      'session.save_path': sessionDir,
      'session.use_strict_mode': options.strictMode,
      'session.cookie_httponly': options.httpOnlyCookie,
      'session.cookie_samesite': options.httpOnlyCookie ? 'Lax' : '',
      'session.gc_maxlifetime': options.gcMaxLifetime,
      'session.gc_probability': input.gcMaxLifetime !== undefined ? 1 : 0,
      'session.gc_divisor': 1,
      'session.use_cookies': 1,
      'session.use_only_cookies': 1,
      display_errors: 0,
      log_errors: 1,
      error_reporting: 'E_ALL',
      max_execution_time: 30,
    };
    if (options.handler === 'redis') {
      if (!redisAvailable()) throw new Error(missingPhpMessage);
      const redis = startProcess(
        'redis-server',
        [
          '--port',
          String(redisPort),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        join(dir, 'logs'),
        'redis-server',
      );
      processes.push(redis);
      Object.assign(ini, {
        'session.save_handler': 'redis',
        'session.save_path': `tcp://127.0.0.1:${redisPort}`,
        'redis.session.locking_enabled': 1,
        // 50 tries 20 ms apart: a lock wait of about 1 s before the "not successful" notice.
        'redis.session.lock_wait_time': 20_000,
        'redis.session.lock_retries': Math.max(1, Math.round(options.lockTimeoutMs / 20)),
        'redis.session.lock_expire': 30,
      });
      await waitFor(
        async () => {
          const { connect } = await import('node:net');
          return new Promise<boolean>((ok) => {
            const socket = connect(redisPort, '127.0.0.1', () => {
              socket.write('PING\r\n');
            });
            socket.on('data', (data) => {
              socket.destroy();
              ok(data.toString().includes('PONG'));
            });
            socket.on('error', () => ok(false));
          });
        },
        10_000,
        redis.describe,
      );
    }
    Object.assign(ini, input.ini);

    const env: Record<string, string> = {
      SF_HANDLER: options.handler,
      SF_LOCK_TIMEOUT_MS: String(options.lockTimeoutMs),
      SF_PROTOCOL: options.protocol ? '1' : '0',
      SF_CORS: options.corsOrigins.join(','),
    };
    const fpmConf = join(dir, 'php-fpm.conf');
    writeFileSync(
      fpmConf,
      [
        '[global]',
        `pid = ${join(dir, 'php-fpm.pid')}`,
        `error_log = ${join(dir, 'logs', 'php-fpm.log')}`,
        'daemonize = no',
        'log_level = warning',
        '',
        '[app]',
        `listen = 127.0.0.1:${fpmPort}`,
        'listen.backlog = 511',
        'pm = static',
        `pm.max_children = ${options.workers}`,
        'clear_env = yes',
        'catch_workers_output = yes',
        'decorate_workers_output = no',
        ...Object.entries(env)
          .filter(([, value]) => value !== '')
          .map(([key, value]) => `env[${key}] = ${JSON.stringify(value)}`),
        ...Object.entries(ini)
          .filter(([, value]) => iniValue(value) !== '')
          .map(([key, value]) => `php_admin_value[${key}] = ${JSON.stringify(iniValue(value))}`),
        '',
      ].join('\n'),
    );
    processes.push(startProcess(fpmBinary, ['-R', '-F', '-y', fpmConf], join(dir, 'logs'), 'php-fpm'));

    const tmp = join(dir, 'nginx-tmp');
    const nginxConf = join(dir, 'nginx.conf');
    writeFileSync(
      nginxConf,
      `user root;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/body;
  fastcgi_temp_path ${tmp}/fastcgi;
  proxy_temp_path ${tmp}/proxy;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  keepalive_timeout 30;
  # Static files (test pages, bundles): module scripts need a JavaScript MIME type.
  types {
    text/html html;
    text/javascript js mjs;
    application/json json map;
    text/css css;
    image/png png;
  }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${httpPort} backlog=511;
    root ${options.root ?? phpAppDir};
    index index.php;
    location ~ /_ { return 404; }
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_read_timeout 60s;
      fastcgi_pass 127.0.0.1:${fpmPort};
    }
  }
}
`,
    );
    const nginx = startProcess(
      'nginx',
      ['-p', dir, '-e', join(dir, 'logs', 'nginx-error.log'), '-c', nginxConf, '-g', 'daemon off;'],
      join(dir, 'logs'),
      'nginx',
    );
    processes.push(nginx);

    const url = `http://127.0.0.1:${httpPort}`;
    await waitFor(
      async () => {
        for (const { child } of processes) {
          if (child.exitCode !== null) throw new ProcessExited('a server process exited');
        }
        const response = await fetch(`${url}/ping.php`);
        return response.ok && (await response.text()) === 'ok';
      },
      15_000,
      () => processes.map((p) => p.describe()).join('\n'),
    ).catch((error: Error) => {
      const exited = processes.filter(({ child }) => child.exitCode !== null);
      throw new Error(
        `${error.message}${exited.length ? `\nexited: ${exited.map((p) => p.describe()).join('\n')}` : ''}`,
      );
    });
    return { url, origin: url, sessionDir, options, stop };
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
  if (process.env.CI === 'true' || process.env.CI === '1') return true;
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
      events.push({ name, at: Date.now() - started, detail });
    });
  }
  const count = (name: string) => events.filter((e) => e.name === name).length;
  return { client, fetch: fetchImpl, jar: fetchImpl.jar, events, count };
};
