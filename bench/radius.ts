/**
 * RADIUS benchmark (issue 14). One run, the same 100,000 subscribers, 64 Access-Requests in flight:
 *
 *   ours: FreeRADIUS with deploy/freeradius as shipped → rlm_rest → Abonent (a separate process,
 *         production mode) answering authorize from memory and recording every post-auth in batches;
 *   peer: FreeRADIUS + rlm_sql on PostgreSQL with the stock queries (queries.conf of the Debian package),
 *         8 threads and 8 connections, post-auth recorded by the stock radpostauth insert.
 *
 * Both on the same PostgreSQL (DATABASE_URL, default the local server), PAP requests from a UDP load
 * generator (bench/radius-load.ts: bench/radload.c when a C compiler is at hand, else one in Node). The
 * runs alternate in rounds over halves of the subscribers so neither gets a quieter moment of the shared
 * machine; each starts after the post-auth tables are vacuumed, a checkpoint, and the machine going quiet
 * (quiesce), on packets encoded before the servers started. Percentiles are over every measured answer of a
 * side (both rounds together; each round's p99 is printed too). After the run every Access-Accept of ours
 * must have its post-auth row.
 *
 * Then, on ours only (issue 25):
 *   coa_p99_ms — a block reaching the NAS: BLOCKS debtors with a session online (nothing on their balance)
 *     are blocked by today's daily charge, the `billing.run` job run by the job worker of an app process
 *     (WORKER=1, as production runs it at midnight); that process's network dispatcher sends each
 *     session's CoA on the block's NOTIFY to a NAS's Dynamic Authorization Server (a fake one in a process
 *     of its own, requiring the Message-Authenticator). The time from each block's commit to the NAS's
 *     ACK; p50 and p99 over all (coa_recorded_p99_ms: to the ACK written in coa_requests).
 *   during_outage_accepts_per_s — Abonent killed (SIGKILL): FreeRADIUS answers a round of subscribers it
 *     accepted before from its cache (rlm_cache, checking PAP itself), writing each outcome to its buffer.
 *
 * Prints one JSON line:
 * {"bench":"radius","accepts_per_s":…,"p99_ms":…,"peer_accepts_per_s":…,"peer_p99_ms":…,"ratio":…,
 *  "post_auth_rows":…,"coa_p99_ms":…,"during_outage_accepts_per_s":…}
 *
 * The Debian packages it needs (freeradius, freeradius-utils, freeradius-rest, freeradius-postgresql for
 * the peer) are installed first when missing, as `npm test` does (scripts/debian-packages.mjs).
 *
 *   npm run bench:radius [-- --subscribers 100000 --inflight 64 --rounds 2 --blocks 2000]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import pg from 'pg';
import radius from 'radius';

import { todayIn } from '../common/dates.js';
import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { openDatabase, queryRows } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { billingRunJob } from '../server/jobs/billing.job.js';
import { enqueue } from '../server/jobs/queue.js';
import { setServiceStatuses } from '../server/modules/ledger/set-service-statuses.js';
import { NETWORK_CHANNEL } from '../server/modules/network/directory.js';
import { encryptSecret } from '../server/modules/network/network-crypto.js';
import { withAdmin, withDbName } from '../server/test/db.js';
import { freeUdpPort, startFreeRadius } from '../server/test/freeradius.js';
import { arg } from './bench-db.js';
import { blast, generator, type LoadResult, preparePackets, quantile, settle } from './radius-load.js';

ensureDebianPackages(BENCH_NEEDS.radius, 'bench:radius');

const N = arg('subscribers', 100_000);
/** Subscribers N+1…N+WARM warm both servers up and are never measured. */
const WARM = 2_000;
/** Their Access-Requests are sent this many times over before anything is measured. */
const WARM_PASSES = 5;
const TOTAL = N + WARM;
const INFLIGHT = arg('inflight', 64);
const ROUNDS = arg('rounds', 2);
/** Debtors blocked by one daily charge for coa_p99_ms: the last BLOCKS measured subscribers. */
const BLOCKS = arg('blocks', 2000);
const DEBTORS_FROM = N - BLOCKS + 1;
const TIME_ZONE = 'Europe/Moscow';
/** Abonent's priority, as the systemd unit sets it (docs/deploy.md): only root may raise one. */
const ABONENT_NICE = process.getuid?.() === 0 ? -5 : 0;
const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/abonent';
const OURS_DB = 'abonent_bench_radius';
const PEER_DB = 'abonent_bench_radius_peer';
const APP_SECRET = 'bench-radius-app-secret-0123456789';
const API_KEY = 'bench-radius-api-key-0123456789';
const NAS_SECRET = 'bench-nas-secret';
const STOCK_SQL = '/etc/freeradius/3.0/mods-config/sql/main/postgresql';
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The password of subscriber i: the same in both databases. */
const password = (i: number) => `Pw${(i * 7919 + 104_729).toString(36)}x`;
/** A login as Abonent issues them: 3–64 printable characters (common/network.ts normaliseLogin). */
const login = (i: number) => `user${i}`;

