import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Real app processes for the multi-process test (server/cluster.test.ts): `node --import tsx
 * server/main.ts` with the environment an operator would give it, and a small load balancer in front
 * that does what nginx or HAProxy does — health-checks readiness, sends each request to the next ready
 * server, and retries a request on another server when the connection fails before any answer.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class AppProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  private output = '';
  exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until it answers readiness. */
  async start(timeoutMs = 90_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env, PORT: String(this.port) },
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
      await sleep(200);
    }
  }

  async isReady(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/api/health/ready`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** Sends a signal (SIGTERM: graceful shutdown) and returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited;
  }

  /** Last resort in afterAll: this process only, by its pid. */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  get log(): string {
    return this.output;
  }
}

export interface Outcome {
  status: number;
  body: string;
  backend: string;
  /** Connection failures retried on another server before this answer. */
  retries: number;
}

/** Round-robin over the servers whose readiness answers 200, checked every `checkMs` like a balancer. */
export class Balancer {
  private ready = new Set<AppProcess>();
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  connectionRetries = 0;

  constructor(
    private readonly backends: AppProcess[],
    private readonly checkMs = 100,
  ) {}

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.checkMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    await Promise.all(
      this.backends.map(async (b) => {
        if (await b.isReady()) this.ready.add(b);
        else this.ready.delete(b);
      }),
    );
  }

  /** A request through the balancer: to a ready server, retried elsewhere if the connection fails. */
  async request(path: string, init: RequestInit = {}): Promise<Outcome> {
    let retries = 0;
    for (;;) {
      const pool = this.backends.filter((b) => this.ready.has(b));
      if (pool.length === 0) {
        await sleep(50);
        continue;
      }
      const b = pool[this.next++ % pool.length]!;
      try {
        const res = await fetch(`${b.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
        return { status: res.status, body: await res.text(), backend: b.name, retries };
      } catch (e) {
        // Refused or reset before an answer: the request never reached the application (a graceful
        // server answers everything it accepted). Mark the server down and try the next one.
        if (retries++ >= 10) throw e;
        this.connectionRetries++;
        this.ready.delete(b);
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
