import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { sleep } from './sleep-and-fingerprint.js';

/** A free TCP port on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });

/** Whether something accepts TCP connections on 127.0.0.1:`port`; `probe` is written and must be answered. */
export const tcpOpen = (port: number, probe?: { send: string; expect: string }): Promise<boolean> =>
  new Promise<boolean>((ok) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (!probe) {
        socket.destroy();
        ok(true);
        return;
      }
      socket.write(probe.send);
    });
    socket.on('data', (data) => {
      socket.destroy();
      ok(probe ? data.toString().includes(probe.expect) : true);
    });
    socket.on('error', () => ok(false));
  });

const running = new Set<ChildProcess>();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
};

let exitHookInstalled = false;
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
};

export type StartedProcess = { child: ChildProcess; describe: () => string };

/** Starts a server process in its own process group (killed with the test process at the latest). */
export const startProcess = (
  command: string,
  args: string[],
  logFile: string,
  name: string,
): StartedProcess => {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running.add(child);
  child.on('exit', () => running.delete(child));
  installExitHook();
  return {
    child,
    describe: () => `${name} (${command} ${args.join(' ')}), log ${logFile}:\n${output}`,
  };
};

/** Stops a process and its group: SIGTERM, then SIGKILL after `timeoutMs`. */
export const stopProcess = (child: ChildProcess, timeoutMs = 3000): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // The group may still hold children (fpm workers, nginx workers).
      killGroup(child, 'SIGKILL');
      done();
    });
    killGroup(child, 'SIGTERM');
  });

/** Thrown by a `waitFor` check to stop waiting at once (a server process died). */
export class ProcessExited extends Error {}

/** Polls `check` every 50 ms until it returns true; throws `what()` after `timeoutMs`. */
export const waitFor = async (check: () => Promise<boolean>, timeoutMs: number, what: () => string) => {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof ProcessExited) throw error;
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await sleep(50);
  }
};

/** Throws ProcessExited when one of `processes` has exited (for `waitFor` checks). */
export const assertRunning = (processes: StartedProcess[]): void => {
  for (const { child } of processes) {
    if (child.exitCode !== null) throw new ProcessExited('a server process exited');
  }
};
