import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return new Request(url, { method, headers, body, signal });
}

async function send(response: Response, res: ServerResponse, head: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(head || response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
}

/**
 * A `node:http` request listener serving `server` over real HTTP:
 * `http.createServer(toNodeListener(php)).listen(3000)`. The request URL is absolute from the Host
 * header; every Set-Cookie of the response is sent as its own header.
 */
export function toNodeListener(server: { handle(request: Request): Promise<Response> }): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    toRequest(req, controller.signal)
      .then((request) => server.handle(request))
      .then((response) => send(response, res, req.method === 'HEAD'))
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy(error as Error);
        else res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
      });
  };
}
