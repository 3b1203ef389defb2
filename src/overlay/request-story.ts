import type { LoggedAttempt, LoggedRequest } from '../diagnostics/request-log.js';
import { formatMs } from './format.js';

/** How a word is shown: green, red, amber (still running) or plain. */
export type Tone = 'ok' | 'err' | 'run' | '';

const errors: Record<string, string> = {
  SessionLockTimeoutError: 'lock timeout',
  AbortError: 'aborted',
  TimeoutError: 'timed out',
  HTTPError: 'HTTP error',
  NetworkError: 'network error',
  TypeError: 'network error',
  UnexpectedBodyError: 'bad body',
};
const expiredReasons: Record<string, string> = {
  'gave-up': 'given up',
  'replayed-once': 'expired again',
};

/**
 * The request's outcome in words: 'ok', 'expired', 'given up', 'lock timeout', 'aborted'... and while it runs
 * 'queued', 'held' (waiting for onExpired), 'retrying' or 'running'.
 */
export const outcomeOf = (request: LoggedRequest): { text: string; tone: Tone } => {
  const { outcome, tries } = request;
  const last = tries[tries.length - 1];
  if (outcome === undefined) {
    if (last?.verdict === 'expired' || (request.waiting && request.held))
      return { text: 'held', tone: 'run' };
    if (last?.verdict === 'lock-timeout') return { text: 'retrying', tone: 'run' };
    return { text: request.waiting || !last ? 'queued' : 'running', tone: 'run' };
  }
  if (outcome === 'ok') return { text: 'ok', tone: 'ok' };
  const text =
    outcome === 'SessionExpiredError'
      ? (expiredReasons[request.reason ?? ''] ?? 'expired')
      : (errors[outcome] ?? outcome);
  return { text, tone: 'err' };
};

const verdicts: Record<string, string> = {
  ok: 'ok',
  'lock-timeout': 'lock timeout',
  expired: 'expired',
  'stale-expired': 'old id',
  csrf: 'token refused',
};

/** What came back for one attempt, in words. */
const answerOf = (request: LoggedRequest, index: number): { status: string; word: string; tone: Tone } => {
  const attempt = request.tries[index]!;
  const isLast = index === request.tries.length - 1;
  if (attempt.status !== undefined) {
    const accepted = (attempt.verdict ?? 'ok') === 'ok';
    return {
      status: String(attempt.status),
      word: verdicts[attempt.verdict ?? 'ok']!,
      tone: accepted ? 'ok' : 'err',
    };
  }
  if (isLast && request.outcome === undefined) return { status: '…', word: 'waiting', tone: 'run' };
  // The last attempt of a request that failed without an answer: its outcome, unless an expiry says more after.
  const word = isLast && request.outcome !== 'SessionExpiredError' ? outcomeOf(request).text : 'no answer';
  return { status: '—', word, tone: 'err' };
};

/** What the client did after an attempt that was followed by another. */
const between = (request: LoggedRequest, attempt: LoggedAttempt): string => {
  switch (attempt.verdict) {
    case 'lock-timeout':
      return attempt.retryInMs === undefined ? 'retried' : `retried after ${formatMs(attempt.retryInMs)}`;
    case 'stale-expired':
      return 'sent again';
    case 'csrf':
      return 'new token, sent again';
    case 'expired':
      return 'held → replayed';
    default:
      // No answer: stopped because the session expired meanwhile (then held), or ky's own retry.
      return request.held && attempt.status === undefined ? 'held → replayed' : 'retried';
  }
};

/** What followed the last attempt: `held` while onExpired runs, `given up`, `no more retries`... */
const after = (request: LoggedRequest): string => {
  const { outcome, reason, tries } = request;
  const last = tries[tries.length - 1];
  const { text } = outcomeOf(request);
  if (outcome === undefined) {
    if (text === 'held') return 'held';
    return text === 'retrying' && last?.retryInMs !== undefined ? `retry in ${formatMs(last.retryInMs)}` : '';
  }
  if (outcome === 'ok') return '';
  if (reason === 'gave-up') return 'held → given up';
  if (reason === 'no-handler') return 'rejected (no onExpired)';
  if (reason === 'replayed-once') return 'rejected (expired after its replay)';
  if (outcome === 'SessionLockTimeoutError') return 'no more retries';
  // Without an answer, the attempt's own word is the outcome already.
  return last?.status === undefined ? '' : text;
};

const kinds: Record<string, string> = {
  'lock-timeout': 'retry',
  'stale-expired': 'resend',
  csrf: 'resend',
  expired: 'replay',
};

/** One attempt's row: its label, what came back, and what the client did next. */
export const attemptStep = (request: LoggedRequest, index: number) => {
  const { tries } = request;
  const previous = tries[index - 1];
  const kind = previous
    ? (kinds[previous.verdict ?? ''] ?? (request.held && previous.status === undefined ? 'replay' : 'retry'))
    : '';
  const attempt = tries[index]!;
  return {
    label: `↳ #${index + 1}${kind ? ` ${kind}` : ''}`,
    ...answerOf(request, index),
    next: index === tries.length - 1 ? after(request) : between(request, attempt),
    ms: attempt.ms === undefined ? '' : formatMs(attempt.ms),
  };
};

/** Whether the request's attempts deserve rows of their own: more than one, or one the client did not accept. */
export const showsAttempts = (request: LoggedRequest): boolean =>
  request.tries.length > 1 || (request.tries[0]?.verdict ?? 'ok') !== 'ok';

/** The request's story in one line: `POST /save.php: 401 expired → held → replayed → 200`. */
export const storyOf = (request: LoggedRequest, url: string = request.url): string => {
  const { tries } = request;
  const parts: string[] = [];
  tries.forEach((attempt, index) => {
    if (index > 0) parts.push(between(request, tries[index - 1]!));
    const { status, word } = answerOf(request, index);
    parts.push(attempt.status === undefined ? word : word === 'ok' ? status : `${status} ${word}`);
  });
  const end = tries.length > 0 ? after(request) : outcomeOf(request).text;
  if (end) parts.push(end);
  return `${request.method} ${url}: ${parts.join(' → ')}`;
};
