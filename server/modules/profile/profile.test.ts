import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { smtpEmailSender } from '../../integrations/mail/email-sender.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { startSmtpPeer } from '../../test/peers.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { deliverJob } from '../notifications/deliver.job.js';

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  t = await createTestApp({}, { notifier: { email: smtpEmailSender(smtp.url, 'noreply@abonent.test'), sms: null } });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('profile', () => {
  it('urges filling missing contacts and changes the e-mail only after the code sent to it comes back', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { email: null });
    const p = (await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: s.auth })).json();
    expect(p).toMatchObject({ account: s.account.number, email: null, missingContacts: ['email'] });
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/start',
      headers: s.auth,
      payload: { kind: 'email', value: 'new@example.ru', password: s.password },
    });
    expect(started.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: s.auth })).json().email).toBeNull();
    await new JobWorker(t.app.deps, [deliverJob]).drain();
    const code = /(\d{6})/.exec(smtp.messages.find((m) => m.to === 'new@example.ru')!.text)![1]!;
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/confirm',
      headers: s.auth,
      payload: { kind: 'email', code: code === '000000' ? '000001' : '000000' },
    });
    expect(wrong.json().error.code).toBe('contact_code_invalid');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/confirm',
      headers: s.auth,
      payload: { kind: 'email', code },
    });
    expect(ok.json()).toMatchObject({ email: 'new@example.ru', missingContacts: [] });
  });

  it('refuses bad contacts and keeps each subscriber to their own profile', async () => {
    const a = await signedInSubscriber(t.app, t.database.db);
    const b = await signedInSubscriber(t.app, t.database.db);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/start',
      headers: a.auth,
      payload: { kind: 'phone', value: '123', password: a.password },
    });
    expect(bad.statusCode).toBe(400);
    const pa = (await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: a.auth })).json();
    const pb = (await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: b.auth })).json();
    expect(pa.account).toBe(a.account.number);
    expect(pb.account).toBe(b.account.number);
    const prefs = await t.app.inject({
      method: 'PATCH',
      url: '/api/me/profile/preferences',
      headers: a.auth,
      payload: { sms: false, lang: 'en' },
    });
    expect(prefs.json().preferences).toEqual({ email: true, sms: false, lang: 'en' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: b.auth })).json().preferences.sms,
    ).toBe(true);
  });
});
