// The lock benchmark's table and target checks (bench/lock.mjs).

const columns = [
  'server',
  'tabs',
  'lockTimeoutMs',
  'strategy',
  'n',
  'holdMs',
  'rttMs',
  'makespanMs',
  'makespanRatio',
  'failed',
  'lockTimeouts',
  'blockedMs',
];

export const printTable = (rows) => {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padStart(widths[i])).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
};

const same = (a, b) =>
  ['server', 'tabs', 'lockTimeoutMs', 'n', 'holdMs', 'rttMs', 'round'].every((key) => a[key] === b[key]);

/**
 * The targets for every client row: 0 failed; makespan <= 1.10 x N x H + 2 x RTT; at most 3% slower than fixed-1
 * in the same run; at N = 50, blocked worker time at least 90% below plain fetch.
 */
export const targetChecks = (rows) =>
  rows
    .filter((row) => row.strategy === 'client')
    .map((row) => {
      const bound = 1.1 * row.n * row.holdMs + 2 * row.rttMs;
      const fixed = rows.find((r) => r.strategy === 'fixed-1' && same(r, row));
      const fetchRow = rows.find((r) => r.strategy === 'fetch' && same(r, row));
      const reduction = fetchRow?.blockedMs ? 1 - row.blockedMs / fetchRow.blockedMs : undefined;
      return {
        row,
        failedOk: row.failed === 0,
        boundMs: Math.round(bound),
        boundOk: row.makespanMs <= bound,
        vsFixed: fixed ? row.makespanMs / fixed.makespanMs : undefined,
        reduction,
      };
    });

export const printTargets = (rows) => {
  console.log('');
  let misses = 0;
  for (const check of targetChecks(rows)) {
    const { row } = check;
    const fixedOk = check.vsFixed === undefined || check.vsFixed <= 1.03;
    const blockedOk = row.n !== 50 || check.reduction === undefined || check.reduction >= 0.9;
    if (!check.failedOk || !check.boundOk || !fixedOk || !blockedOk) misses++;
    console.log(
      `${row.server} T=${row.lockTimeoutMs} tabs=${row.tabs} n=${row.n} h=${row.holdMs} rtt=${row.rttMs}: ` +
        `failed ${row.failed} ${check.failedOk ? 'ok' : 'MISS'}; ` +
        `makespan ${row.makespanMs} <= ${check.boundMs} ${check.boundOk ? 'ok' : 'MISS'}` +
        (check.vsFixed === undefined
          ? ''
          : `; x${check.vsFixed.toFixed(3)} of fixed-1 ${fixedOk ? 'ok' : 'MISS'}`) +
        (check.reduction === undefined
          ? ''
          : `; blocked ${(check.reduction * 100).toFixed(1)}% below fetch${row.n === 50 ? (blockedOk ? ' ok' : ' MISS') : ''}`),
    );
  }
  console.log(`\n${misses} client row(s) miss a target`);
};
