import { SessionFetchError } from './SessionFetchError.js';

/**
 * An option given to `createSessionClient()`, `extend()` or a request was not valid. The message names the option,
 * what it must be, and what it got.
 */
export class SessionOptionsError extends SessionFetchError {
  override name = 'SessionOptionsError';
  /** The option's path, e.g. `'lockRetry.limit'`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`session-fetch: invalid option \`${option}\`: ${message}`);
    this.option = option;
  }
}
