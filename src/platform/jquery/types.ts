import type { SessionMode } from '../../core/options.js';

/**
 * The parts of jQuery (3 and 4) the adapter uses, typed structurally so the package needs no jQuery types.
 * `JQueryAjaxSettings` are the settings jQuery hands a transport factory: already merged with `$.ajaxSetup()`,
 * `type` upper-cased, `data` appended to the URL for GET/HEAD, `crossDomain` computed.
 */
export type JQueryAjaxSettings = {
  url: string;
  type: string;
  async: boolean;
  crossDomain: boolean;
  hasContent: boolean;
  data?: unknown;
  dataTypes: string[];
  username?: string | null;
  password?: string | null;
  xhrFields?: { withCredentials?: boolean; responseType?: XMLHttpRequestResponseType } & Record<
    string,
    unknown
  >;
  xhr?: () => unknown;
  /** How the request uses the PHP session (see SessionMode). @default the client's defaultMode */
  sessionMode?: SessionMode;
  /** The request rotates the session id (login): see SessionRequestOptions.rotatesSession. */
  rotatesSession?: boolean;
  /** The request ends the session (logout): see SessionRequestOptions.endsSession. */
  endsSession?: boolean;
  /** Queue priority (higher first). */
  sessionPriority?: number;
  /** `false` leaves this request to jQuery's own XMLHttpRequest transport. */
  sessionFetch?: boolean;
};

/** jQuery's transport completion callback: `done(status, statusText, responses, headers)`. */
export type JQueryCompleteCallback = (
  status: number,
  statusText: unknown,
  responses?: { text?: string; binary?: unknown },
  headers?: string,
) => void;

export type JQueryTransport = {
  send(headers: Record<string, string>, complete: JQueryCompleteCallback): void;
  abort(): void;
};

export type JQueryTransportFactory = (
  options: JQueryAjaxSettings,
  originalOptions: Record<string, unknown>,
  jqXHR: Record<string, unknown>,
) => JQueryTransport | undefined;

/** The `$` the adapter is installed on. */
export type JQueryStaticLike = {
  ajaxTransport(dataType: string, factory: JQueryTransportFactory): void;
  ajaxSettings: { xhr?: () => unknown };
  fn?: { jquery?: string };
};
