import { createHash } from 'node:crypto';
import type { PhpServer as MockServer } from '../../src/testing/index.js';
import type { PhpServer as RealServer } from '../helpers/php-server.js';
import { deleteStoredSession, storedSessions } from '../helpers/php-sessions.js';
import { sleep } from '../helpers/sleep-and-fingerprint.js';
import type { Scenario, Step } from './scenarios.js';

/** One server the scenarios run against: the mock engine or real php-fpm. */
export interface Backend {
  /** Sends one request to the steps script (`query` without `?`) with exactly these headers. */
  send(query: string, init: { method: string; headers: Headers }): Promise<Response>;
  /** The ids of every stored session. */
  stored(): Promise<string[]>;
  /** Removes a stored session, as garbage collection would. */
  gc(id: string): Promise<void>;
}

export const mockBackend = (php: MockServer): Backend => ({
  send: (query, init) => php.handle(new Request(`http://localhost:3000/steps?${query}`, init)),
  stored: async () => php.sessions().map((session) => session.id),
  // The engine's gc is its clock; each scenario has a server of its own, so this collects just that session.
  gc: async () => php.expireAll(),
});

export const phpBackend = (server: RealServer): Backend => ({
  send: (query, init) => fetch(`${server.url}/parity/steps.php?${query}`, { ...init, redirect: 'manual' }),
  stored: async () => Object.keys(await storedSessions(server)),
  gc: (id) => deleteStoredSession(server, id),
});

/** What one answer said, with session ids replaced by labels (A, B... in order of first appearance). */
export interface Observation {
  status: number;
  /** The session cookie the answer sets: a label, 'deleted', or '-' (none). */
  cookie: string;
  /** X-Session-Fp as a label, or '-'. */
  fp: string;
  expired: boolean;
  end: boolean;
  lock: string;
  ttl: boolean;
  body: unknown;
  /** The sessions stored after the answer, among those this scenario made or named ('?' for one never seen). */
  stored: string[];
}

const fingerprintOf = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 16);

/** Names ids by first appearance, so two servers that behave alike produce the same labels. */
class Labels {
  private readonly byId = new Map<string, string>();
  private readonly byFp = new Map<string, string>();

  label(id: string): string {
    let name = this.byId.get(id);
    if (!name) {
      name = String.fromCharCode(65 + this.byId.size);
      this.byId.set(id, name);
      this.byFp.set(fingerprintOf(id), name);
    }
    return name;
  }

  known(id: string): string | undefined {
    return this.byId.get(id);
  }

  fp(fp: string): string {
    return this.byFp.get(fp) ?? `unknown fp`;
  }
}

/** An id no server made: fresh per run, since strict mode off adopts it and a run would find it again. */
const unknownId = () =>
  `unknown${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 19)}`;

/** Runs a scenario: every step in order (a group's steps at once), one observation per request. */
export async function runScenario(backend: Backend, scenario: Scenario): Promise<Observation[]> {
  const labels = new Labels();
  const before = new Set(await backend.stored());
  const saved = new Map<string, string>();
  const unknown = unknownId();
  let jar: string | undefined;
  const observations: Observation[] = [];

  const cookieFor = (step: Step): string | undefined => {
    const which = step.cookie ?? 'jar';
    if (which === 'jar') return jar;
    if (which === 'none') return undefined;
    if (which === 'unknown') {
      jar = unknown; // the browser holds a cookie the server does not know
      return jar;
    }
    return saved.get(which.slice('saved:'.length));
  };

  const request = async (step: Step) => {
    await sleep(step.after ?? 0);
    const headers = new Headers();
    const cookie = cookieFor(step);
    if (cookie !== undefined) {
      labels.label(cookie);
      headers.set('Cookie', `PHPSESSID=${cookie}`);
    }
    if (step.ajax ?? true) headers.set('X-Requested-With', 'XMLHttpRequest');
    const query = `do=${step.do}&helper=${step.helper === false ? 0 : 1}${step.quiet ? '&quiet=1' : ''}`;
    return backend.send(query, { method: step.method ?? 'POST', headers });
  };

  for (const entry of scenario.steps) {
    const group = Array.isArray(entry) ? entry : [entry];
    for (const step of group) if (step.save) saved.set(step.save, jar ?? '');
    if (group.length === 1 && group[0]!.gc) {
      if (jar) await backend.gc(jar);
      continue;
    }
    const responses = await Promise.all(group.map(request));
    for (const response of responses) {
      const line = response.headers.getSetCookie().find((l) => l.startsWith('PHPSESSID='));
      const value = line ? /^PHPSESSID=([^;]*)/.exec(line)![1]! : undefined;
      const deleted = value === 'deleted' || (line !== undefined && /max-age=0/i.test(line));
      if (line) jar = deleted ? undefined : value;
      const fp = response.headers.get('X-Session-Fp');
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: compared as text
      }
      observations.push({
        status: response.status,
        cookie: !line ? '-' : deleted ? 'deleted' : labels.label(value!),
        fp: fp ? labels.fp(fp) : '-',
        expired: response.headers.get('X-Session-Expired') === '1',
        end: response.headers.get('X-Session-End') === '1',
        lock: response.headers.get('X-Session-Lock') ?? '-',
        ttl: response.headers.has('X-Session-Ttl'),
        body,
        stored: [],
      });
    }
    const stored = (await backend.stored()).filter((id) => !before.has(id) || labels.known(id));
    const names = stored.map((id) => labels.known(id) ?? '?').sort();
    for (const observation of observations.slice(-group.length)) observation.stored = names;
  }
  return observations;
}

/** The first difference between two runs, in words, or null when they are the same. */
export function difference(expected: Observation[], actual: Observation[]): string | null {
  if (expected.length !== actual.length) return `${actual.length} answers, not ${expected.length}`;
  for (const [index, want] of expected.entries()) {
    const got = actual[index]!;
    for (const key of Object.keys(want) as (keyof Observation)[]) {
      if (JSON.stringify(want[key]) !== JSON.stringify(got[key])) {
        return `request ${index + 1} ${key}: ${JSON.stringify(got[key])}, mock ${JSON.stringify(want[key])}`;
      }
    }
  }
  return null;
}

/** A short account of a run: per request the status and what it said about the session. */
export function summary(observations: Observation[]): string {
  return observations
    .map((o) =>
      [
        o.status,
        o.cookie !== '-' && `cookie ${o.cookie}`,
        o.fp !== '-' && `fp ${o.fp}`,
        o.expired && 'expired',
        o.end && 'end',
        o.lock !== '-' && `lock ${o.lock}`,
        // The counter shows which of two concurrent writes ran first, and a write that was lost.
        typeof o.body === 'object' && o.body && 'counter' in o.body && `n=${o.body.counter}`,
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join('; ');
}
