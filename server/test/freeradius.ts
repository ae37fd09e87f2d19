import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import radius from 'radius';

/**
 * Debian's FreeRADIUS 3.2 as a child process, run with the configuration shipped in deploy/freeradius
 * exactly as docs/deploy.md installs it (`freeradius -d deploy/freeradius`, settings from the
 * environment), on free ports, calling the test's Abonent over HTTP(S) — one endpoint, or two (the second
 * asked when the first fails: a rolling restart of two Abonent processes). `radclient` (freeradius-utils)
 * plays the NAS.
 */
export const FREERADIUS_CONFIG = fileURLToPath(new URL('../../deploy/freeradius', import.meta.url));
export const hasFreeRadius = existsSync('/usr/sbin/freeradius') && existsSync('/usr/bin/radclient');

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface FreeRadius {
  pid: number;
  authPort: number;
  acctPort: number;
  /** RADIUS_SPOOL_DIR: the buffer of accounting and post-auth records no endpoint took. */
  spoolDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** The system's CA bundle: ABONENT_RADIUS_CA must name a file even when every endpoint is http://. */
export const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';

export async function startFreeRadius(opts: {
  /** The first endpoint's base URL (http://127.0.0.1:port). */
  abonentUrl: string;
  /** The second endpoint's; default the first (one Abonent process). */
  secondaryUrl?: string;
  apiKey: string;
  /** The CA bundle that signed https endpoints' certificates. */
  caFile?: string;
  configDir?: string;
  debug?: boolean;
}): Promise<FreeRadius> {
  const authPort = await freeUdpPort();
  const acctPort = await freeUdpPort();
  const work = mkdtempSync(join(tmpdir(), 'abonent-radiusd-'));
  const spoolDir = join(work, 'spool');
  let out = '';
  const child: ChildProcess = spawn(
    '/usr/sbin/freeradius',
    [
      '-f',
      '-l',
      'stdout',
      ...(opts.debug || process.env.FREERADIUS_DEBUG ? ['-xx'] : []),
      '-d',
      opts.configDir ?? FREERADIUS_CONFIG,
    ],
    {
      env: {
        ...process.env,
        ABONENT_RADIUS_URL: opts.abonentUrl,
        ABONENT_RADIUS_URL_SECONDARY: opts.secondaryUrl ?? opts.abonentUrl,
        ABONENT_RADIUS_KEY: opts.apiKey,
        ABONENT_RADIUS_CA: opts.caFile ?? SYSTEM_CA,
        RADIUS_SPOOL_DIR: spoolDir,
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_LOG_DIR: work,
        // The tests send wrong passwords on purpose; production holds each reject for a second.
        RADIUS_REJECT_DELAY: process.env.RADIUS_REJECT_DELAY ?? '0',
        RADIUS_RUN_DIR: work,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // FREERADIUS_LOG=<file>: its output copied there as it comes (with FREERADIUS_DEBUG=1: the request trace).
  const copy = process.env.FREERADIUS_LOG;
  const keep = (d: Buffer) => {
    out += d.toString();
    if (copy) appendFileSync(copy, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('Ready to process requests')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`FreeRADIUS did not start:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!,
    authPort,
    acctPort,
    spoolDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export interface RadclientReply {
  code: string;
  attributes: Record<string, string[]>;
}

/**
 * Sends one packet with radclient and returns the answer (code and attributes), or code 'none' when
 * no answer came. `attrs` values are written as radclient reads them (strings quoted). An Access-Request
 * carries a Message-Authenticator (radclient computes it), as a NAS that defends against Blast-RADIUS
 * sends it, unless `messageAuthenticator: false`.
 */
export async function radclient(
  port: number,
  kind: 'auth' | 'acct',
  secret: string,
  attrs: Record<string, string | number>,
  opts: { timeoutSeconds?: number; messageAuthenticator?: boolean } = {},
): Promise<RadclientReply> {
  const all =
    kind === 'auth' && opts.messageAuthenticator !== false ? { 'Message-Authenticator': '0x00', ...attrs } : attrs;
  const input = Object.entries(all)
    .map(([k, v]) => `${k} = ${typeof v === 'number' || /^0x[0-9a-f]+$/i.test(v) ? v : JSON.stringify(v)}`)
    .join(',\n');
  const child = spawn(
    '/usr/bin/radclient',
    ['-x', '-r', '1', '-t', String(opts.timeoutSeconds ?? 5), `127.0.0.1:${port}`, kind, secret],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(`${input}\n`);
  await new Promise<void>((r) => child.once('close', () => r()));
  const m = /Received (\S+) Id \d+[^\n]*\n((?:\t[^\n]*\n?)*)/.exec(out);
  if (!m) return { code: 'none', attributes: {} };
  const attributes: Record<string, string[]> = {};
  for (const line of m[2]!.split('\n')) {
    const a = /^\t(\S+) = (.*)$/.exec(line);
    if (!a) continue;
    const value = a[2]!.replace(/^"(.*)"$/, '$1');
    (attributes[a[1]!] ??= []).push(value);
  }
  return { code: m[1]!, attributes };
}

export interface RawReply {
  code: string;
  /** Attribute types in the order they came (80: Message-Authenticator). */
  types: number[];
  attributes: Record<string, unknown>;
  /** The answer's Message-Authenticator checked (RFC 3579 §3.2); null when it has none. */
  messageAuthenticatorValid: boolean | null;
}

/**
 * One Access-Request as a NAS sends it, from `from` (127.0.0.x: another NAS than radclient's 127.0.0.1),
 * with or without a Message-Authenticator: the answer's code and attribute order, or code 'none' after
 * `timeoutMs` (FreeRADIUS drops what it refuses to answer).
 */
export async function rawAccessRequest(o: {
  port: number;
  secret: string;
  attributes: [string, string | number | Buffer][];
  messageAuthenticator: boolean;
  from?: string;
  timeoutMs?: number;
}): Promise<RawReply> {
  const packet = radius.encode({
    code: 'Access-Request',
    secret: o.secret,
    identifier: Math.floor(Math.random() * 256),
    attributes: o.attributes,
    add_message_authenticator: o.messageAuthenticator,
  });
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, o.from ?? '127.0.0.1', r));
  try {
    const answer = await new Promise<Buffer | null>((resolve) => {
      const t = setTimeout(() => resolve(null), o.timeoutMs ?? 3000);
      socket.on('message', (m) => {
        clearTimeout(t);
        resolve(m);
      });
      socket.send(packet, o.port, '127.0.0.1');
    });
    if (!answer) return { code: 'none', types: [], attributes: {}, messageAuthenticatorValid: null };
    const types: number[] = [];
    let ma: Buffer | null = null;
    for (let i = 20; i + 1 < answer.length && answer[i + 1]! >= 2; i += answer[i + 1]!) {
      types.push(answer[i]!);
      if (answer[i] === 80) ma = Buffer.from(answer.subarray(i + 2, i + 18));
    }
    let valid: boolean | null = null;
    if (ma) {
      // HMAC-MD5 over the answer with the Request Authenticator in its place and the attribute zeroed.
      const copy = Buffer.from(answer);
      packet.copy(copy, 4, 4, 20);
      copy.fill(0, answer.indexOf(ma), answer.indexOf(ma) + 16);
      valid = createHmac('md5', o.secret).update(copy).digest().equals(ma);
    }
    const decoded = radius.decode({ packet: answer, secret: o.secret });
    return {
      code: decoded.code,
      types,
      attributes: decoded.attributes as Record<string, unknown>,
      messageAuthenticatorValid: valid,
    };
  } finally {
    socket.close();
  }
}
