import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import mysql from 'mysql2/promise';

/**
 * Debian's MariaDB server as a child process for the import tests (docs/import.md), the way
 * freeradius.ts runs FreeRADIUS: a scratch data directory made by mariadb-install-db, a free TCP port
 * on 127.0.0.1, no configuration file of the machine read (--no-defaults), stopped and removed at the end.
 * The peers' schemas are loaded from server/test/fixtures/import (their published dumps, verbatim).
 */
export const hasMariaDb = existsSync('/usr/sbin/mariadbd') && existsSync('/usr/bin/mariadb-install-db');

export const PEER_SCHEMA = {
  ubilling: new URL('./fixtures/import/ubilling-schema.sql', import.meta.url).pathname,
  abills: new URL('./fixtures/import/abills-schema.sql', import.meta.url).pathname,
};

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface MariaDb {
  port: number;
  /** mysql://root@127.0.0.1:<port>/<database> */
  url(database: string, user?: { name: string; password: string }): string;
  /** A root connection (several statements per query allowed) to a database, for loading and generating rows. */
  connect(database?: string, charset?: string): Promise<mysql.Connection>;
  /** Creates a database and loads a peer's schema into it. */
  loadPeer(database: string, peer: keyof typeof PEER_SCHEMA): Promise<void>;
  stop(): Promise<void>;
}

export async function startMariaDb(): Promise<MariaDb> {
  const work = mkdtempSync(join(tmpdir(), 'abonent-mariadb-'));
  const data = join(work, 'data');
  const init = spawnSync(
    '/usr/bin/mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stdout}\n${init.stderr}`);
  const port = await freeTcpPort();
  let out = '';
  const child: ChildProcess = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--user=root',
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(work, 'mysqld.sock')}`,
      `--pid-file=${join(work, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=64M',
      '--character-set-server=utf8mb3',
      '--collation-server=utf8mb3_general_ci',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!/ready for connections/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
      throw new Error(`MariaDB did not start:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const connect = async (database?: string, charset = 'UTF8MB4_GENERAL_CI') =>
    mysql.createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      database,
      charset,
      multipleStatements: true,
      dateStrings: true,
    });
  return {
    port,
    url: (database, user) =>
      `mysql://${user ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}` : 'root'}@127.0.0.1:${port}/${database}`,
    connect,
    async loadPeer(database, peer) {
      const c = await connect();
      try {
        await c.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb3`);
        await c.query(`USE \`${database}\``);
        await c.query(readFileSync(PEER_SCHEMA[peer], 'utf8'));
      } finally {
        await c.end();
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}
