import { connect, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closeLeanServer, createLeanServer, type LeanHandler, type LeanResponse } from './lean-http.js';

/**
 * The rlm_rest API's HTTP/1.1 server on raw sockets: what libcurl sends is answered in order on kept-alive
 * connections, and what a hand-made parser could get wrong (split packets, pipelining, smuggling, huge
 * headers, a handler that throws) is refused or contained.
 */
const json = (o: object): LeanResponse => ({ status: 200, json: JSON.stringify(o) });
const handler: LeanHandler = {
  bodyLimit: 1000,
  head: (req) => {
    if (req.authorization !== 'Basic ok') return { status: 403, json: '{"error":"no"}' };
    return undefined;
  },
  body: (req, body) => {
    if (req.path === '/throw') throw new Error('handler fault');
    if (req.path === '/hang') return new Promise((r) => setTimeout(() => r(json({ late: true })), 3000));
    if (req.path.startsWith('/slow')) {
      return new Promise((r) => setTimeout(() => r(json({ slow: body.toString() })), 50));
    }
    return req.path === '/empty' ? { status: 204 } : json({ path: req.path, query: req.query, body: body.toString() });
  },
  fault: () => ({ status: 500, json: '{"error":"internal"}' }),
  refuse: (status, why) => ({ status, json: JSON.stringify({ error: why }) }),
};

