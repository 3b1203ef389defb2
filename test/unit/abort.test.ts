// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { client, useMockPhp } from '../helpers/mock-php.js';

const { php } = useMockPhp();

// A script that never answers: only an abort that reaches fetch ends the request (else the test times out).
php.route('GET', '/api/never', () => new Promise<Response>(() => {}));

const abortedBy = (controller: AbortController, ms: number) => setTimeout(() => controller.abort(), ms);

describe('aborting a session request', () => {
  test("the caller's signal aborts a request the server has not answered", async () => {
    const session = client();
    const controller = new AbortController();
    abortedBy(controller, 30);
    const error = await session
      .get('/api/never', { signal: controller.signal })
      .catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  test('a signal set on the request by an app hook aborts it too', async () => {
    const controller = new AbortController();
    const session = client({
      hooks: { beforeRequest: [({ request }) => new Request(request, { signal: controller.signal })] },
    });
    abortedBy(controller, 30);
    const error = await session.get('/api/never').catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  test('a signal given to the client as a default aborts its requests', async () => {
    const controller = new AbortController();
    const session = client({ signal: controller.signal });
    abortedBy(controller, 30);
    const error = await session.get('/api/never').catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  test('the deadline aborts a request the server has not answered, as a timeout', async () => {
    const session = client({ deadline: 50 });
    const error = await session.get('/api/never').catch((caught: Error) => caught);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });
});
