import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';

/**
 * The HTTP/1.1 server of the rlm_rest API (decision 0015): only what libcurl in FreeRADIUS's rlm_rest
 * sends — a request line, headers, a body of Content-Length bytes, kept-alive connections — parsed
 * straight from the socket's bytes. Node's `http` module builds an IncomingMessage stream, a
 * ServerResponse and a header object per request; on the path every Access-Request of an ISP takes,
 * that was most of the API's CPU. Refused rather than half-supported: chunked bodies (`411`), header
 * sections over 8 KiB (`431`), bodies over the handler's limit (`413`), anything that is not HTTP/1.x
 * (`400`); each of those closes the connection.
 */
export interface LeanRequest {
  method: string;
  /** The request target up to `?`: `/api/radius/authorize`. */
  path: string;
  /** What follows `?` (`nas=…`), or ''. */
  query: string;
  /** The headers the API reads; the rest are skipped. */
  authorization: string | undefined;
  contentType: string | undefined;
  remoteAddress: string;
}

export interface LeanResponse {
  status: number;
  /** JSON text of the body; none for 204. */
  json?: string;
}

export interface LeanHandler {
  /**
   * Called once the headers are in: a response here (a refused caller, an unknown route) is sent
   * without reading the body; undefined reads the body (up to `bodyLimit`) and calls `body`.
   */
  head(req: LeanRequest): LeanResponse | undefined;
  body(req: LeanRequest, body: Buffer): LeanResponse | Promise<LeanResponse>;
  /** A fault of the handler: the response to send instead. */
  fault(err: unknown): LeanResponse;
  bodyLimit: number;
  /** Too large a body, or a malformed request: the response (connection closed after it). */
  refuse(status: 400 | 411 | 413 | 431, why: string): LeanResponse;
}

const MAX_HEAD = 8 * 1024;
const MAX_BUFFERED = 1024 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  411: 'Length Required',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface LeanServerOptions {
  /** Idle keep-alive connections are closed after this (rlm_rest keeps its own for 60 s). */
  keepAliveMs?: number;
  /** A request that has started arriving must be complete within this. */
  requestMs?: number;
  /** HTTPS: the certificate and key (the same parser runs over the decrypted stream). */
  tls?: TlsOptions;
}

const connections = new WeakMap<Server, Set<Connection>>();

export function createLeanServer(handler: LeanHandler, o: LeanServerOptions = {}): Server {
  const open = new Set<Connection>();
  const accept = (socket: Socket) => {
    const c = new Connection(socket, handler, o.keepAliveMs ?? 72_000, o.requestMs ?? 10_000);
    open.add(c);
    socket.once('close', () => open.delete(c));
  };
  const server: Server = o.tls ? createTlsServer(o.tls, accept) : createServer(accept);
  server.maxConnections = 4096;
  connections.set(server, open);
  return server;
}

/** Date header text, made at most once a second (RFC 9110 §6.6.1: an origin server with a clock sends it). */
let dateText = '';
let dateSecond = 0;
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

class Connection {
  private buffer: Buffer | null = null;
  /** The request whose body is awaited, or whose answer is being made (later bytes wait their turn). */
  private pending: { req: LeanRequest; bodyStart: number; length: number } | null = null;
  private busy = false;
  private closed = false;
  /** Of the request being answered: HTTP/1.1 unless `connection: close`, HTTP/1.0 with `keep-alive`. */
  private keepAlive = true;
  /** The server is closing: the connection ends after the answer in progress. */
  private draining = false;

  constructor(
    private readonly socket: Socket,
    private readonly h: LeanHandler,
    private readonly keepAliveMs: number,
    private readonly requestMs: number,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(keepAliveMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => (this.closed = true));
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return; // the rest of a refused request: dropped while the close completes
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    // Requests pipelined behind one being answered wait in memory: a client that floods is cut off.
    if (this.buffer.length > MAX_BUFFERED) {
      this.closed = true;
      this.buffer = null;
      this.socket.destroy();
      return;
    }
    if (this.busy) return; // answered in turn; the timeout is set again after the answer in progress
    this.socket.setTimeout(this.requestMs);
    this.parse();
  }

