import { afterEach } from 'vitest';

/** One pass of a mock script through a gate. */
export type Gate = {
  /** Resolves once the script has reached the gate. */
  readonly reached: Promise<void>;
  /** Lets the script on. */
  open(): void;
};

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

/**
 * Points in mock route scripts where a test holds a script until it says so, in place of a sleep that guesses how
 * long the script takes: `arm()` returns the gate the next script to `pass()` will wait at. A script that finds
 * no gate armed goes on (or, with `required`, throws). Gates still shut are opened after each test.
 */
export const createGates = (what: string, required = false) => {
  const armed: Array<{ reach: () => void; opened: Promise<void> }> = [];
  const opens: Array<() => void> = [];
  afterEach(() => {
    for (const open of opens.splice(0)) open();
    armed.length = 0;
  });
  return {
    arm(): Gate {
      const reached = deferred();
      const opened = deferred();
      armed.push({ reach: reached.resolve, opened: opened.promise });
      opens.push(opened.resolve);
      return { reached: reached.promise, open: opened.resolve };
    },
    /** For the route script: waits at the next armed gate. */
    async pass(): Promise<void> {
      const gate = armed.shift();
      if (!gate) {
        if (required) throw new Error(`${what} was called without arm()`);
        return;
      }
      gate.reach();
      await gate.opened;
    },
  };
};