async function recreate(name: string) {
  await withAdmin(URL_, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
}

async function seedOurs() {
  await recreate(OURS_DB);
  const database = await openDatabase({ databaseUrl: withDbName(URL_, OURS_DB), poolSize: 4 });
  await runMigrations(database);
  const db = database.db;
  await db.execute(sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
    values ('bench', 'Бенчмарк', 'Bench', ${TIME_ZONE}, '88005559167', 'b@example.net', '99')`);
  await db.execute(sql`insert into tariffs (region_id, code, name_ru, name_en, monthly_fee, speed_down_kbps, speed_up_kbps, active_from)
    values (1, 'b100', 'Бенч 100', 'Bench 100', 60000, 100000, 50000, '2020-01-01')`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || g, 'Адрес ' || g, '79' || lpad(g::text, 9, '0') from generate_series(1, ${TOTAL}) g`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'B' || g, g, 1, '2026-01-01' from generate_series(1, ${TOTAL}) g`);
  // The debtors have nothing on their balance: today's charge blocks them (measureBlocks).
  await db.execute(sql`insert into accounts (number, contract_id, region_id, balance)
    select lpad(g::text, 9, '0'), g, 1, case when g >= ${DEBTORS_FROM} and g <= ${N} then 0 else 100000 end
    from generate_series(1, ${TOTAL}) g`);
  await db.execute(sql`insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
    select g, 'tariff', 1, 60000, '2026-01-01' from generate_series(1, ${TOTAL}) g`);
  for (let from = 1; from <= TOTAL; from += 10_000) {
    const rows = [];
    for (let i = from; i < Math.min(TOTAL + 1, from + 10_000); i++) {
      rows.push({ a: i, l: login(i), p: encryptSecret('network-password', password(i), APP_SECRET) });
    }
    await db.execute(sql`insert into network_access (account_id, login, password_enc)
      select a, l, p from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(a int8, l text, p text)`);
  }
  // The load generator writes each packet's identifier as it sends it, which a Message-Authenticator
  // would sign: this NAS is registered as one that sends none (FreeRADIUS still signs its answers).
  await db.execute(sql`insert into nas (region_id, name, address, secret_enc, vendor, require_message_authenticator)
    values (1, 'bench', '127.0.0.1', ${encryptSecret('nas-secret', NAS_SECRET, APP_SECRET)}, 'mikrotik', false)`);
  await db.execute(sql`vacuum analyze`);
  return database;
}

async function seedPeer() {
  await recreate(PEER_DB);
  const c = new pg.Client({ connectionString: withDbName(URL_, PEER_DB) });
  await c.connect();
  await c.query(readFileSync(`${STOCK_SQL}/schema.sql`, 'utf8'));
  const rows: string[] = [];
  for (let i = 1; i <= TOTAL; i++) rows.push(`${login(i)}\t${password(i)}`);
  await c.query('create temp table pw (username text, value text)');
  // Plain inserts in chunks (COPY needs pg-copy-streams).
  for (let from = 0; from < rows.length; from += 10_000) {
    const chunk = rows.slice(from, from + 10_000).map((r) => r.split('\t'));
    await c.query('insert into pw select * from unnest($1::text[], $2::text[])', [
      chunk.map((r) => r[0]),
      chunk.map((r) => r[1]),
    ]);
  }
  await c.query(
    `insert into radcheck (username, attribute, op, value) select username, 'Cleartext-Password', ':=', value from pw`,
  );
  await c.query(`insert into radreply (username, attribute, op, value)
    select username, 'Mikrotik-Rate-Limit', ':=', '50000k/100000k' from pw
    union all select username, 'Mikrotik-Address-List', ':=', 'abonent-active' from pw`);
  await c.query('vacuum analyze');
  await c.end();
}

/** The peer: FreeRADIUS + rlm_sql (PostgreSQL, stock queries), 8 threads, 8 connections. */
function peerConfig(authPort: number, acctPort: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-peer-radiusd-'));
  const u = new URL(withDbName(URL_, PEER_DB));
  writeFileSync(
    join(dir, 'radiusd.conf'),
    `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = \${exec_prefix}/sbin
libdir = /usr/lib/freeradius
logdir = ${dir}
run_dir = ${dir}
name = freeradius
modconfdir = /etc/freeradius/3.0/mods-config
pidfile = \${run_dir}/\${name}.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no
log {
	destination = files
	file = \${logdir}/radius.log
}
security {
	max_attributes = 200
	reject_delay = 1
	status_server = yes
}
proxy_requests = no
client bench {
	ipaddr = 127.0.0.1
	secret = ${NAS_SECRET}
}
thread pool {
	start_servers = 8
	max_servers = 8
	min_spare_servers = 8
	max_spare_servers = 8
	max_requests_per_server = 0
	auto_limit_acct = no
}
modules {
	expr {
	}
	pap {
	}
	chap {
	}
	sql {
		dialect = "postgresql"
		driver = "rlm_sql_postgresql"
		server = "${u.hostname}"
		port = ${u.port || 5432}
		login = "${decodeURIComponent(u.username)}"
		password = "${decodeURIComponent(u.password)}"
		radius_db = "${PEER_DB}"
		acct_table1 = "radacct"
		acct_table2 = "radacct"
		postauth_table = "radpostauth"
		authcheck_table = "radcheck"
		groupcheck_table = "radgroupcheck"
		authreply_table = "radreply"
		groupreply_table = "radgroupreply"
		usergroup_table = "radusergroup"
		read_groups = yes
		read_profiles = yes
		delete_stale_sessions = yes
		read_clients = no
		client_table = "nas"
		group_attribute = "SQL-Group"
		pool {
			start = 8
			min = 8
			max = 8
			spare = 8
			uses = 0
			retry_delay = 1
			lifetime = 0
			idle_timeout = 0
		}
		$INCLUDE \${modconfdir}/sql/main/postgresql/queries.conf
	}
}
instantiate {
}
policy {
}
server default {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = ${authPort}
		recv_buff = 4194304
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = ${acctPort}
		recv_buff = 4194304
	}
	authorize {
		sql
		chap
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
	}
	post-auth {
		sql
		Post-Auth-Type REJECT {
			sql
		}
	}
}
`,
  );
  writeFileSync(join(dir, 'dictionary'), '$INCLUDE /usr/share/freeradius/dictionary\n');
  return dir;
}

async function startPeer() {
  const authPort = await freeUdpPort();
  const acctPort = await freeUdpPort();
  const dir = peerConfig(authPort, acctPort);
  let out = '';
  const child: ChildProcess = spawn('/usr/sbin/freeradius', ['-f', '-l', 'stdout', '-d', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!out.includes('Ready to process requests')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`peer FreeRADIUS did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    authPort,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freeTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Abonent as in production: its own process, the shipped start path. `radius`: the RADIUS API (rlm_rest)
 * with the worker off; `app`: the job worker and the network dispatcher, no RADIUS API.
 */
async function startAbonent(role: 'radius' | 'app') {
  const port = await freeTcpPort();
  const radiusPort = await freeTcpPort();
  const data = mkdtempSync(join(tmpdir(), 'abonent-bench-data-'));
  let out = '';
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // Started as the systemd unit of docs/deploy.md starts it: Nice=-5 (root only may raise a priority; as
  // another user it runs at 0 and the JSON line says so), --min-semi-space-size=16.
  const node = [process.execPath, ...prof, '--min-semi-space-size=16', '--import', 'tsx', 'server/main.ts'];
  const [cmd, ...args] = ABONENT_NICE < 0 ? ['nice', '-n', String(ABONENT_NICE), ...node] : node;
  const env = { ...process.env };
  delete env.RADIUS_API_KEY;
  const child = spawn(cmd!, args, {
    cwd: root,
    env: {
      ...env,
      NODE_ENV: 'production',
      DATABASE_URL: withDbName(URL_, OURS_DB),
      APP_SECRET,
      PUBLIC_URL: 'https://lk.bench.test',
      ...(role === 'radius' ? { RADIUS_API_KEY: API_KEY, RADIUS_API_PORT: String(radiusPort) } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: data,
      WORKER: role === 'app' ? '1' : '0',
      DEMO_SEED: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Abonent did not start:\n${out}`);
    const ready = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // The directory is read at start; one authorize waits for it.
  const auth = `Basic ${Buffer.from(`freeradius:${API_KEY}`).toString('base64')}`;
  if (role === 'radius')
    await fetch(`http://127.0.0.1:${radiusPort}/api/radius/clients/127.0.0.1`, { headers: { authorization: auth } });
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${radiusPort}`,
    /** SIGKILL: an outage, not a shutdown. */
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * coa_p99_ms: the debtors (seedOurs: the last BLOCKS measured subscribers, nothing on their balance, each
 * with a session online) are blocked as production blocks them: today's daily charge (`billing.run`, the
 * job the scheduler queues at midnight) run by the job worker of an app process (WORKER=1, no RADIUS
 * API, as beside ROLE=radius processes: docs/scale.md, "Process roles"), whose network dispatcher sends
 * each session's CoA on the block's NOTIFY to a NAS's Dynamic Authorization Server (bench/fake-nas.ts, a
 * process of its own, requiring the Message-Authenticator). Per debtor: from its block's commit (the
 * NOTIFY every listener gets at commit; this process listens too) to the NAS's ACK; p50 and p99 over all.
 * The job is queued held (far in the future) before the app starts, so the app's scheduler finds it
 * queued, and released once the app has started and the machine is quiet.
 */
async function measureBlocks() {
  /** Debtor (subscriber number) → when the NAS sent the ACK of its first request. */
  const acks = new Map<number, number>();
  let requests = 0;
  let signed = true;
  const nasProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-nas.ts', NAS_SECRET], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const nasPort = await new Promise<number>((resolve) =>
    nasProcess.on('message', (m: { port?: number; received?: { user: string; ackAt: number; signed: boolean }[] }) => {
      if (m.port) resolve(m.port);
      for (const r of m.received ?? []) {
        requests++;
        signed &&= r.signed;
        const i = Number(r.user.replace(/^user/, ''));
        if (i >= DEBTORS_FROM && i <= N && !acks.has(i)) acks.set(i, r.ackAt);
      }
    }),
  );
  const committed = new Map<number, number>();
  const unlisten = await ours.listen(NETWORK_CHANNEL, {
    onNotify: (payload) => {
      if (!payload.startsWith('a:')) return;
      const at = Date.now();
      for (const id of payload.slice(2).split(',')) if (!committed.has(Number(id))) committed.set(Number(id), at);
    },
    onListening: () => {},
  });
  const db = ours.db;
  const day = todayIn(TIME_ZONE);
  const key = `billing:bench:${day}`;
  const stops: (() => Promise<void>)[] = [];
  try {
    await db.execute(sql`update nas set coa_port = ${nasPort}`);
    // The debtors and the warm-up subscribers online.
    await db.execute(sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip,
        started_at, updated_at)
      select '127.0.0.1', 'bench-' || g, 'user' || g, g, ('100.64.0.0'::inet + g), now(), now()
      from generate_series(${DEBTORS_FROM}::int, ${TOTAL}::int) g`);
    await enqueue(db, billingRunJob, { regionId: 1, until: day }, { key, runAt: new Date(Date.now() + 86_400_000) });
    const app = await startAbonent('app');
    stops.push(app.stop);
    // Warmed as a server that has been up (as the RADIUS side is): the warm-up subscribers suspended and
    // resumed by staff, twice — a Disconnect-Request and then a CoA for each, through the same dispatcher.
    const warmIds = Array.from({ length: WARM }, (_, i) => N + 1 + i);
    for (let pass = 0; pass < 2; pass++) {
      for (const change of ['suspend', 'resume'] as const) {
        const before = requests;
        await setServiceStatuses(db, { accountIds: warmIds, change, data: { by: 'staff', staffId: 0 } });
        const until = Date.now() + 60_000;
        while (requests - before < WARM && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      }
    }
    log(`  the app's dispatcher warmed with ${requests} requests to the NAS`);
    committed.clear();
    await settle();
    const released = Date.now();
    await db.execute(sql`update jobs set run_at = now() where key = ${key}`);
    const deadline = Date.now() + 120_000;
    while (acks.size < BLOCKS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // the last answers recorded, the last IPC batch in
    const [billing] = await queryRows<{ blocked: number; state: string | null; seconds: number | null }>(
      db,
      sql`select (select count(*)::int from account_events where kind = 'blocked' and account_id <= ${N}) as blocked,
                 (select state from billing_days where day = ${day}::date) as state,
                 (select extract(epoch from finished_at - started_at)::float8 from billing_days where day = ${day}::date)
                   as seconds`,
    );
    const recorded = await queryRows<{ account_id: number; at: number }>(
      db,
      sql`select account_id, (extract(epoch from answered_at) * 1000)::float8 as at from coa_requests
          where status = 'ack' and account_id between ${DEBTORS_FROM} and ${N}`,
    );
    const since = (id: number, at: number) => (committed.has(id) ? [at - committed.get(id)!] : []);
    const toAck = Float64Array.from([...acks].flatMap(([i, at]) => since(i, at))).sort();
    const toRecorded = Float64Array.from(recorded.flatMap((r) => since(Number(r.account_id), Number(r.at)))).sort();
    log(
      `  the daily charge blocked ${billing?.blocked} (day ${billing?.state} in ${billing?.seconds?.toFixed(1)} s, ` +
        `released ${Math.min(...committed.values()) - released} ms before the first block's commit); ` +
        `${requests} requests at the NAS; block to ACK recorded in coa_requests: p50 ` +
        `${quantile(toRecorded, 0.5)} ms, p99 ${quantile(toRecorded, 0.99)} ms`,
    );
    return {
      coa_p99_ms: quantile(toAck, 0.99),
      coa_p50_ms: quantile(toAck, 0.5),
      coa_max_ms: quantile(toAck, 1),
      coa_recorded_p99_ms: quantile(toRecorded, 0.99),
      blocks: billing?.blocked ?? 0,
      blocks_acked: toAck.length,
      coa_with_message_authenticator: signed,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await unlisten();
    nasProcess.disconnect();
  }
}

function packetsFor(from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = from; i < to; i++) {
    out.push(
      radius.encode({
        code: 'Access-Request',
        secret: NAS_SECRET,
        identifier: 0,
        add_message_authenticator: false,
        attributes: [
          ['User-Name', login(i)],
          ['User-Password', password(i)],
          ['NAS-IP-Address', '127.0.0.1'],
          ['NAS-Port', i % 65_536],
          ['Service-Type', 'Framed-User'],
          ['Framed-Protocol', 'PPP'],
          [
            'Calling-Station-Id',
            `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
          ],
        ],
      }),
    );
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of each process of the local PostgreSQL server (none when it runs elsewhere). */
function postgresCpu(): Map<number, number> {
  try {
    const pids = execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return new Map(pids.map((pid) => [Number(pid), cpuSeconds(Number(pid))]));
  } catch {
    return new Map();
  }
}

/**
 * CPU PostgreSQL used since `before`, over the processes alive now: a connection opened since counts whole,
 * one closed since is missed (connections come and go with the pools' idle timeouts).
 */
function postgresCpuSince(before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of postgresCpu()) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}

/**
 * Before each measured run: what the previous one left — the post-auth rows autovacuum would soon visit,
 * the pages the checkpointer would write — is dealt with now rather than during this run, then the
 * machine is let to go quiet. Returns the time it took.
 */
async function quiesce(): Promise<number> {
  const started = Date.now();
  const peer = new pg.Client({ connectionString: withDbName(URL_, PEER_DB) });
  await peer.connect();
  try {
    await peer.query('vacuum analyze radpostauth');
    await ours.db.execute(sql`vacuum analyze radius_auth_log`);
    await peer.query('checkpoint');
  } finally {
    await peer.end();
  }
  return Date.now() - started + (await settle());
}

/**
 * Two rounds of one side as one: counts and times added, percentiles taken over every answer of both
 * (the run's p99, not the worse round's: each round's own p99 is printed beside it).
 */
function add(a: LoadResult | null, b: LoadResult, roundsP99: number[]): LoadResult {
  roundsP99.push(b.p99Ms);
  if (!a) return b;
  const latenciesMs = new Float64Array(a.latenciesMs.length + b.latenciesMs.length);
  latenciesMs.set(a.latenciesMs);
  latenciesMs.set(b.latenciesMs, a.latenciesMs.length);
  latenciesMs.sort();
  return {
    sent: a.sent + b.sent,
    accepts: a.accepts + b.accepts,
    rejects: a.rejects + b.rejects,
    lost: a.lost + b.lost,
    seconds: a.seconds + b.seconds,
    p50Ms: quantile(latenciesMs, 0.5),
    p99Ms: quantile(latenciesMs, 0.99),
    cpuSeconds: a.cpuSeconds + b.cpuSeconds,
    latenciesMs,
  };
}

log(`seeding ${TOTAL} subscribers (Abonent and the rlm_sql peer)…`);
const ours = await seedOurs();
await seedPeer();
// Every packet is encoded before anything runs: encoding 50,000 in this process (and collecting the garbage)
// while a round is measured would take the CPU from the servers in its first second.
const warm = preparePackets(packetsFor(N + 1, TOTAL + 1));
const rounds = Array.from({ length: ROUNDS }, (_, r) =>
  preparePackets(packetsFor(1 + Math.floor((N * r) / ROUNDS), 1 + Math.floor((N * (r + 1)) / ROUNDS))),
);
const stops: (() => Promise<void>)[] = [
  async () => {
    for (const p of [warm, ...rounds]) p.dispose();
  },
];
try {
  const abonent = await startAbonent('radius');
  stops.push(abonent.stop);
  const radiusd = await startFreeRadius({ abonentUrl: abonent.url, apiKey: API_KEY });
  stops.push(() => radiusd.stop());
  const peer = await startPeer();
  stops.push(peer.stop);

  // Warm both (connections, the dynamic client lookup, caches, and Abonent's code compiled by V8's
  // optimizing tier, as in a server that has been running) on subscribers outside the measured set.
  for (let pass = 0; pass < WARM_PASSES; pass++) {
    await blast({ port: radiusd.authPort, load: warm, inflight: INFLIGHT });
    await blast({ port: peer.authPort, load: warm, inflight: INFLIGHT });
  }
  await ours.db.execute(sql`truncate radius_auth_log`);

  let a: LoadResult | null = null;
  let b: LoadResult | null = null;
  const roundsP99: number[] = [];
  const peerRoundsP99: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const from = 1 + Math.floor((N * r) / ROUNDS);
    const to = 1 + Math.floor((N * (r + 1)) / ROUNDS);
    log(`round ${r + 1}/${ROUNDS}: subscribers ${from}…${to - 1}`);
    const first = r % 2 === 0 ? 'ours' : 'peer';
    for (const who of first === 'ours' ? ['ours', 'peer'] : ['peer', 'ours']) {
      const waited = await quiesce();
      const cpu0 = [cpuSeconds(abonent.pid), cpuSeconds(radiusd.pid), cpuSeconds(peer.pid)];
      const pg0 = postgresCpu();
      const res = await blast({
        port: who === 'ours' ? radiusd.authPort : peer.authPort,
        load: rounds[r]!,
        inflight: INFLIGHT,
      });
      const per = (s: number) => Math.round((s * 1e6) / Math.max(1, res.sent));
      log(
        `  ${who}: ${JSON.stringify({ ...res, latenciesMs: undefined })} cpu µs/request: abonent ${per(cpuSeconds(abonent.pid) - cpu0[0]!)}, ` +
          `freeradius ${per(cpuSeconds(radiusd.pid) - cpu0[1]!)}, peer ${per(cpuSeconds(peer.pid) - cpu0[2]!)}, ` +
          `postgres ${per(postgresCpuSince(pg0))}, load generator (${generator()}) ${per(res.cpuSeconds)}; ` +
          `started after ${waited} ms of vacuum, checkpoint and settling`,
      );
      if (who === 'ours') a = add(a, res, roundsP99);
      else b = add(b, res, peerRoundsP99);
    }
  }
  const [rows] = await queryRows<{ n: number }>(
    ours.db,
    sql`select count(*)::int as n from radius_auth_log where result = 'accept'`,
  );

  log(`blocks: ${BLOCKS} debtors online, blocked by the daily charge in the job worker…`);
  const blocks = await measureBlocks();
  log(`  ${JSON.stringify(blocks)}`);

  // Abonent killed: the first round's subscribers (all accepted before) reconnect, answered from the cache.
  await abonent.kill();
  await settle();
  const outage = await blast({ port: radiusd.authPort, load: rounds[0]!, inflight: INFLIGHT });
  log(`  outage: ${JSON.stringify({ ...outage, latenciesMs: undefined })}`);
  const accepts = a!.accepts;
  const peerAccepts = b!.accepts;
  const out = {
    bench: 'radius',
    accepts_per_s: Math.round(accepts / a!.seconds),
    p99_ms: a!.p99Ms,
    peer_accepts_per_s: Math.round(peerAccepts / b!.seconds),
    peer_p99_ms: b!.p99Ms,
    ratio: Math.round((accepts / a!.seconds / (peerAccepts / b!.seconds)) * 100) / 100,
    post_auth_rows: rows!.n,
    accepts,
    peer_accepts: peerAccepts,
    rejects: a!.rejects,
    lost: a!.lost,
    peer_lost: b!.lost,
    subscribers: N,
    inflight: INFLIGHT,
    generator: generator(),
    abonent_nice: ABONENT_NICE,
    rounds_p99_ms: roundsP99,
    peer_rounds_p99_ms: peerRoundsP99,
    ...blocks,
    during_outage_accepts_per_s: Math.round(outage.accepts / outage.seconds),
    during_outage_accepts: outage.accepts,
    during_outage_rejects: outage.rejects,
    during_outage_lost: outage.lost,
    during_outage_p99_ms: outage.p99Ms,
  };
  if (rows!.n !== accepts) log(`post-auth rows ${rows!.n} != accepts ${accepts}`);
  if (a!.rejects > 0) {
    const why = await queryRows(
      ours.db,
      sql`select detail, count(*)::int as n, (array_agg(username order by id))[1:10] as users
          from radius_auth_log where result = 'reject' group by 1`,
    );
    log(`rejects recorded by Abonent: ${JSON.stringify(why)}`);
    log(
      radiusd
        .output()
        .split('\n')
        .filter((l) => /error|warn/i.test(l))
        .slice(-20)
        .join('\n'),
    );
  }
  console.log(JSON.stringify(out));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await ours.close();
  for (const name of [OURS_DB, PEER_DB]) {
    await withAdmin(URL_, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
  }
}
