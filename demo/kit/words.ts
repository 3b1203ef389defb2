// What the demo says: the session in words, errors explained, the 20 writes accounted for.

/** The Session panel: the real status, in words that agree with the User panel. */
export const sessionWords = (status: string, user: string | null | undefined): string => {
  switch (status) {
    case 'active':
      return user ? 'active (logged in)' : 'anonymous: a session without a login';
    case 'expired':
      return 'expired: the server forgot it, log in again';
    case 'ended':
      return 'ended: logged out';
    default:
      return 'unknown: no answer yet';
  }
};

type ErrorLike = {
  name?: string;
  message?: string;
  reason?: string;
  attempts?: number;
  status?: number;
  statusText?: string;
  response?: { status?: number };
  /** The jQuery adapter puts the client's error on the jqXHR. */
  sessionError?: unknown;
};

/** An error in words: what happened to the request, and what to do. */
export const explainError = (raw: unknown): string => {
  const error = ((raw as ErrorLike | undefined)?.sessionError ?? raw) as ErrorLike | undefined;
  if (!error) return 'failed';
  if (error.name === 'SessionExpiredError') {
    if (error.reason === 'gave-up')
      return 'the session expired and the login was given up, so the request was not sent again (SessionExpiredError, gave-up). Log in to continue.';
    if (error.reason === 'replayed-once')
      return 'the session was still expired after the request was sent again (SessionExpiredError, replayed-once).';
    return 'the session expired and nothing logs in again (SessionExpiredError, no onExpired).';
  }
  if (error.name === 'SessionLockTimeoutError')
    return `the session lock stayed taken through ${error.attempts ?? 'all'} attempts (SessionLockTimeoutError): another request kept it.`;
  const status = error.response?.status ?? error.status;
  if (status) return `HTTP ${status}${error.statusText ? ` ${error.statusText}` : ''}`;
  return String(error.message ?? error);
};

/**
 * The 20 concurrent writes, accounted for: each answer carries the counter after its write, so a lost write shows
 * as a repeated value; a counter that grew by more than 20 had writes from elsewhere land in between (a scenario
 * still running, another tab).
 */
export const writesSummary = (
  before: number,
  after: number,
  answers: number[],
  failed: number,
  others: string[],
): { text: string; kind: 'ok' | 'err' } => {
  const ok = answers.length;
  const distinct = new Set(answers).size;
  const lost = ok - distinct;
  const low = Math.min(...answers);
  const high = Math.max(...answers);
  const parts = [
    `20 concurrent writes: ${ok} ok, ${failed} failed`,
    lost > 0
      ? `${lost} lost (answers repeated a count)`
      : ok > 0
        ? `none lost (each answer counted one more: ${low} … ${high})`
        : '',
  ];
  const extra = after - before - distinct;
  let account = `counter ${before} → ${after} (+${after - before})`;
  if (extra > 0) {
    const from = others.length ? `"${others.join('", "')}", still running when these started` : 'another tab';
    account += `: +${distinct} from these writes and +${extra} from ${from}`;
  }
  parts.push(account);
  return { text: parts.filter(Boolean).join('; '), kind: lost > 0 || failed > 0 || extra < 0 ? 'err' : 'ok' };
};
