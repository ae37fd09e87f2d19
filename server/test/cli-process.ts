import { type ChildProcess, spawn } from 'node:child_process';

const bin = new URL('../../bin/abonent.js', import.meta.url).pathname;

export interface CliRun {
  child: ChildProcess;
  /** Settles when the process exits (never rejects): its exit code (null when killed) and output. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * The real `abonent` command in a process of its own, as an operator or cron would start it, against
 * the given PostgreSQL database (`env` adds variables such as BILLING_BATCH_ACCOUNTS).
 */
export function startCli(databaseUrl: string, args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LANG: 'en_US.UTF-8', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Runs the CLI to its end. */
export function runCliProcess(databaseUrl: string, args: string[], env: Record<string, string> = {}) {
  return startCli(databaseUrl, args, env).done;
}
