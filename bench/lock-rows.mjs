// One row of the lock benchmark: N concurrent session writes, each holding the lock H ms, from node (one client)
// or from several tabs of one Chromium profile. Used by bench/lock.mjs.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Server-measured blocked time of one answer: the bench scripts' own header, else the helper's lock wait. */
const blockedOf = (response) => {
  const value = Number.parseFloat(
    response.headers.get('x-bench-blocked-ms') ?? response.headers.get('x-session-lock-wait') ?? '',
  );
  return Number.isFinite(value) ? value : 0;
};

/** When the write took the session lock (epoch ms, the bench scripts' header), or undefined. */
const lockedAtOf = (response) => {
  const value = Number.parseFloat(response.headers.get('x-bench-locked-at') ?? '');
  return Number.isFinite(value) ? value : undefined;
};

/** The client's events the timelines keep. */
const timelineEvents = ['request:start', 'lock:retry', 'request:end'];

/** `fixed-K`: the client with `concurrency: K`; undefined for any other strategy. */
const fixedConcurrency = (strategy) => {
  const match = /^fixed-(\d+)$/.exec(strategy);
  return match ? Number(match[1]) : undefined;
};

/** A row from node: `strategy` is client, fixed-K (K writes in flight at most), ky or fetch. */
export const nodeRow = async (modules, server, { strategy, n, holdMs, rttMs }) => {
  const { createSessionClient, createCookieJarFetch, ky } = modules;
  const stats = { lockTimeouts: 0, blockedMs: 0 };
  const lockTimes = [];
  // The wire: half the RTT before the request reaches the server, half after the answer leaves it.
  const wire = async (request) => {
    if (rttMs) await sleep(rttMs / 2);
    const response = await fetch(request);
    if (response.status === 423) stats.lockTimeouts++;
    stats.blockedMs += blockedOf(response);
    const lockedAt = lockedAtOf(response);
    if (lockedAt !== undefined) lockTimes.push(lockedAt);
    if (rttMs) await sleep(rttMs / 2);
    return response;
  };
  const jarFetch = createCookieJarFetch(server.origin, wire);
  // A fresh session for the row: every request of the row then carries its cookie.
  await jarFetch(`${server.url}/whoami.php`);
  stats.lockTimeouts = 0;
  stats.blockedMs = 0;
  lockTimes.length = 0;
  const url = `${server.url}/bench.php?hold=${holdMs}`;
  let send;
  const timeline = [];
  const concurrency = fixedConcurrency(strategy);
  const t0 = performance.now();
  if (strategy === 'client' || concurrency) {
    const client = createSessionClient({
      pageOrigin: server.origin,
      fetch: jarFetch,
      ...(concurrency ? { concurrency } : {}),
    });
    for (const name of timelineEvents) {
      client.on(name, (event) =>
        timeline.push({
          at: Math.round(performance.now() - t0),
          name,
          id: event.request.id,
          limit: client.stats?.limit,
          ...(event.delayMs !== undefined
            ? { delayMs: event.delayMs, afterOwnWrite: event.afterOwnWrite }
            : {}),
        }),
      );
    }
    send = () => client.post(url);
  } else if (strategy === 'ky') {
    send = () => ky.post(url, { fetch: jarFetch });
  } else if (strategy === 'fetch') {
    send = () => jarFetch(url, { method: 'POST' });
  } else {
    throw new Error(`unknown strategy ${strategy}`);
  }
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: n }, () =>
      Promise.resolve()
        .then(send)
        .then(async (response) => {
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        }),
    ),
  );
  const makespanMs = Math.round(performance.now() - started);
  const failed = results.filter((r) => r.status === 'rejected').length;
  // When each write took the lock, on the timeline's clock: the idle lock between two writes shows there.
  const origin = performance.timeOrigin + t0;
  for (const at of lockTimes) timeline.push({ at: Math.round(at - origin), name: 'lock' });
  timeline.sort((a, b) => a.at - b.at);
  return { row: { makespanMs, failed, ...stats, blockedMs: Math.round(stats.blockedMs) }, timeline };
};

