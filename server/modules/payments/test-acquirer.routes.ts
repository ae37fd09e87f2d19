import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError, type Lang } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import { type TestAcquirer, verifyTestAcquirer } from '../../integrations/acquiring/test-acquirer.js';
import { handleNotification } from './handle-notification.js';
import * as s from './payments.schemas.js';
import { type CardOutcome, submitTestCard, submitThreeDs } from './submit-test-card.js';
import { PAGE_STYLE_HASH, renderCardForm, renderDone, renderThreeDs } from './test-acquirer-page.js';
import { testAcquirerSecret } from './test-acquirer-secret.js';

const tags = ['payments'];

/**
 * The built-in test acquirer's webhook and hosted card pages. Registered by the payments routes (whose
 * raw-body parser the webhook's HMAC needs) only when the test acquirer exists, that is never in
 * production: there its card page would credit balances with no money moving (docs/security.md).
 */
export const testAcquirerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.post(
    '/api/payments/webhooks/test-acquirer',
    {
      schema: {
        tags,
        summary: 'Test acquirer notification (HMAC-SHA256 in X-Signature)',
        body: s.webhookBody,
        response: { 200: s.okResponse },
      },
    },
    async (req) => {
      const raw = (req as unknown as { rawBody?: string }).rawBody ?? '';
      if (!verifyTestAcquirer(testAcquirerSecret(deps.config), raw, req.headers['x-signature'] as string | undefined))
        throw new AppError('bad_signature');
      await handleNotification(db, deps, 'test_acquirer', req.body.object.id);
      return { ok: true };
    },
  );

  // The test acquirer's hosted card page (plays the bank's page).
  const acq = () => deps.acquirers.test_acquirer as TestAcquirer | undefined;
  const langOf = (q: unknown): Lang => ((q as { lang?: string })?.lang === 'en' ? 'en' : 'ru');
  const answer = (reply: FastifyReply, lang: Lang, id: string, o: CardOutcome, amount: number, threeDs = false) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (o.kind === 'gone') return reply.code(404).send('Not found');
    if (o.kind === 'done') return reply.redirect(o.returnUrl, 303);
    if (o.kind === '3ds') return reply.send(renderThreeDs(lang, { id }));
    return reply
      .code(400)
      .send(
        threeDs
          ? renderThreeDs(lang, { id, error: o.message })
          : renderCardForm(lang, { id, amount, error: o.message }),
      );
  };
  // The card page's own <style> is allowed by its hash on top of the site-wide policy.
  const pagePolicy = { styleSrc: [PAGE_STYLE_HASH] };
  app.get(
    '/pay/test-acquirer/:id',
    {
      pagePolicy,
      schema: {
        tags,
        summary: 'Test acquirer card page',
        params: s.cardPageParams,
        querystring: s.cardPageQuery,
        produces: ['text/html'],
        response: s.cardPageResponses,
      },
    },
    async (req, reply) => {
      const row = await acq()?.pending(req.params.id);
      if (!row) return reply.code(404).type('text/plain').send('Not found');
      const lang = langOf(req.query);
      if (row.status !== 'pending')
        return reply.type('text/html; charset=utf-8').send(renderDone(lang, row.return_url));
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(renderCardForm(lang, { id: row.id, amount: row.amount }));
    },
  );
  app.post(
    '/pay/test-acquirer/:id',
    {
      pagePolicy,
      schema: {
        tags,
        summary: 'Test acquirer: submit the card',
        params: s.cardPageParams,
        querystring: s.cardPageQuery,
        consumes: ['application/x-www-form-urlencoded'],
        body: s.cardForm,
        produces: ['text/html'],
        response: s.cardPageResponses,
      },
    },
    async (req, reply) => {
      const a = acq();
      const row = await a?.pending(req.params.id);
      if (!a || !row) return reply.code(404).type('text/plain').send('Not found');
      const lang = langOf(req.query);
      return answer(reply, lang, row.id, await submitTestCard(db, a, row.id, req.body, lang), row.amount);
    },
  );
  app.post(
    '/pay/test-acquirer/:id/3ds',
    {
      pagePolicy,
      schema: {
        tags,
        summary: 'Test acquirer: 3-D Secure code',
        params: s.cardPageParams,
        querystring: s.cardPageQuery,
        consumes: ['application/x-www-form-urlencoded'],
        body: s.threeDsForm,
        produces: ['text/html'],
        response: s.cardPageResponses,
      },
    },
    async (req, reply) => {
      const a = acq();
      const row = await a?.pending(req.params.id);
      if (!a || !row) return reply.code(404).type('text/plain').send('Not found');
      const lang = langOf(req.query);
      return answer(reply, lang, row.id, await submitThreeDs(db, a, row.id, req.body.code, lang), row.amount, true);
    },
  );
};
