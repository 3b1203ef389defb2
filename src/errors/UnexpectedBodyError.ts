import { describeRequest, SessionFetchError } from './SessionFetchError.js';

const phpMessage =
  /^\s*(?:<br\s*\/?>\s*)?(?:<b>)?(?:PHP )?(?:Warning|Notice|Deprecated|Fatal error|Parse error)(?:<\/b>)?:/i;

/**
 * `.json()` was called and the body is not JSON. Different from ky's `SchemaValidationError` (JSON of the wrong
 * shape) and from `HTTPError` (the server said no). The message shows how the body starts, with PHP's usual
 * culprit named: a warning or notice printed before the JSON.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof UnexpectedBodyError) console.log(error.bodyStart) }
 * ```
 */
export class UnexpectedBodyError extends SessionFetchError {
  override name = 'UnexpectedBodyError';
  /** The first 120 characters of the body. */
  readonly bodyStart: string;

  constructor(request: { method: string; url: string }, text: string, options?: ErrorOptions) {
    const bodyStart = text.slice(0, 120);
    const hint = phpMessage.test(text)
      ? 'PHP printed a warning or notice before the JSON: fix its cause, or set display_errors=Off and log errors instead.'
      : text.trim() === ''
        ? 'The body is empty: check that the script echoes json_encode(...) and exits without an error.'
        : 'Check the endpoint returns JSON (header("Content-Type: application/json") and json_encode).';
    super(
      `${describeRequest(request)}: expected JSON, but the body starts with ${JSON.stringify(bodyStart)}. ${hint}`,
      request,
      options,
    );
    this.bodyStart = bodyStart;
  }
}
