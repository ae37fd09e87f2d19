import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ErrorCode, ERRORS, type Lang } from '../../common/errors.js';
import { pickLang } from '../../common/i18n.js';
import { signTestAcquirer } from '../integrations/acquiring/test-acquirer.js';
import { createSession } from '../modules/auth/sessions.js';
import { runBilling } from '../modules/billing/run-billing.js';
import { testAcquirerSecret } from '../modules/payments/test-acquirer-secret.js';
import { createTestApp, type TestContext } from './app.js';
import { buildRegion, buildService, buildStaff, buildSubscriber, buildTariff } from './factories.js';
import { type FuzzRequest, type Operation, operationsOf, requestsFor } from './fuzz/openapi-fuzz.js';

/**
 * Every operation of /api/openapi.json, called anonymously, as a subscriber and as an administrator
 * with a valid baseline and then with one part malformed at a time (server/test/fuzz/openapi-fuzz.ts).
 * A caller the route's guard refuses gets only a few requests; the caller it lets in gets all of them,
 * so the handlers see the malformed input. The rules: no answer is a 5xx; every JSON error is
 * `{error:{code,message}}` with a known code and the message of that code in the caller's language.
 */
let t: TestContext;
let doc: Parameters<typeof operationsOf>[0];
const known: Record<string, string> = {};
/** Callers: anonymous, a subscriber and an administrator (bearer), a payment agent (HTTP Basic). */
const identities: Record<'anonymous' | 'subscriber' | 'admin' | 'agent', { auth: Record<string, string> }> = {
  anonymous: { auth: {} },
  subscriber: { auth: {} },
  admin: { auth: {} },
  agent: { auth: {} },
};
/** The answers of a guard (who may call), as opposed to a handler that saw the request. */
const GUARD_CODES = new Set(['unauthorized', 'forbidden', 'password_change_required', 'bad_signature']);
let contractId = 0;
let adminId = 0;

const LANGS: { headers: Record<string, string> }[] = [
  { headers: {} },
  { headers: { 'accept-language': 'en-US,en;q=0.9' } },
  { headers: { 'accept-language': 'de' } },
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const templates = new Map<string, RegExp>();
function templateOf(code: ErrorCode, lang: Lang): RegExp {
  const key = `${code}:${lang}`;
  let re = templates.get(key);
  if (!re) {
    re = new RegExp(`^${escapeRe(ERRORS[code][lang]).replace(/\\\{\w+\\\}/g, '[\\s\\S]*')}$`);
    templates.set(key, re);
  }
  return re;
}

function expectedLang(r: FuzzRequest): Lang {
  const qs = r.url.includes('?') ? r.url.slice(r.url.indexOf('?') + 1) : '';
  let query: Record<string, string> = {};
  try {
    query = Object.fromEntries(new URLSearchParams(qs));
  } catch {
    /* a malformed query: the language falls back to the header */
  }
  return pickLang({ query, acceptLanguage: r.headers['accept-language'] });
}

async function renewSessions() {
  identities.subscriber.auth = {
    authorization: `Bearer ${(await createSession(t.database.db, { type: 'subscriber', contractId })).token}`,
  };
  identities.admin.auth = {
    authorization: `Bearer ${(await createSession(t.database.db, { type: 'staff', staffId: adminId })).token}`,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  // Row 1 of every table exists, so an id of 1 in a path reaches the handler's real work.
  const region = await buildRegion(db, { code: 'fuzz' });
  const tariff = await buildTariff(db, { regionId: region.id });
  await buildService(db, { regionId: region.id, kind: 'tv' });
  const admin = await buildStaff(db, { role: 'admin' });
  adminId = admin.user.id;
  const s = await buildSubscriber(db, { regionId: region.id, tariffId: tariff.id, balance: 50_000 });
  contractId = s.contract.id;
  await renewSessions();
  // Billing has run today, so a fuzzed "run billing" call does not catch up a year of days.
  await runBilling(db);
  known.number = s.account.number;
  const agent = await t.app.inject({
    method: 'POST',
    url: '/api/staff/agents',
    headers: identities.admin.auth,
    payload: { code: 'fuzz-agent', name: 'Fuzz', allowedCidrs: ['10.0.0.0/8'] },
  });
  known.code = known.agentCode = agent.json().code;
  identities.agent.auth = {
    authorization: `Basic ${Buffer.from(`${agent.json().code}:${agent.json().secret}`).toString('base64')}`,
  };
  const pay = await t.app.inject({
    method: 'POST',
    url: '/api/me/payments',
    headers: identities.subscriber.auth,
    payload: { amount: '100' },
  });
  known.paymentPage = /\/pay\/test-acquirer\/([^/?]+)/.exec(pay.json().confirmationUrl)![1]!;
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
});
afterAll(() => t?.close());

const pathValues = (op: Operation, name: string) =>
  op.path.startsWith('/pay/test-acquirer/') && name === 'id' ? known.paymentPage : known[name];

let ipCounter = 0;
const nextIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

interface Failure {
  who: string;
  op: string;
  what: string;
  status: number;
  body: string;
}

/** Webhooks prove their sender by a signature of the body: sign each request, so the handler sees it. */
function signatureOf(op: Operation, payload: FuzzRequest['payload']): Record<string, string> {
  if (op.path !== '/api/payments/webhooks/test-acquirer' || payload === undefined) return {};
  return { 'x-signature': signTestAcquirer(testAcquirerSecret(t.config), payload.toString()) };
}

/** Sends one request; records what breaks the rules; returns the status and the error code if any. */
async function check(
  who: keyof typeof identities,
  op: Operation,
  r: FuzzRequest,
  n: number,
  failures: Failure[],
): Promise<{ status: number; code?: string }> {
  const lang = LANGS[n % LANGS.length]!;
  const req = {
    ...r,
    headers: { ...r.headers, ...lang.headers, ...identities[who].auth, ...signatureOf(op, r.payload) },
  };
  const res = await t.app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    payload: req.payload,
    remoteAddress: nextIp(),
  });
  const fail = (why: string) => {
    failures.push({
      who,
      op: `${op.method} ${op.path}`,
      what: `${r.what}: ${why}`,
      status: res.statusCode,
      body: res.body.slice(0, 300),
    });
    return { status: res.statusCode };
  };
  if (res.statusCode >= 500) return fail('server error');
  if (res.statusCode < 400) return { status: res.statusCode };
  const type = String(res.headers['content-type'] ?? '');
  if (!type.includes('application/json')) {
    if (!op.foreign) fail(`error is ${type || 'without a content type'}, not JSON`);
    return { status: res.statusCode };
  }
  let body: { error?: { code?: string; message?: string } };
  try {
    body = res.json();
  } catch {
    return fail('error body is not JSON');
  }
  const code = body.error?.code;
  const message = body.error?.message;
  if (!code || !(code in ERRORS) || typeof message !== 'string') return fail('not {error:{code,message}}');
  const want = expectedLang(req);
  if (!templateOf(code as ErrorCode, want).test(message)) fail(`message not in ${want}`);
  if (ERRORS[code as ErrorCode].status !== res.statusCode) fail(`status ≠ ${ERRORS[code as ErrorCode].status}`);
  return { status: res.statusCode, code };
}

