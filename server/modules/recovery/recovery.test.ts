import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { smtpEmailSender } from '../../integrations/mail/email-sender.js';
import { smppSmsSender } from '../../integrations/sms/sms-sender.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion } from '../../test/factories.js';
import { startSmppPeer, startSmtpPeer } from '../../test/peers.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { deliverJob } from '../notifications/deliver.job.js';

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let smsc: Awaited<ReturnType<typeof startSmppPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  smsc = await startSmppPeer();
  t = await createTestApp(
    {},
    {
      notifier: {
        email: smtpEmailSender(smtp.url, 'Abonent <noreply@abonent.test>'),
        sms: smppSmsSender({ url: smsc.url, systemId: 'abonent', password: 'secret', sender: 'Abonent' }),
      },
    },
  );
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await smsc.close();
});

let ip = 1;
const start = (body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/auth/recovery/start', remoteAddress: `10.7.0.${ip++}`, payload: body });
const deliver = () => new JobWorker(t.app.deps, [deliverJob]).drain();
const codeIn = (text: string) => /(\d{6})/.exec(text)![1]!;

describe('password recovery', () => {
  it('sends a code by SMS over SMPP that sets a new password and ends every session', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, { regionId: region.id, phone: '79110000001' });
    const res = await start({
      regionId: region.id,
      phone: '+7 911 000-00-01',
      account: s.account.number,
      channel: 'sms',
    });
    expect(res.json()).toEqual({ status: 'sent_if_exists', channel: 'sms' });
    await deliver();
    const sms = smsc.messages.find((m) => m.to === '79110000001')!;
    expect(sms.text).toMatch(/Код для восстановления пароля: \d{6}/);
    const code = codeIn(sms.text);
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code, newPassword: 'Recovered-2026' },
    });
    expect(done.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s.auth })).statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { contract: s.contract.number, password: 'Recovered-2026' },
    });
    expect(login.statusCode).toBe(200);
    // Single use.
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code, newPassword: 'Another-2026x' },
    });
    expect(again.json().error.code).toBe('recovery_code_invalid');
  });

  it('sends an e-mail over SMTP with a code and a link that works once', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      phone: '79110000002',
      email: 'reader@example.ru',
    });
    await start({ regionId: region.id, phone: '79110000002', account: s.account.number, channel: 'email' });
    await deliver();
    const mail = smtp.messages.find((m) => m.to === 'reader@example.ru')!;
    expect(mail.subject).toBe('Восстановление пароля');
    const token = /token=([\w-]+)/.exec(mail.text)![1]!;
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { token, newPassword: 'Via-link-2026' },
    });
    expect(ok.statusCode).toBe(200);
    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { token, newPassword: 'Via-link-2027' },
    });
    expect(reuse.statusCode).toBe(400);
  });

  it('answers the same for an unknown account, a wrong phone and a missing e-mail, and sends nothing', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      phone: '79110000003',
      email: null,
    });
    const before = smsc.messages.length + smtp.messages.length;
    const answers = await Promise.all([
      start({ regionId: region.id, phone: '79110000003', account: '000000001', channel: 'sms' }),
      start({ regionId: region.id, phone: '79119999999', account: s.account.number, channel: 'sms' }),
      start({ regionId: region.id, phone: '79110000003', account: s.account.number, channel: 'email' }),
    ]);
    for (const a of answers)
      expect({ status: a.statusCode, body: a.json() }).toEqual({
        status: 200,
        body: { status: 'sent_if_exists', channel: a.json().channel },
      });
    await deliver();
    expect(smsc.messages.length + smtp.messages.length).toBe(before);
  });

  it('refuses an expired code and a code after five wrong tries', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, { regionId: region.id, phone: '79110000004' });
    await start({ regionId: region.id, phone: '79110000004', account: s.account.number, channel: 'sms' });
    await deliver();
    const code = codeIn(smsc.messages.filter((m) => m.to === '79110000004').at(-1)!.text);
    for (let i = 0; i < 5; i++) {
      const wrong = String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/recovery/complete',
        payload: { account: s.account.number, code: wrong, newPassword: 'Good-pass-2026' },
      });
    }
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code, newPassword: 'Good-pass-2026' },
    });
    expect(right.json().error.code).toBe('recovery_code_invalid');

    await start({ regionId: region.id, phone: '79110000004', account: s.account.number, channel: 'sms' });
    await deliver();
    const fresh = codeIn(smsc.messages.filter((m) => m.to === '79110000004').at(-1)!.text);
    await t.database.db.execute(
      sql`update verification_codes set expires_at = now() - interval '1 second' where contract_id = ${s.contract.id}`,
    );
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code: fresh, newPassword: 'Good-pass-2026' },
    });
    expect(expired.json().error.code).toBe('recovery_code_invalid');
  });

  it('limits codes per phone and requests per address', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, { regionId: region.id, phone: '79110000005' });
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(await start({ regionId: region.id, phone: '79110000005', account: s.account.number, channel: 'sms' }));
    expect(codes.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    expect(codes[3]!.json().error.code).toBe('rate_limited');
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/recovery/start',
          remoteAddress: '10.8.8.8',
          payload: {
            regionId: region.id,
            phone: `7911100${String(i).padStart(4, '0')}`,
            account: `12345${i}`,
            channel: 'sms',
          },
        })
      ).statusCode;
    }
    expect(last).toBe(429);
  });

  it('completes with the same answer, after the same work, for a real and an unknown account', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, { regionId: region.id, phone: '79110000006' });
    const complete = (account: string, newPassword: string, ip = '10.6.6.6') =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/recovery/complete',
        remoteAddress: ip,
        headers: { 'accept-language': 'en' },
        payload: { account, code: '123456', newPassword },
      });
    const answer = (r: Awaited<ReturnType<typeof complete>>) => ({ status: r.statusCode, body: r.json() });
    // A weak password: the same refusal whoever asks, before anything about the account is known.
    expect(answer(await complete(s.account.number, 'short'))).toEqual(answer(await complete('000000001', 'short')));
    // A good password with a wrong code: one answer for both, and both hash the password first.
    const real: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t0 = performance.now();
      const a = await complete(s.account.number, 'Strong-pass-2026', `10.6.7.${i}`);
      real.push(performance.now() - t0);
      t0 = performance.now();
      const b = await complete('000000001', 'Strong-pass-2026', `10.6.8.${i}`);
      unknown.push(performance.now() - t0);
      expect(answer(a)).toEqual(answer(b));
      expect(a.json().error.code).toBe('recovery_code_invalid');
    }
    // Timing class: the medians of interleaved tries are of one order (an unknown account used to
    // answer five times faster, before the password hash).
    const median = (x: number[]) => x.sort((p, q) => p - q)[2]!;
    expect(median(unknown) / median(real)).toBeGreaterThan(0.4);
  });

  it('limits refused completions per address', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/recovery/complete',
        remoteAddress: '10.6.9.9',
        payload: { account: `00000${100 + i}`, code: '123456', newPassword: 'Strong-pass-2026' },
      });
      codes.push(r.json().error.code);
    }
    expect(codes.slice(0, 19).every((c) => c === 'recovery_code_invalid')).toBe(true);
    expect(codes.slice(19)).toEqual(['rate_limited', 'rate_limited']);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      remoteAddress: '10.6.9.10',
      payload: { account: '000000999', code: '123456', newPassword: 'Strong-pass-2026' },
    });
    expect(elsewhere.json().error.code).toBe('recovery_code_invalid');
  });

  it('tells only a holder of a valid code that the password contains the contract number, and keeps the code', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, { regionId: region.id, phone: '79110000007' });
    await start({ regionId: region.id, phone: '79110000007', account: s.account.number, channel: 'sms' });
    await deliver();
    const code = codeIn(smsc.messages.filter((m) => m.to === '79110000007').at(-1)!.text);
    const withLogin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code, newPassword: `x1${s.contract.number}` },
    });
    expect(withLogin.json().error.code).toBe('weak_password');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/recovery/complete',
      payload: { account: s.account.number, code, newPassword: 'Recovered-2027' },
    });
    expect(ok.statusCode).toBe(200);
  });
});
