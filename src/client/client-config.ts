import type { KyInstance, Options as KyOptions } from 'ky';
import type { normalizeRequestSettings } from '../core/normalize-options.js';
import type { SessionRuntime } from './session-runtime.js';

/** What a client needs per request, fixed when the client is made. */
export type ClientConfig = {
  readonly runtime: SessionRuntime;
  readonly ky: KyInstance;
  readonly kyOptions: KyOptions;
  readonly request: Readonly<ReturnType<typeof normalizeRequestSettings>>;
};
