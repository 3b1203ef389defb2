/** The page's Web Locks API (`navigator.locks`), or undefined where it is missing (old browsers, node). */
export const webLocks = (): LockManager | undefined => {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
};

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> => {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
};
