/**
 * A signal that aborts when any of `signals` does (AbortSignal.any() is missing from browsers before 2024), and
 * the function that unlinks it from them once it is no longer needed.
 */
export const linkedSignal = (...signals: AbortSignal[]): { signal: AbortSignal; unlink: () => void } => {
  const controller = new AbortController();
  const unlinks: Array<() => void> = [];
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const abort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    unlinks.push(() => signal.removeEventListener('abort', abort));
  }
  const unlink = () => {
    for (const remove of unlinks.splice(0)) remove();
  };
  return { signal: controller.signal, unlink };
};