/** A row from `tabs` tabs of one Chromium profile, each sending its share of the N writes at the same moment. */
export const tabsRow = async (browser, site, { strategy, n, holdMs, rttMs, tabs }) => {
  const context = await browser.newContext();
  try {
    const pages = [];
    for (let index = 0; index < tabs; index++) {
      const page = await context.newPage();
      await page.goto(`${site.origin}/pages/tabs.html`);
      pages.push(page);
    }
    await pages[0].evaluate((url) => fetch(url).then((r) => r.text()), `${site.url}/whoami.php`);
    // Runs in the page: it sees only its argument, not this module.
    const setup = ({ strategy, concurrency, rttMs, url, events }) => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const stats = { lockTimeouts: 0, blockedMs: 0, timeline: [] };
      const wire = async (input, init) => {
        if (rttMs) await sleep(rttMs / 2);
        const response = await fetch(input, init);
        if (response.status === 423) stats.lockTimeouts++;
        const blocked = Number.parseFloat(
          response.headers.get('x-bench-blocked-ms') ?? response.headers.get('x-session-lock-wait') ?? '',
        );
        if (Number.isFinite(blocked)) stats.blockedMs += blocked;
        const lockedAt = Number.parseFloat(response.headers.get('x-bench-locked-at') ?? '');
        if (Number.isFinite(lockedAt)) stats.timeline.push({ at: lockedAt, name: 'lock' });
        if (rttMs) await sleep(rttMs / 2);
        return response;
      };
      const client =
        strategy === 'fetch'
          ? undefined
          : window.SessionFetch.createSessionClient({
              fetch: wire,
              tabs: {},
              ...(concurrency ? { concurrency } : {}),
            });
      for (const name of events) {
        client?.on(name, (event) =>
          stats.timeline.push({ at: Date.now(), name, id: event.request.id, limit: client.stats?.limit }),
        );
      }
      window.bench = {
        stats,
        run: async (count) => {
          const started = Date.now();
          const results = await Promise.allSettled(
            Array.from({ length: count }, async () => {
              const response = client ? await client.post(url) : await wire(url, { method: 'POST' });
              await response.arrayBuffer();
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
            }),
          );
          return {
            started,
            ended: Date.now(),
            failed: results.filter((r) => r.status === 'rejected').length,
          };
        },
      };
    };
    const url = `${site.url}/bench.php?hold=${holdMs}`;
    const concurrency = fixedConcurrency(strategy);
    for (const page of pages)
      await page.evaluate(setup, { strategy, concurrency, rttMs, url, events: timelineEvents });
    const shares = pages.map((_, index) => Math.floor(n / tabs) + (index < n % tabs ? 1 : 0));
    const runs = await Promise.all(
      pages.map((page, index) => page.evaluate((count) => window.bench.run(count), shares[index])),
    );
    const stats = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.stats)));
    // One timeline for the tabs, from the first tab's start (the pages and PHP share the machine's clock).
    const started = Math.min(...runs.map((r) => r.started));
    const timeline = stats
      .flatMap(({ timeline }, tab) =>
        timeline.map((entry) => ({
          ...entry,
          at: Math.round(entry.at - started),
          ...(entry.name === 'lock' ? {} : { tab }),
        })),
      )
      .sort((a, b) => a.at - b.at);
    return {
      row: {
        makespanMs: Math.max(...runs.map((r) => r.ended)) - started,
        failed: runs.reduce((sum, r) => sum + r.failed, 0),
        lockTimeouts: stats.reduce((sum, s) => sum + s.lockTimeouts, 0),
        blockedMs: Math.round(stats.reduce((sum, s) => sum + s.blockedMs, 0)),
      },
      timeline,
    };
  } finally {
    await context.close();
  }
};

export { sleep };
