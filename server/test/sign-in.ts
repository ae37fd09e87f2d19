import type { FastifyInstance } from 'fastify';

import type { Db } from '../db/client.js';
import { hashPassword } from '../modules/auth/passwords.js';
import { buildSubscriber, type BuildSubscriberOptions } from './factories.js';

/** A subscriber with a password, signed in through the real login route; `auth` is the bearer header. */
export async function signedInSubscriber(app: FastifyInstance, db: Db, o: BuildSubscriberOptions = {}) {
  const password = 'Test-pass-2026';
  const s = await buildSubscriber(db, { passwordHash: await hashPassword(password), ...o });
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { contract: s.contract.number, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  const token = res.json().token as string;
  return { ...s, password, token, auth: { authorization: `Bearer ${token}` } };
}
