import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, sleep } from './cluster.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * An Abonent process in the RADIUS role (`ROLE=radius node --import tsx server/main.ts`: only the rlm_rest
 * API, no web port, no jobs), as an operator runs one or two of them next to FreeRADIUS (docs/network.md).
 * For tests that kill, restart or roll it while FreeRADIUS keeps asking. Its DATA_DIR (the spool) outlives
 * restarts; `url` is what FreeRADIUS's ABONENT_RADIUS_URL points at.
 */
export class RadiusProcess {
  readonly url: string;
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  private output = '';
  exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly name: string,
    readonly port: number,
    private env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.dataDir = mkdtempSync(join(tmpdir(), `abonent-${name}-`));
  }

  /** `env`: DATABASE_URL, APP_SECRET, RADIUS_API_KEY and whatever else the test sets. */
  static async create(name: string, env: Record<string, string>): Promise<RadiusProcess> {
    return new RadiusProcess(name, await freePort(), env);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until its RADIUS API answers from a loaded directory. */
  async start(timeoutMs = 90_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DEMO_SEED: '0',
        ...this.env,
        ROLE: 'radius',
        RADIUS_API_HOST: '127.0.0.1',
        RADIUS_API_PORT: String(this.port),
        DATA_DIR: this.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited (${child.exitCode}):\n${this.output}`);
      if (await this.isReady()) return;
      if (Date.now() > end) throw new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.output}`);
      await sleep(100);
    }
  }

  /** The NAS registry lookup answers (200 or 404) once the directory is read. */
  async isReady(): Promise<boolean> {
    try {
      const auth = `Basic ${Buffer.from(`freeradius:${this.env.RADIUS_API_KEY}`).toString('base64')}`;
      const res = await fetch(`${this.url}/api/radius/clients/192.0.2.1`, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      return res.status === 404 || res.status === 200;
    } catch {
      return false;
    }
  }

  /**
   * A rolling restart of this process with changed variables (e.g. a new APP_SECRET): stopped gracefully,
   * started again on the same port and data directory, ready when it returns.
   */
  async restartWith(env: Record<string, string | undefined>): Promise<void> {
    await this.stop('SIGTERM');
    const next = { ...this.env };
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    this.env = next;
    await this.start();
  }

  /** Sends a signal (SIGTERM: graceful shutdown; SIGKILL: a crash) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
      return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited;
  }

  /** afterAll: this process only, by its pid; its data directory removed. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  get log(): string {
    return this.output;
  }
}
