import type { PhpServer } from '../../src/testing/index.js';

/** Sends one request straight to the engine, with `cookie` as the session cookie when given. */
export function phpRequest(
  server: PhpServer,
  method: string,
  path: string,
  options: { cookie?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.cookie !== undefined) headers.set('Cookie', `${server.options.cookie.name}=${options.cookie}`);
  return server.handle(
    new Request(new URL(path, 'http://localhost:3000'), { method, headers, body: options.body }),
  );
}

/** The session id a response's Set-Cookie sets, or null. */
export function sessionCookie(response: Response, name = 'PHPSESSID'): string | null {
  for (const cookie of response.headers.getSetCookie()) {
    const match = new RegExp(`^${name}=([^;]*)`).exec(cookie);
    if (match) return match[1]!;
  }
  return null;
}
