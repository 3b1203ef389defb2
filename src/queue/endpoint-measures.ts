import { RecentValues } from './recent-values.js';
import { WriteSpacing } from './write-spacing.js';

/** Writes answered without waiting for the lock, kept to know the no-queue latency. */
const baseWindow = 5;
/** Recent times between two pipelined answers (one hold, plus the lock's hand-over), kept to know the hold. */
const holdWindow = 7;

/** What the write limit measured for the writes to one endpoint: each script has its own hold. */
export class EndpointMeasures {
  /** Latencies of writes that did not wait for the lock (or, with the helper, latency less the lock wait). */
  readonly noQueue = new RecentValues(baseWindow);
  /** Times between a write's answer and the answer before it, when it was at the server meanwhile. */
  readonly gaps = new RecentValues(holdWindow);
  /** Writes that showed the no-queue latency: sent alone, reported by the server, or as fast in a pipeline. */
  confirmations = 0;
  /** Against a lock that polls: how far apart the writes go. */
  readonly spacing = new WriteSpacing();
}

/** The URL a write went to, without its query: scripts are told apart, not their parameters. */
export const endpointOf = (url: string): string => {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
};

/** Measures by endpoint, the most recently answered kept (at most `max`, so that many URLs cost no memory). */
export class MeasuresByEndpoint {
  readonly #byKey = new Map<string, EndpointMeasures>();
  constructor(private readonly max = 32) {}

  get(endpoint: string): EndpointMeasures {
    let measures = this.#byKey.get(endpoint);
    if (measures) this.#byKey.delete(endpoint);
    else measures = new EndpointMeasures();
    this.#byKey.set(endpoint, measures);
    if (this.#byKey.size > this.max) this.#byKey.delete(this.#byKey.keys().next().value!);
    return measures;
  }
}
