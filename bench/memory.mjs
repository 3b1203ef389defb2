#!/usr/bin/env node
// Memory: 100,000 requests through the client with the overlay's request log attached (a ring buffer of 200),
// against the in-process fetch stub. Heap used after a forced GC at 10k and at 100k requests: the growth should
// be flat (a few hundred KB at most). Needs `node --expose-gc`.
//
//   node --expose-gc bench/memory.mjs [--requests 100000] [--json out.json]

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadClientBundle, origin, stubFetch, url } from './overhead.mjs';

const settle = () => new Promise((done) => setTimeout(done, 20));

/**
 * Heap used after full GCs, several, with timer turns between them: Node's fetch (undici) ties each Request with a
 * signal to a FinalizationRegistry, whose cleanup runs as a task after a GC; only the GC after it frees the
 * signal and its listeners. Back-to-back gc() calls would count ~100 bytes per recent request as "growth".
 */
const heapAfterGc = async () => {
  for (let i = 0; i < 6; i++) {
    globalThis.gc();
    await settle();
  }
  return process.memoryUsage().heapUsed;
};

export const runMemory = async ({ requests = 100_000, checkpoint = 10_000, log = () => {} } = {}) => {
  if (typeof globalThis.gc !== 'function') throw new Error('bench/memory.mjs needs node --expose-gc');
  const { createSessionClient, attachRequestLog } = await loadClientBundle();
  const client = createSessionClient({ pageOrigin: origin, fetch: stubFetch });
  const requestLog = attachRequestLog(client, { capacity: 200 });
  const body = { name: 'item', value: 42 };
  const heap = {};
  const started = performance.now();
  for (let i = 1; i <= requests; i++) {
    // Alternate reads and writes, as an app does.
    const answer = await (i % 2
      ? client.get(url, { session: 'read' })
      : client.post(url, { json: body })
    ).json();
    if (answer?.ok !== true) throw new Error('unexpected answer');
    // The stub answers without I/O, so the loop is all microtasks; a real fetch goes through the event loop.
    // Yield to it now and then, or finalizer tasks (undici registers every Request with a signal) never run
    // and their tables grow to the whole run's size, which is not the client's memory.
    if (i % 500 === 0) await new Promise((done) => setTimeout(done, 0));
    if (i === checkpoint || i === requests) {
      heap[i] = await heapAfterGc();
      log(`${i} requests: heap ${(heap[i] / 1024 / 1024).toFixed(2)} MB, log ${requestLog.size} entries`);
    }
  }
  const result = {
    requests,
    checkpoint,
    logCapacity: requestLog.capacity,
    logSize: requestLog.size,
    heapAtCheckpointBytes: heap[checkpoint],
    heapAtEndBytes: heap[requests],
    heapGrowthBytes: heap[requests] - heap[checkpoint],
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  result.flat = result.heapGrowthBytes <= 512 * 1024;
  return result;
};

export const printMemory = (result) => {
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    `heap after GC: ${kb(result.heapAtCheckpointBytes)} at ${result.checkpoint}, ${kb(result.heapAtEndBytes)} at ${result.requests}; ` +
      `growth ${kb(result.heapGrowthBytes)} (${result.heapGrowthBytes} bytes; flat <= 512 KB: ${result.flat ? 'yes' : 'NO'}); ` +
      `request log ${result.logSize}/${result.logCapacity}`,
  );
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const index = args.indexOf(`--${name}`);
    return index === -1 ? fallback : args[index + 1];
  };
  const result = await runMemory({
    requests: Number(option('requests', 100_000)),
    log: (line) => console.error(line),
  });
  printMemory(result);
  const json = option('json', undefined);
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
}
