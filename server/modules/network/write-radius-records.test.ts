import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { type AcctRecord, sessionGenerations, writeAcctRecords } from './write-radius-records.js';

/**
 * Sessions keyed by NAS, Acct-Session-Id, user name — and start (issue 25): a NAS that numbers sessions
 * from zero again after a reboot reuses ids, and the new session must not merge into the old stopped
 * row (it would look ended, and a block would skip it).
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const T0 = Date.parse('2026-03-02T10:00:00Z');
const iso = (secondsFromT0: number) => new Date(T0 + secondsFromT0 * 1000).toISOString();

/** A record as the NAS reports it at `at` (seconds after T0) for a session `secs` old. */
function rec(
  sid: string,
  status: 'start' | 'interim' | 'stop',
  at: number,
  secs: number,
  o: { nas?: string; user?: string; inB?: number } = {},
): Extract<AcctRecord, { t: 's' }> {
  return {
    t: 's',
    nas: o.nas ?? '192.0.2.7',
    sid,
    user: o.user ?? 'reuse-user',
    accountId: null,
    ip: null,
    csid: null,
    port: null,
    start: iso(at - secs),
    at: iso(at),
    stop: status === 'stop' ? iso(at) : null,
    first: status === 'start',
    // eslint-disable-next-line no-restricted-syntax -- bytes per second, not money
    inB: o.inB ?? secs * 100,
    outB: 0,
    secs,
    cause: status === 'stop' ? 'User-Request' : null,
  };
}

const rows = (user: string) =>
  queryRows<{ acct_session_id: string; started_at: Date; stopped: boolean; cause: string | null; in: number }>(
    database.db,
    sql`select acct_session_id, started_at, stopped_at is not null as stopped, terminate_cause as cause,
               input_bytes::int8 as in
        from radius_sessions where username = ${user} order by started_at`,
  );

describe('sessions', () => {
  it('a reused id after a NAS reboot (with Accounting-On) is a new session, the old one kept', async () => {
    const user = 'reboot-on';
    await writeAcctRecords(database.db, [rec('00000001', 'start', 0, 0, { user })]);
    await writeAcctRecords(database.db, [rec('00000001', 'stop', 600, 600, { user })]);
    await writeAcctRecords(database.db, [{ t: 'nas', nas: '192.0.2.7', at: iso(700) }]);
    await writeAcctRecords(database.db, [rec('00000001', 'start', 800, 0, { user })]);
    await writeAcctRecords(database.db, [rec('00000001', 'interim', 1100, 300, { user })]);
    const r = await rows(user);
    expect(r.map((x) => [x.acct_session_id, x.stopped, Number(x.in)])).toEqual([
      [`00000001#${T0 / 1000}`, true, 60_000],
      ['00000001', false, 30_000],
    ]);
  });

  it('a reused id after a crash (no Stop, no Accounting-On) closes the old session as NAS-Reboot', async () => {
    const user = 'crash';
    await writeAcctRecords(database.db, [rec('2a', 'start', 0, 0, { user }), rec('2a', 'interim', 300, 300, { user })]);
    // The NAS died at ~T0+400; the same id comes back with a session that began at T0+900.
    await writeAcctRecords(database.db, [rec('2a', 'start', 900, 0, { user })]);
    const r = await rows(user);
    expect(r.map((x) => [x.acct_session_id, x.stopped, x.cause])).toEqual([
      [`2a#${T0 / 1000}`, true, 'NAS-Reboot'],
      ['2a', false, null],
    ]);
    // A late record of the old session (the FreeRADIUS buffer replayed) goes to its own, archived row.
    await writeAcctRecords(database.db, [rec('2a', 'stop', 390, 390, { user, inB: 99_999 })]);
    const after = await rows(user);
    expect(after.map((x) => [x.acct_session_id, Number(x.in), x.stopped])).toEqual([
      [`2a#${T0 / 1000}`, 99_999, true],
      ['2a', 0, false],
    ]);
  });

  it('an old Stop and the reusing Start in one batch are two sessions', async () => {
    const user = 'one-batch';
    const batch = [
      rec('3b', 'start', 0, 0, { user }),
      rec('3b', 'stop', 60, 60, { user }),
      rec('3b', 'start', 100, 0, { user }),
    ];
    expect(sessionGenerations(batch.filter((r) => r.t === 's')).map((g) => g.length)).toEqual([1, 1]);
    await writeAcctRecords(database.db, batch);
    expect((await rows(user)).map((x) => [x.acct_session_id, x.stopped])).toEqual([
      [`3b#${T0 / 1000}`, true],
      ['3b', false],
    ]);
  });

  it('records of one session stay one row, whatever order they come in', async () => {
    const user = 'one-session';
    const records = [
      rec('4c', 'interim', 600, 600, { user }),
      rec('4c', 'start', 0, 0, { user }),
      rec('4c', 'stop', 900, 900, { user }),
      rec('4c', 'interim', 300, 300, { user }),
    ];
    await writeAcctRecords(database.db, records.slice(0, 2));
    await writeAcctRecords(database.db, records.slice(2));
    await writeAcctRecords(database.db, records); // replayed twice: the same row
    const r = await rows(user);
    expect(r.map((x) => [x.acct_session_id, x.stopped, Number(x.in)])).toEqual([['4c', true, 90_000]]);
  });
});
