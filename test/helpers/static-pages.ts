/**
 * How the test pages and the built bundles reach the browser: from the same nginx (same origin) as the PHP app.
 *
 * Each `startSite()` makes a temp document root
 *
 *     <tmp>/php/session-fetch.php        the server helper (test/php-app's `__DIR__/../../php/` finds it)
 *     <tmp>/site/www/                    the document root
 *       *.php                            test/php-app
 *       pages/                           test/e2e/pages (HTML, page scripts, the pages' own PHP endpoints)
 *       dist/                            the bundles, built from src/ by tsup into a private cache (ensureBundles)
 *       vendor/zod/                      zod's ESM files, for the SPA page's import map (ky is in the bundle)
 *       vendor/jquery3.js, jquery4.js    the npm aliases jquery3 / jquery4
 *
 * and starts php-fpm + nginx on it (`startPhpServer({ root })`).
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { type PhpServer, type PhpServerOptions, phpAppDir, startPhpServer } from './php-server.js';

/** The repository (SESSION_FETCH_REPO overrides, for the benchmarks' bundles, which live elsewhere). */
export const repoDir =
  process.env.SESSION_FETCH_REPO ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const pagesDir = join(repoDir, 'test/e2e/pages');

/** Where the e2e bundles are built: a private copy of dist/, so the run never rewrites the shared dist/. */
const bundleDir = join(repoDir, 'node_modules/.cache/session-fetch-e2e/dist');
const stampFile = join(bundleDir, '.built-from');

/** The newest modification time under these paths. */
const newest = (paths: string[]): number => {
  let latest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  for (const path of paths) visit(path);
  return latest;
};

let built: string | undefined;

/**
 * The vitest run this process belongs to: test files run in forks of the vitest process (same parent) or in its
 * worker threads (same process). One build per run is enough, even while other people edit src/ meanwhile.
 */
const runKey = String(isMainThread ? process.ppid : process.pid);

const readStamp = (): { runKey?: string } => {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')) as { runKey?: string };
  } catch {
    return {};
  }
};

/**
 * Builds the bundles with the repository's tsup config (`npx tsup --out-dir <cache> --no-dts`) unless this run
 * built them already or nothing in src/, tsup.config.ts and package.json changed since the last build, and
 * returns the directory. The shared dist/ is never touched.
 */
export const ensureBundles = (): string => {
  if (built) return built;
  const outputs = ['index.js', 'session-fetch.global.js'].every((file) => existsSync(join(bundleDir, file)));
  const inputs = newest([
    join(repoDir, 'src'),
    join(repoDir, 'tsup.config.ts'),
    join(repoDir, 'package.json'),
  ]);
  const fresh =
    outputs &&
    existsSync(stampFile) &&
    (readStamp().runKey === runKey || statSync(stampFile).mtimeMs >= inputs);
  if (!fresh) {
    const startedAt = new Date();
    try {
      execFileSync('npx', ['tsup', '--out-dir', relative(repoDir, bundleDir), '--no-dts'], {
        cwd: repoDir,
        stdio: 'pipe',
        timeout: 180_000,
      });
    } catch (error) {
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(
        `tsup failed to build the bundles for the browser suite:\n${output.stdout ?? ''}\n${output.stderr ?? ''}`,
      );
    }
    writeFileSync(stampFile, JSON.stringify({ runKey, startedAt: startedAt.toISOString() }));
    // The stamp's time is the build's start, so files edited while tsup ran trigger the next run's build.
    utimesSync(stampFile, startedAt, startedAt);
  }
  built = bundleDir;
  return bundleDir;
};

const vendorFiles = (root: string) => {
  const modules = join(repoDir, 'node_modules');
  const vendor = join(root, 'vendor');
  mkdirSync(vendor, { recursive: true });
  cpSync(join(modules, 'zod'), join(vendor, 'zod'), {
    recursive: true,
    // The ESM files only: zod/mini and what it imports.
    filter: (source) => {
      const path = relative(join(modules, 'zod'), source);
      if (path === 'src' || path.startsWith('src/') || path === 'locales' || path.startsWith('locales/'))
        return false;
      return !/\.(d\.c?ts|cjs|map|md)$/.test(path);
    },
  });
  cpSync(join(modules, 'jquery3/dist/jquery.min.js'), join(vendor, 'jquery3.js'));
  cpSync(join(modules, 'jquery4/dist/jquery.min.js'), join(vendor, 'jquery4.js'));
};

/** A document root with the PHP app, the pages, the bundles and the vendor files. Returns its path. */
export const makeDocumentRoot = (): { root: string; remove: () => void } => {
  const dist = ensureBundles();
  const base = mkdtempSync(join(tmpdir(), 'session-fetch-e2e-'));
  const root = join(base, 'site/www');
  mkdirSync(join(base, 'php'), { recursive: true });
  cpSync(join(repoDir, 'php/session-fetch.php'), join(base, 'php/session-fetch.php'));
  cpSync(phpAppDir, root, { recursive: true });
  cpSync(pagesDir, join(root, 'pages'), { recursive: true });
  cpSync(dist, join(root, 'dist'), {
    recursive: true,
    filter: (source) => !/\.d\.c?ts$/.test(source) && !source.endsWith('.built-from'),
  });
  vendorFiles(root);
  return { root, remove: () => rmSync(base, { recursive: true, force: true }) };
};

export type Site = PhpServer & {
  /** The document root served. */
  root: string;
  /** `http://<host>:<port>`: the site under another host name (mapped to 127.0.0.1 in the browser). */
  at(host: string): string;
  /** The port nginx listens on. */
  port: number;
};

/** The PHP app with the test pages and bundles on one origin (php-fpm behind nginx on 127.0.0.1). */
export const startSite = async (options: Omit<PhpServerOptions, 'root'> = {}): Promise<Site> => {
  const { root, remove } = makeDocumentRoot();
  let server: PhpServer;
  try {
    server = await startPhpServer({ ...options, root });
  } catch (error) {
    remove();
    throw error;
  }
  const port = Number(new URL(server.url).port);
  return {
    ...server,
    root,
    port,
    at: (host) => `http://${host}:${port}`,
    async stop() {
      await server.stop();
      remove();
    },
  };
};
