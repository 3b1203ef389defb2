import { availableParallelism, loadavg } from 'node:os';

// The one place where real-time bounds get their tolerance. Tests assert behaviour and order; where a bound on
// real time remains (a lock held for a known time, a request that must not wait), it goes through `within()`.

/** Whether this is a CI run (CI=true or CI=1). */
export const ci = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** Whether the machine is busy: more runnable work (1-minute load average) than cores. */
export const loaded = (): boolean => (loadavg()[0] ?? 0) > availableParallelism();

/**
 * How far a real-time bound stretches: 1 on an idle machine, 3 under CI or on a loaded machine, where timers
 * fire late and processes wait for a core. Read at each call, so a bound follows the load of the moment.
 */
export const timingSlack = (): number => (ci() || loaded() ? 3 : 1);

/**
 * An upper bound on real time: `ms` on an idle machine, wider under CI or load.
 * @example expect(Date.now() - started).toBeLessThan(within(650));
 */
export const within = (ms: number): number => Math.round(ms * timingSlack());
