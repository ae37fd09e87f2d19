import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Debian's FreeRADIUS 3.2 as a child process, run with the configuration shipped in deploy/freeradius
 * exactly as docs/deploy.md installs it (`freeradius -d deploy/freeradius`, settings from the
 * environment), on free ports, calling the test's Abonent over HTTP. `radclient` (freeradius-utils)
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
  output: () => string;
  stop(): Promise<void>;
}

export async function startFreeRadius(opts: {
  abonentUrl: string;
  apiKey: string;
  configDir?: string;
  debug?: boolean;
}): Promise<FreeRadius> {
  const authPort = await freeUdpPort();
  const acctPort = await freeUdpPort();
  const work = mkdtempSync(join(tmpdir(), 'abonent-radiusd-'));
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
        ABONENT_RADIUS_KEY: opts.apiKey,
        RADIUS_AUTH_PORT: String(authPort),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_LOG_DIR: work,
        RADIUS_RUN_DIR: work,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
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
 * no answer came. `attrs` values are written as radclient reads them (strings quoted).
 */
export async function radclient(
  port: number,
  kind: 'auth' | 'acct',
  secret: string,
  attrs: Record<string, string | number>,
  opts: { timeoutSeconds?: number } = {},
): Promise<RadclientReply> {
  const input = Object.entries(attrs)
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
