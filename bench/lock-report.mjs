// The lock benchmark's tables and target checks (bench/lock.mjs). Rows of one configuration run `repeat` times
// (their `round`); the tables give the range over the rounds, and each round is checked against the fixed-1 and
// fetch rows of the same round.

const configKeys = ['server', 'tabs', 'lockTimeoutMs', 'n', 'holdMs', 'rttMs'];
const sameConfig = (a, b) => configKeys.every((key) => a[key] === b[key]);
const sameRound = (a, b) => sameConfig(a, b) && a.round === b.round;

/** `min-max` of the values (one value when they agree), with `digits` decimals. */
const range = (values, digits = 0) => {
  const low = Math.min(...values).toFixed(digits);
  const high = Math.max(...values).toFixed(digits);
  return low === high ? low : `${low}-${high}`;
};

/** Rows grouped by configuration and strategy, in the order first seen. */
const groups = (rows) => {
  const found = new Map();
  for (const row of rows) {
    const key = [...configKeys, 'strategy'].map((k) => row[k]).join('|');
    if (!found.has(key)) found.set(key, []);
    found.get(key).push(row);
  }
  return [...found.values()];
};

const printColumns = (header, lines) => {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  console.log(line(header));
  for (const cells of lines) console.log(line(cells));
};

/** One line per configuration and strategy: ranges over the rounds. */
export const printTable = (rows) => {
  printColumns(
    [...configKeys, 'strategy', 'runs', 'makespanMs', 'makespanRatio', 'failed', 'lockTimeouts', 'blockedMs'],
    groups(rows).map((list) => [
      ...configKeys.map((k) => list[0][k]),
      list[0].strategy,
      list.length,
      range(list.map((r) => r.makespanMs)),
      range(
        list.map((r) => r.makespanRatio),
        3,
      ),
      range(list.map((r) => r.failed)),
      range(list.map((r) => r.lockTimeouts)),
      range(list.map((r) => r.blockedMs)),
    ]),
  );
};

/**
 * The targets for every client row: 0 failed; makespan <= 1.10 x N x H + 2 x RTT; at most 3% slower than fixed-1
 * in the same round; at N = 50, blocked worker time at least 90% below plain fetch in the same round.
 */
export const targetChecks = (rows) =>
  rows
    .filter((row) => row.strategy === 'client')
    .map((row) => {
      const bound = 1.1 * row.n * row.holdMs + 2 * row.rttMs;
      const fixed = rows.find((r) => r.strategy === 'fixed-1' && sameRound(r, row));
      const fetchRow = rows.find((r) => r.strategy === 'fetch' && sameRound(r, row));
      const vsFixed = fixed ? row.makespanMs / fixed.makespanMs : undefined;
      const reduction = fetchRow?.blockedMs ? 1 - row.blockedMs / fetchRow.blockedMs : undefined;
      const fixedRatio = fixed ? fixed.makespanMs / (row.n * row.holdMs) : undefined;
      return {
        row,
        boundMs: Math.round(bound),
        failedOk: row.failed === 0,
        boundOk: row.makespanMs <= bound,
        // Whether fixed-1 itself keeps within the bound: when it does not, the bound cannot be met by queueing.
        fixedBoundOk: fixed ? fixed.makespanMs <= bound : undefined,
        fixedRatio,
        vsFixed,
        fixedOk: vsFixed === undefined || vsFixed <= 1.03,
        reduction,
        blockedOk: row.n !== 50 || reduction === undefined || reduction >= 0.9,
      };
    });

const mark = (ok) => (ok ? 'ok' : 'MISS');

/** Per configuration: the client's figures against each target, as ranges over the rounds. */
export const printTargets = (rows) => {
  console.log('');
  const checks = targetChecks(rows);
  const byConfig = groups(checks.map((check) => ({ ...check.row, check })));
  let misses = 0;
  const lines = byConfig.map((list) => {
    const c = list.map((row) => row.check);
    const all = (key) => c.every((check) => check[key]);
    const missed = ['failedOk', 'boundOk', 'fixedOk', 'blockedOk'].filter((key) => !all(key));
    misses += missed.length > 0 ? 1 : 0;
    const defined = (key) => c.map((check) => check[key]).filter((value) => value !== undefined);
    const vsFixed = defined('vsFixed');
    const fixedRatio = defined('fixedRatio');
    const reduction = defined('reduction').map((value) => value * 100);
    const row = list[0];
    return [
      ...configKeys.map((k) => row[k]),
      c.length,
      `${range(c.map((check) => check.row.failed))} ${mark(all('failedOk'))}`,
      `${range(
        c.map((check) => check.row.makespanRatio),
        3,
      )} ${mark(all('boundOk'))}`,
      (1.1 + (2 * row.rttMs) / (row.n * row.holdMs)).toFixed(3),
      fixedRatio.length ? range(fixedRatio, 3) : '-',
      vsFixed.length ? `${range(vsFixed, 3)} ${mark(all('fixedOk'))}` : '-',
      reduction.length ? `${range(reduction, 1)}%${row.n === 50 ? ` ${mark(all('blockedOk'))}` : ''}` : '-',
    ];
  });
  printColumns(
    [
      ...configKeys,
      'runs',
      'failed',
      'client x NH',
      'bound x NH',
      'fixed-1 x NH',
      'client/fixed-1',
      'blocked below fetch',
    ],
    lines,
  );
  console.log(`\n${misses} of ${byConfig.length} client configuration(s) miss a target in some run`);
};