describe('API fuzz from /api/openapi.json', () => {
  it('answers every malformed request with a 4xx in the error shape and the caller’s language, never a 5xx', async () => {
    // Live event streams stay open (an inject never ends): their guards are tested in support-live.test.ts.
    const ops = operationsOf(doc).filter((op) => !op.path.endsWith('/events'));
    expect(ops.length).toBeGreaterThan(60);
    const failures: Failure[] = [];
    let sent = 0;
    const reached = new Set<string>();
    const timing: [string, number, number][] = [];
    for (const op of ops) {
      const t0 = performance.now();
      const n0 = sent;
      // The previous operation may have ended a session (sign out, ending sessions): start each with live ones.
      await renewSessions();
      let fuzzed = false;
      for (const who of Object.keys(identities) as (keyof typeof identities)[]) {
        // The baseline tells whether this caller gets past the route's guard. The first caller that
        // does gets every malformed request; the others a few (their answers must hold the rules too).
        const [baseline] = requestsFor(op, { pathValues, light: true });
        const first = await check(who, op, baseline!, sent++, failures);
        const guarded = !!first.code && GUARD_CODES.has(first.code);
        const light = guarded || fuzzed;
        if (!guarded) reached.add(`${op.method} ${op.path}`);
        fuzzed ||= !guarded;
        for (const r of requestsFor(op, { pathValues, light }).slice(1)) {
          const res = await check(who, op, r, sent++, failures);
          // A request that ended this caller's session (sign out, ending a session) must not blind the rest.
          if (res.code === 'unauthorized' && who !== 'anonymous' && !guarded) await renewSessions();
        }
      }
      timing.push([`${op.method} ${op.path}`, sent - n0, Math.round(performance.now() - t0)]);
    }
    if (process.env.FUZZ_TIMING) console.log(timing.sort((a, b) => b[2] - a[2]).slice(0, 25), sent);
    // Paths no route knows, and methods a route does not have.
    for (const url of ['/api/nope', '/api/%', '/api/..%2f..%2fetc', `/api/${'x'.repeat(5000)}`, '/api/staff/users/%00'])
      await check(
        'anonymous',
        { method: 'GET', path: url, parameters: [], foreign: false, secured: false },
        { method: 'GET', url, headers: {}, what: 'unknown' },
        sent++,
        failures,
      );
    await check(
      'admin',
      { method: 'PUT', path: '/api/staff/users', parameters: [], foreign: false, secured: false },
      { method: 'PUT', url: '/api/staff/users', headers: {}, what: 'method' },
      sent++,
      failures,
    );

    // One line per kind of failure (route, status, answer), with one example request.
    const kinds = new Map<string, { n: number; example: Failure }>();
    for (const f of failures) {
      const key = `${f.op} → ${f.status} ${f.what.split(': ').at(-1)} ${/"code":"(\w+)"/.exec(f.body)?.[1] ?? ''}`;
      const k = kinds.get(key);
      if (k) k.n++;
      else kinds.set(key, { n: 1, example: f });
    }
    const summary = [...kinds].map(
      ([k, v]) => `${k} ×${v.n} e.g. ${v.example.who} [${v.example.what}] ${v.example.body.slice(0, 160)}`,
    );
    expect(summary, `${failures.length} of ${sent} requests failed`).toEqual([]);
    // Handlers saw the input: every operation was reached past its guard by some caller.
    const unreached = ops.map((o) => `${o.method} ${o.path}`).filter((k) => !reached.has(k));
    expect(unreached).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
  }, 300_000);
});