  /** Answers every complete request in the buffer, in order. */
  private parse(): void {
    while (this.buffer && !this.busy && !this.closed) {
      const buf = this.buffer;
      if (!this.pending) {
        const end = buf.indexOf(CRLFCRLF);
        if (end < 0) {
          if (buf.length > MAX_HEAD) this.send(this.h.refuse(431, 'header section too large'), true);
          return;
        }
        if (end > MAX_HEAD) return this.send(this.h.refuse(431, 'header section too large'), true);
        const head = parseHead(buf.toString('latin1', 0, end), this.socket.remoteAddress ?? '');
        if (typeof head === 'string') return this.send(this.h.refuse(400, head), true);
        if (head.chunked) return this.send(this.h.refuse(411, 'chunked bodies are not accepted'), true);
        this.keepAlive = head.keepAlive;
        const early = this.safely(() => this.h.head(head.req));
        if (early) {
          // The body is not read: unless there is none, the connection cannot be reused.
          if (head.length > 0) return this.send(early, true);
          this.buffer = rest(buf, end + 4);
          this.send(early);
          continue;
        }
        if (head.length > this.h.bodyLimit) return this.send(this.h.refuse(413, 'body too large'), true);
        this.pending = { req: head.req, bodyStart: end + 4, length: head.length };
        if (head.expectContinue && buf.length < end + 4 + head.length) {
          this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
      }
      const { req, bodyStart, length } = this.pending;
      if (this.buffer.length < bodyStart + length) return;
      const body = this.buffer.subarray(bodyStart, bodyStart + length);
      this.buffer = rest(this.buffer, bodyStart + length);
      this.pending = null;
      let answer: LeanResponse | Promise<LeanResponse>;
      try {
        answer = this.h.body(req, body);
      } catch (err) {
        answer = this.h.fault(err);
      }
      if (answer instanceof Promise) {
        this.busy = true;
        this.socket.setTimeout(0); // the handler bounds its own wait
        answer
          .catch((err: unknown) => this.h.fault(err))
          .then((res) => {
            this.busy = false;
            this.send(res);
            this.parse();
          })
          .catch(() => this.socket.destroy());
        return;
      }
      this.send(answer);
    }
  }

  /**
   * An idle connection is destroyed, not ended: rlm_rest (libcurl) leaves a pooled connection unread
   * until it next uses it, so a FIN alone is never answered and the server's close would wait for the
   * keep-alive timeout (72 s) — past the shutdown deadline, with the writers' records not flushed.
   */
  closeWhenIdle(): void {
    this.draining = true;
    if (!this.busy && !this.pending && !this.buffer && !this.closed) {
      this.closed = true;
      this.socket.destroy();
    }
  }

  private safely(f: () => LeanResponse | undefined): LeanResponse | undefined {
    try {
      return f();
    } catch (err) {
      return this.h.fault(err);
    }
  }

  private send(res: LeanResponse, close = false): void {
    if (this.closed) return;
    const end = close || !this.keepAlive || this.draining;
    let text = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Status'}\r\ndate: ${httpDate()}\r\n`;
    if (res.json !== undefined) {
      text += `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(res.json)}\r\n`;
    } else if (res.status !== 204) text += 'content-length: 0\r\n';
    text += end ? 'connection: close\r\n\r\n' : '\r\n';
    if (res.json !== undefined) text += res.json;
    if (end) {
      this.closed = true;
      this.buffer = null;
      this.socket.end(text);
      // A client that goes on sending after our FIN is cut off.
      setTimeout(() => this.socket.destroy(), 5_000).unref();
      return;
    }
    this.socket.write(text);
    // Idle: the keep-alive limit; a next request already begun: it must arrive in time.
    this.socket.setTimeout(this.buffer ? this.requestMs : this.keepAliveMs);
  }
}

function rest(buf: Buffer, from: number): Buffer | null {
  return from >= buf.length ? null : buf.subarray(from);
}

interface Head {
  req: LeanRequest;
  length: number;
  chunked: boolean;
  keepAlive: boolean;
  expectContinue: boolean;
}

const REQUEST_LINE = /^([A-Z]{1,16}) (\/[\x21-\x7e]*) HTTP\/1\.([01])$/;
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/** The request line and the headers we read; a string says why the request is malformed. */
export function parseHead(text: string, remoteAddress: string): Head | string {
  const lines = text.split('\r\n');
  const line = REQUEST_LINE.exec(lines[0]!);
  if (!line) return 'malformed request line';
  let authorization: string | undefined;
  let contentType: string | undefined;
  let length: string | undefined;
  let chunked = false;
  let connection = '';
  let expectContinue = false;
  for (let i = 1; i < lines.length; i++) {
    const field = FIELD.exec(lines[i]!);
    if (!field) return 'malformed header field';
    const value = field[2]!;
    switch (field[1]!.toLowerCase()) {
      case 'authorization':
        authorization = value;
        break;
      case 'content-type':
        contentType = value;
        break;
      case 'content-length':
        // Two different lengths are a smuggling attempt (RFC 9112 §6.3).
        if (!/^\d{1,9}$/.test(value) || (length !== undefined && length !== value)) return 'bad content-length';
        length = value;
        break;
      case 'transfer-encoding':
        chunked = true;
        break;
      case 'connection':
        connection = value.toLowerCase();
        break;
      case 'expect':
        expectContinue = value.toLowerCase() === '100-continue';
        break;
    }
  }
  const http10 = line[3] === '0';
  const target = line[2]!;
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const query = mark < 0 ? '' : target.slice(mark + 1);
  return {
    req: { method: line[1]!, path, query, authorization, contentType, remoteAddress },
    length: length === undefined ? 0 : Number(length),
    chunked,
    keepAlive: http10 ? connection.includes('keep-alive') : !connection.includes('close'),
    expectContinue,
  };
}

/** Stops listening: idle connections are closed now, the others after the answer in progress. */
export function closeLeanServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const c of connections.get(server) ?? []) c.closeWhenIdle();
  });
}