let server: Server;
let port: number;
beforeAll(async () => {
  server = createLeanServer(handler, { requestMs: 300 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => closeLeanServer(server));

const post = (target: string, body: string, extra = '') =>
  `POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ok\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/**
 * Sends the pieces (a pause between them), then reads until the server has sent `responses` final
 * answers (and 100 ms more, in which it must not close a kept connection) or until it closes the
 * connection (`responses` = 'close'). Gives up after 10 s, however loaded the machine.
 */
async function talk(pieces: string[], responses: number | 'close'): Promise<{ text: string; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('end', () => (closed = true));
  socket.on('error', () => (closed = true));
  for (const p of pieces) {
    socket.write(p);
    await new Promise((r) => setTimeout(r, 20));
  }
  const answers = () => statuses(text).filter((s) => s !== 100).length;
  const deadline = Date.now() + 10_000;
  while (!closed && (responses === 'close' || answers() < responses) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!closed && responses !== 'close') await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  return { text, closed };
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('the rlm_rest API HTTP server', () => {
  it('answers requests on one kept-alive connection in order, however the bytes are split', async () => {
    const first = post('/slow', 'one');
    const second = post('/fast?a=1', 'two');
    const all = first + second + post('/empty', '');
    // Split inside the header, inside a body, and two requests sent in one write (pipelined).
    const r = await talk([all.slice(0, 10), all.slice(10, first.length - 2), all.slice(first.length - 2)], 3);
    expect(statuses(r.text)).toEqual([200, 200, 204]);
    expect(r.text.indexOf('"slow":"one"')).toBeLessThan(r.text.indexOf('"body":"two"'));
    expect(r.text).toMatch(/content-length: \d+\r\n\r\n\{"path":"\/fast","query":"a=1","body":"two"\}/);
    expect(r.text).toMatch(/^date: .+ GMT\r$/m);
    expect(r.closed).toBe(false);
  });

  it('says 100 Continue to a client that waits for it, then answers', async () => {
    const head = `POST /x HTTP/1.1\r\nAuthorization: Basic ok\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n`;
    const r = await talk([head, 'abc'], 1);
    expect(statuses(r.text)).toEqual([100, 200]);
    expect(r.text).toContain('"body":"abc"');
  });

  it('refuses chunked bodies, two lengths, huge headers and broken request lines, and closes', async () => {
    const cases: [string, number][] = [
      ['POST /x HTTP/1.1\r\nAuthorization: Basic ok\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 411],
      ['POST /x HTTP/1.1\r\nAuthorization: Basic ok\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc', 400],
      ['POST /x HTTP/1.1\r\nAuthorization: Basic ok\r\nContent-Length: -1\r\n\r\n', 400],
      [`GET /x HTTP/1.1\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`, 431],
      [`GET /x HTTP/1.1\r\nX-Big: ${'a'.repeat(9000)}`, 431],
      ['GET /x HTTP/2.0\r\n\r\n', 400],
      ['GET x HTTP/1.1\r\n\r\n', 400],
      ['GET /x HTTP/1.1\r\n folded: header\r\n\r\n', 400],
      [post('/x', 'a'.repeat(1001)), 413],
    ];
    for (const [request, status] of cases) {
      const r = await talk([request], 'close');
      expect(statuses(r.text), request.slice(0, 60)).toEqual([status]);
      expect(r.text).toContain('connection: close');
      expect(r.closed).toBe(true);
    }
  });

  it('refuses a caller before reading the body; the connection is kept only when there was none', async () => {
    const noBody = await talk([`GET /x HTTP/1.1\r\n\r\n${post('/after', 'ok')}`], 2);
    expect(statuses(noBody.text)).toEqual([403, 200]);
    expect(noBody.closed).toBe(false);
    const withBody = await talk([`POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello${post('/after', 'ok')}`], 'close');
    expect(statuses(withBody.text)).toEqual([403]);
    expect(withBody.closed).toBe(true);
  });

  it('answers a handler fault with its 500 and goes on serving the connection', async () => {
    const r = await talk([post('/throw', 'x') + post('/next', 'y')], 2);
    expect(statuses(r.text)).toEqual([500, 200]);
    expect(r.text).toContain('"body":"y"');
  });

  it('closes HTTP/1.0 without keep-alive, and a request that stops arriving', async () => {
    const old = await talk(['POST /x HTTP/1.0\r\nAuthorization: Basic ok\r\nContent-Length: 1\r\n\r\nz'], 'close');
    expect(statuses(old.text)).toEqual([200]);
    expect(old.closed).toBe(true);
    const stalled = await talk(['POST /x HTTP/1.1\r\nAuthorization: Basic ok\r\nContent-Le'], 'close');
    expect(stalled.text).toBe('');
    expect(stalled.closed).toBe(true);
  });

  it('cuts off a client that floods pipelined requests, and one whose next request stalls after an answer', async () => {
    const flood = await talk([post('/hang', 'x') + post('/next', 'y').repeat(20_000)], 'close');
    expect(flood.closed).toBe(true);
    expect(statuses(flood.text)).toEqual([]);
    const stalled = await talk([post('/slow', 'x') + 'POST /next HTTP/1.1\r\nContent-Le'], 'close');
    expect(statuses(stalled.text)).toEqual([200]);
    expect(stalled.closed).toBe(true);
  });

  it('on close, ends idle connections at once and a busy one after its answer', async () => {
    const own = createLeanServer(handler);
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', () => r()));
    const ownPort = (own.address() as { port: number }).port;
    // allowHalfOpen: like rlm_rest's pooled connections, the client does not close its side on the
    // server's FIN until it next uses the connection; the server's close must not wait for it.
    const open = (): Promise<{ socket: ReturnType<typeof connect>; text: () => string; ended: Promise<void> }> =>
      new Promise((resolve) => {
        const socket = connect({ port: ownPort, host: '127.0.0.1', allowHalfOpen: true }, () =>
          resolve({ socket, text: () => text, ended }),
        );
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        const ended = new Promise<void>((r) => socket.once('end', () => r()));
      });
    const idle = await open();
    const busy = await open();
    busy.socket.write(post('/slow', 'last'));
    await new Promise((r) => setTimeout(r, 10));
    const closed = closeLeanServer(own);
    await idle.ended;
    expect(idle.text()).toBe('');
    await busy.ended;
    expect(statuses(busy.text())).toEqual([200]);
    expect(busy.text()).toContain('connection: close');
    busy.socket.end(); // the client reads `connection: close` and closes its side
    const t = Date.now();
    await closed;
    expect(Date.now() - t).toBeLessThan(2000); // not the keep-alive timeout (72 s)
    idle.socket.destroy();
  });
});
