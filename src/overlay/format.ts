const pad = (value: number) => String(value).padStart(2, '0');

/** `42s`, `12m 05s`, `3h 07m`: for ages and countdowns. */
export const formatClock = (ms: number): string => {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) return `${hours}h ${pad(minutes)}m`;
  return minutes ? `${minutes}m ${pad(seconds)}s` : `${seconds}s`;
};

/** `85 ms`, `1.2 s`: for request timings. */
export const formatMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** How long a request took, or has been running so far. */
export const formatDuration = (request: { createdAt: number; endedAt?: number | undefined }): string =>
  formatMs((request.endedAt ?? Date.now()) - request.createdAt);

/** Time to expiry: `in 23m 59s`, `now` once past, `unknown` when the server sent no TTL. */
export const formatCountdown = (expiresAt: number | null, now: number): string => {
  if (expiresAt === null) return 'unknown';
  return expiresAt <= now ? 'now' : `in ${formatClock(expiresAt - now)}`;
};

/** `12:04:05.123`, local time. */
export const formatTime = (at: number): string => {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
};

/** The worst severity among findings, for a mark's or a badge's colour. */
export const worstOf = (findings: ReadonlyArray<{ severity: string }>): 'error' | 'warning' | 'info' =>
  findings.some((finding) => finding.severity === 'error')
    ? 'error'
    : findings.some((finding) => finding.severity === 'warning')
      ? 'warning'
      : 'info';
