import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's quick start on a fresh machine: `npm start` in a shell with no NODE_ENV, HOST or
 * DATABASE_URL. Production is the default (docs/security.md), so this checks that `npm start` itself
 * asks for development — the demo loads, prints its logins, listens on this machine only — and that the
 * same server without it (`node server/main.ts`, as a unit file that forgets NODE_ENV) refuses to start.
 */
const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'abonent-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** A shell's environment with nothing Abonent-specific in it (vitest sets NODE_ENV=test). */
function freshShell(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  for (const k of ['NODE_ENV', 'HOST', 'DATABASE_URL', 'APP_SECRET', 'PUBLIC_URL', 'DEMO_SEED']) delete env[k];
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv, until: (out: string) => boolean, timeoutMs: number) {
  const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      if (until(out)) return resolve();
      if (proc.exitCode !== null) return reject(new Error(`exited ${proc.exitCode}:\n${out}`));
      if (Date.now() > deadline) return reject(new Error(`not ready in ${timeoutMs} ms:\n${out}`));
      setTimeout(tick, 200);
    };
    tick();
  });
  return { proc, out: () => out, ready, exited };
}

describe('npm start on a fresh machine', () => {
  it('runs the demo in development on 127.0.0.1 and prints the demo logins; without it, production refuses', async () => {
    const port = await freePort();
    const demo = run(['scripts/start.mjs'], freshShell(port), (o) => o.includes('Cabinet (/login)'), 400_000);
    try {
      await demo.ready;
      const out = demo.out();
      expect(out).toMatch(/Abonent \S+ is running \(development, database: embedded PGlite/);
      expect(out).toContain('Demo logins');
      expect(out).toMatch(/admin\s+\S+@\S+ \/ \S+/);
      expect(out).toContain('add an authenticator app at their first sign-in');
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      // The demo operator signs in with the printed password; the demo admin must first add an app.
      const login = (email: string, password: string) =>
        fetch(`${base}/api/auth/staff/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { staff?: { totpSetupRequired: boolean } },
        }));
      const logins = [...out.matchAll(/^\s+(admin|operator)\s+(\S+@\S+) \/ (\S+)$/gm)];
      const operator = logins.find((m) => m[1] === 'operator')!;
      const admin = logins.find((m) => m[1] === 'admin')!;
      expect((await login(operator[2]!, operator[3]!)).body.staff?.totpSetupRequired).toBe(false);
      expect((await login(admin[2]!, admin[3]!)).body.staff?.totpSetupRequired).toBe(true);
      // The test acquirer is there for the demo's card payments.
      expect((await fetch(`${base}/pay/test-acquirer/none`)).status).toBe(404);
      expect(await (await fetch(`${base}/pay/test-acquirer/none`)).text()).toBe('Not found');
    } finally {
      demo.proc.kill('SIGTERM');
      await demo.exited;
    }

    // The server as a unit file would start it, NODE_ENV forgotten: production, which refuses to start.
    const bare = run(['--import', 'tsx', 'server/main.ts'], freshShell(await freePort()), () => false, 60_000);
    bare.ready.catch(() => undefined); // it is expected to end, not to become ready
    const code = await bare.exited;
    expect(code).not.toBe(0);
    expect(bare.out()).toContain('APP_SECRET: required in production');
    expect(bare.out()).toContain('NODE_ENV is unset, so this runs as production');
  }, 600_000);
});
