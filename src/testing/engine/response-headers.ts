/**
 * Builds a Response whose `headers` keep every Set-Cookie. Some environments' Response (happy-dom's)
 * deletes Set-Cookie as the browser spec says; the engine still needs it, so the full Headers
 * object is put back on the instance. `response.clone()` may lose them there.
 */
export function createResponse(body: BodyInit | null, status: number, headers: Headers): Response {
  const nullBody = status === 204 || status === 205 || status === 304 || (status >= 100 && status < 200);
  const response = new Response(nullBody ? null : body, { status, headers });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0 && response.headers.getSetCookie().length !== cookies.length) {
    Object.defineProperty(response, 'headers', { value: headers, enumerable: true });
  }
  return response;
}

/** Copies `response` with changed headers (the body is read). */
export async function withHeaders(response: Response, change: (headers: Headers) => void): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of response.headers)
    if (name.toLowerCase() !== 'set-cookie') headers.append(name, value);
  for (const cookie of response.headers.getSetCookie()) headers.append('Set-Cookie', cookie);
  change(headers);
  const body = response.body === null ? null : await response.arrayBuffer();
  return createResponse(body, response.status, headers);
}
