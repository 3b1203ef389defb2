import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PhpServer } from './php-server.js';

/** A session lock held from outside PHP; `release()` lets PHP have it again. */
export type HeldLock = { release(): Promise<void> };

/** Sends one command to redis-server and resolves with its first reply line. */
export const redisCommand = (port: number, ...args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      resolve(reply.slice(0, reply.indexOf('\r\n')));
    });
    const parts = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
    socket.write(`*${args.length}\r\n${parts.join('')}`);
  });

/** phpredis' lock: the key it SETs with NX while a script has the session open. */
const holdRedisLock = async (port: number, sessionId: string): Promise<HeldLock> => {
  const key = `PHPREDIS_SESSION:${sessionId}_LOCK`;
  const reply = await redisCommand(port, 'SET', key, 'held-by-test', 'NX', 'PX', '60000');
  if (reply !== '+OK') throw new Error(`the session lock ${key} is already held (${reply})`);
  return {
    release: async () => {
      await redisCommand(port, 'DEL', key);
    },
  };
};

/** PHP's files handlers flock() the session file: flock(1) takes the same lock and keeps it until stdin closes. */
const holdFileLock = async (file: string): Promise<HeldLock> => {
  const child = spawn('flock', ['-x', file, 'sh', '-c', 'echo held; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`flock ${file} exited with ${code} before holding the lock`)),
    );
    child.stdout.once('data', () => resolve());
  });
  return {
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
};

/**
 * Holds the PHP session lock of `sessionId` from outside PHP, as another device's long script would, and resolves
 * once it is held: a request sent then is known to meet the lock, for as long as the test keeps it. The files and
 * lock-wait-timeout handlers lock the session file; phpredis a key in redis.
 */
export const holdPhpSessionLock = (
  server: Pick<PhpServer, 'sessionDir' | 'redisPort' | 'options'>,
  sessionId: string,
): Promise<HeldLock> =>
  server.options.handler === 'redis'
    ? holdRedisLock(server.redisPort!, sessionId)
    : holdFileLock(join(server.sessionDir, `sess_${sessionId}`));
