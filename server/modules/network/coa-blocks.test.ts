import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { enqueue, JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { startFakeNas } from '../../test/fakes/nas.js';
import { buildNas, buildNetworkAccess, networkTestConfig } from '../../test/network-factories.js';
import { coaRetryJob } from './network.jobs.js';
import { writeAcctRecords } from './write-radius-records.js';

/**
 * Issue 25: every session of a blocked account is cut. Every open session gets its CoA or Disconnect
 * however long since the NAS last reported it; a NAK is followed by a Disconnect, and a refused or
 * unanswered Disconnect is left to staff (and counted); a session the NAS no longer has is closed; a
 * session id reused after a NAS reboot is a session of its own, and gets the block.
 */
const NAS_SECRET = 'nas-secret-blocks';
let t: TestContext;
let nas: Awaited<ReturnType<typeof startFakeNas>>;
let regionId: number;

beforeAll(async () => {
  t = await createTestApp(
    networkTestConfig({ RADIUS_COA_TIMEOUT_MS: 300, RADIUS_COA_TRIES: 2, METRICS_TOKEN: 'blocks-metrics-token-0123' }),
  );
  nas = await startFakeNas({ secret: NAS_SECRET, requireMessageAuthenticator: true });
  const { region } = await buildSubscriber(t.database.db);
  regionId = region.id;
  await buildNas(t.database.db, {
    regionId,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: NAS_SECRET,
    vendor: 'cisco',
    coaPort: nas.port,
  });
});
afterAll(async () => {
  await nas.close();
  await t.close();
});

const db = () => t.database.db;

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function subscriberWithSessions(sessions: { sid: string; heardMinutesAgo: number }[]) {
  const s = await buildSubscriber(db(), { regionId, balance: 10_000 });
  const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
  for (const x of sessions) {
    await db().execute(
      sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
          values ('127.0.0.1', ${x.sid}, ${a.login}, ${s.account.id},
                  now() - make_interval(mins => ${x.heardMinutesAgo + 5}), now() - make_interval(mins => ${x.heardMinutesAgo}))`,
    );
  }
  return { ...s, login: a.login! };
}

/** What the daily charge writes when the balance no longer covers the service (ledger's postCharges). */
async function block(accountId: number) {
  await db().transaction(async (tx) => {
    await tx.execute(sql`update accounts set status = 'blocked' where id = ${accountId}`);
    await tx.execute(sql`insert into account_events (account_id, kind) values (${accountId}, 'blocked')`);
  });
}

const requests = (accountId: number) =>
  queryRows<{ kind: string; reason: string; status: string; error: string | null; sid: string }>(
    db(),
    sql`select r.kind, r.reason, r.status, r.error, s.acct_session_id as sid
        from coa_requests r join radius_sessions s on s.id = r.session_id
        where r.account_id = ${accountId} order by r.id`,
  );

async function scrape(): Promise<string> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: 'Bearer blocks-metrics-token-0123' },
  });
  return res.body;
}
const metric = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('a block reaches every session', () => {
  it('disconnects every open session, however long since the NAS reported it, with a Message-Authenticator', async () => {
    // One session heard of a minute ago, one silent for two hours (more than three interim intervals).
    const s = await subscriberWithSessions([
      { sid: 'blk-fresh', heardMinutesAgo: 1 },
      { sid: 'blk-quiet', heardMinutesAgo: 120 },
    ]);
    const mark = nas.received.length;
    await block(s.account.id);
    const got = await until(() => {
      const dm = nas.received.slice(mark).filter((p) => p.code === 'Disconnect-Request');
      return new Set(dm.map((p) => p.attributes['Acct-Session-Id'])).size >= 2 ? dm : undefined;
    });
    // (A NAS slow to answer may get a retransmission: the same request twice.)
    expect([...new Set(got.map((p) => p.attributes['Acct-Session-Id']))].sort()).toEqual(['blk-fresh', 'blk-quiet']);
    expect(got.every((p) => p.messageAuthenticator)).toBe(true);
    expect(nas.dropped()).toBe(0);
  });

  it('a session id the NAS reused after a reboot is a session of its own, and gets the block', async () => {
    const s = await subscriberWithSessions([]);
    const now = Date.now();
    const r = (status: 'start' | 'stop', atSec: number, secs: number) => ({
      t: 's' as const,
      nas: '127.0.0.1',
      sid: '00000007',
      user: s.login,
      accountId: s.account.id,
      ip: null,
      csid: null,
      port: null,
      start: new Date(now + (atSec - secs) * 1000).toISOString(),
      at: new Date(now + atSec * 1000).toISOString(),
      stop: status === 'stop' ? new Date(now + atSec * 1000).toISOString() : null,
      first: status === 'start',
      inB: 0,
      outB: 0,
      secs,
      cause: status === 'stop' ? 'User-Request' : null,
    });
    // Yesterday's session 00000007 ended; the NAS rebooted and numbers from zero again: 00000007 is back.
    await writeAcctRecords(db(), [r('start', -90_000, 0), r('stop', -86_400, 3_600)]);
    await writeAcctRecords(db(), [{ t: 'nas', nas: '127.0.0.1', at: new Date(now - 600_000).toISOString() }]);
    await writeAcctRecords(db(), [r('start', -60, 0)]);
    const mark = nas.received.length;
    await block(s.account.id);
    const dm = await until(() =>
      nas.received.slice(mark).find((p) => p.code === 'Disconnect-Request' && p.attributes['User-Name'] === s.login),
    );
    expect(dm.attributes['Acct-Session-Id']).toBe('00000007');
    const [open] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from radius_sessions where account_id = ${s.account.id} and stopped_at is null`,
    );
    expect(open!.n).toBe(1);
  });

  it('a session the NAS no longer has ("no such session") is closed', async () => {
    const s = await subscriberWithSessions([{ sid: 'blk-gone', heardMinutesAgo: 30 }]);
    nas.setMode('no-session');
    try {
      await block(s.account.id);
      const [row] = await until(async () => {
        const x = await queryRows<{ stopped: boolean; cause: string | null }>(
          db(),
          sql`select stopped_at is not null as stopped, terminate_cause as cause from radius_sessions
              where acct_session_id = 'blk-gone'`,
        );
        return x[0]?.stopped ? x : undefined;
      });
      expect(row).toEqual({ stopped: true, cause: 'Lost-Service' });
      expect(await requests(s.account.id)).toMatchObject([
        { kind: 'disconnect', status: 'nak', error: 'Session-Context-Not-Found' },
      ]);
    } finally {
      nas.setMode('ack');
    }
  });

  it('a refused Disconnect, and one never answered, are left to staff and counted', async () => {
    const before = await scrape();
    const nakBefore =
      metric(before, 'abonent_coa_naks_total{kind="disconnect",error_cause="Resources-Unavailable"}') ?? 0;
    const givenUpBefore = metric(before, 'abonent_coa_given_up_total{kind="disconnect"}') ?? 0;

    // Refused: NAK Resources-Unavailable.
    const refused = await subscriberWithSessions([{ sid: 'blk-refused', heardMinutesAgo: 1 }]);
    nas.setMode('nak-all');
    try {
      await block(refused.account.id);
      await until(async () => ((await requests(refused.account.id))[0]?.status === 'nak' ? true : undefined));
    } finally {
      nas.setMode('ack');
    }

    // Never answered: every try times out, the retry job tries again, then gives up.
    const silent = await subscriberWithSessions([{ sid: 'blk-silent', heardMinutesAgo: 1 }]);
    nas.setMode('silent');
    try {
      await block(silent.account.id);
      await until(async () => ((await requests(silent.account.id))[0]?.status === 'timeout' ? true : undefined));
      // The block has not reached the NAS: the gauge the "block not applied within 60 s" alert reads.
      await db().execute(
        sql`update coa_requests set created_at = now() - interval '90 seconds' where account_id = ${silent.account.id}`,
      );
      expect(metric(await scrape(), 'abonent_network_block_pending_seconds')).toBeGreaterThanOrEqual(89);
      // Attempts used up (the retry job gives one more try first).
      await db().execute(sql`update coa_requests set attempts = 5 where account_id = ${silent.account.id}`);
      await enqueue(db(), coaRetryJob, {});
      await new JobWorker(t.app.deps, [coaRetryJob]).drain();
    } finally {
      nas.setMode('ack');
    }

    const op = await buildStaff(db(), { role: 'operator' });
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/network/escalations', headers: op.auth });
    expect(list.statusCode).toBe(200);
    const items = list.json<{
      items: { id: number; accountId: number; kind: string; error: string | null; online: boolean }[];
    }>().items;
    const mine = items.filter((i) => [refused.account.id, silent.account.id].includes(i.accountId));
    expect(mine.map((i) => [i.accountId, i.kind, i.error, i.online])).toEqual([
      [refused.account.id, 'nak', 'Resources-Unavailable', true],
      [silent.account.id, 'given_up', null, true],
    ]);
    const m = await scrape();
    expect(metric(m, 'abonent_coa_naks_total{kind="disconnect",error_cause="Resources-Unavailable"}')).toBe(
      nakBefore + 1,
    );
    expect(metric(m, 'abonent_coa_given_up_total{kind="disconnect"}')).toBe(givenUpBefore + 1);
    expect(metric(m, 'abonent_coa_escalations_open')).toBeGreaterThanOrEqual(2);

    // Staff disconnect the silent one by hand: resolved, audited; the refused one ends with its session.
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/api/staff/network/escalations/${mine[1]!.id}/resolve`,
      headers: op.auth,
    });
    expect(resolved.statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/staff/network/escalations/${mine[1]!.id}/resolve`,
          headers: op.auth,
        })
      ).statusCode,
    ).toBe(404);
    await db().execute(sql`update radius_sessions set stopped_at = now() where acct_session_id = 'blk-refused'`);
    await enqueue(db(), coaRetryJob, {}, { key: `coa-retry-${Date.now()}` });
    await new JobWorker(t.app.deps, [coaRetryJob]).drain();
    const after = await t.app.inject({ method: 'GET', url: '/api/staff/network/escalations', headers: op.auth });
    expect(
      after
        .json<{ items: { accountId: number }[] }>()
        .items.filter((i) => [refused.account.id, silent.account.id].includes(i.accountId)),
    ).toEqual([]);
    const [audit] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from audit_log where action = 'network.escalation.resolve'`,
    );
    expect(audit!.n).toBe(1);
  });
});
