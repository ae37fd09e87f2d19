import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS, parseRubles } from '../../../common/money.js';
import { parsePaymentAmount as parseAmount } from '../../../common/payment-amount.js';
import type { AppDeps } from '../../deps.js';
import { verifyTbankToken } from '../../integrations/acquiring/tbank-token.js';
import { requireSubscriber, subscriberAccountId } from '../../plugins/auth.js';
import { baseUrlOf } from '../../plugins/base-url.js';
import { addressKey } from '../auth/attempts.js';
import { assertNotLocked, countEvent } from '../auth/rate-limit.js';
import { settleCardRefundByExternalId } from '../finance/refund-card-payment.js';
import { deleteCard, disableAutopay, getAutopay, listCards, setAutopay } from './autopay-settings.js';
import { createTopUp } from './create-top-up.js';
import { findPayer } from './find-payer.js';
import { paymentOptions } from './get-provider.js';
import { handleNotification } from './handle-notification.js';
import { handleTbankNotification } from './handle-tbank-notification.js';
import { getOwnPayment, getPaymentStatus, listPayments } from './list-payments.js';
import * as s from './payments.schemas.js';
import { getPromisedPayment, takePromisedPayment } from './promised-payment.js';
import { quoteMonths } from './quote-months.js';
import { refreshPendingPayment } from './refresh-payment.js';
import { testAcquirerRoutes } from './test-acquirer.routes.js';
import { parseAllowList, WebhookGuard, YOOKASSA_NETWORKS } from './webhook-guard.js';

const security = [{ bearer: [] }];
const tags = ['payments'];
/**
 * Everything a stranger can try by account number — the payer lookup and starting a public top-up —
 * counts against one limit per address: 30 tries in 10 minutes, then 10 minutes of 429.
 */
const PAYER_LIMIT = { limit: 30, windowSeconds: 600, lockSeconds: 600 };

function parseThreshold(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const k = typeof v === 'number' ? v : parseRubles(v);
  if (k === null || !Number.isSafeInteger(k) || Math.abs(k) > MAX_PAYMENT_KOPECKS)
    throw new AppError('validation_failed', { details: 'threshold' });
  return k;
}

/**
 * Card payments: cabinet top-up, public top-up by account number, provider webhooks, the built-in test
 * acquirer's card page, saved cards, autopay and promised payment. The account always comes from the
 * session (or, on the public page, from the account number typed by the payer).
 */
export const paymentsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  // Webhook signatures are over the exact bytes sent: keep the raw body next to the parsed one.
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => {
    (req as unknown as { rawBody: string }).rawBody = body as string;
    if (!body) return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      (e as { statusCode?: number }).statusCode = 400;
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.get(
    '/api/me/payments',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Payment history with status and receipt links',
        security,
        response: { 200: s.paymentsResponse },
      },
    },
    async (req) => ({ payments: await listPayments(db, subscriberAccountId(req)) }),
  );

  app.get(
    '/api/me/payments/quote',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: '"Pay N months": amount and prepay bonus before paying',
        security,
        querystring: s.quoteQuery,
        response: { 200: s.quoteResponse },
      },
    },
    async (req) => quoteMonths(db, subscriberAccountId(req), req.query.months),
  );

  app.post(
    '/api/me/payments',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary:
          'Start a top-up (amount or months) by card or SBP; returns the card page URL, or for SBP a QR payload (desktop) or the bank-app link (phone)',
        security,
        body: s.topUpBody,
        response: { 200: s.topUpResponse },
      },
    },
    async (req) =>
      createTopUp(db, deps, {
        accountId: subscriberAccountId(req),
        amount: req.body.amount === undefined ? undefined : parseAmount(req.body.amount),
        months: req.body.months,
        saveMethod: req.body.saveCard,
        method: req.body.method,
        device: req.body.device,
        from: 'cabinet',
        baseUrl: baseUrlOf(req, deps.config),
      }),
  );

  app.get(
    '/api/me/payments/:id',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary:
          'Status of one own payment (polled after the card page or while an SBP QR is shown; a pending one is asked at its provider)',
        security,
        params: s.idParams,
        response: { 200: s.paymentStatusResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      if (!(await getOwnPayment(db, accountId, req.params.id))) throw new AppError('payment_not_found');
      await refreshPendingPayment(db, deps, req.params.id); // the payer is waiting: ask the provider now
      const p = await getOwnPayment(db, accountId, req.params.id);
      return p!;
    },
  );

  app.get(
    '/api/me/payments/options',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'How the subscriber can pay in their region: card, SBP',
        security,
        response: { 200: s.paymentOptionsResponse },
      },
    },
    async (req) => {
      const o = await paymentOptions(db, deps, subscriberAccountId(req));
      return { card: o.card, sbp: o.sbp };
    },
  );

  app.get(
    '/api/public/accounts/:number/payer',
    {
      schema: {
        tags,
        summary: 'Masked holder name of an account before paying (rate-limited)',
        params: s.payerParams,
        response: { 200: s.payerResponse },
      },
    },
    async (req) => {
      const key = `payer:${addressKey(req.ip)}`;
      await assertNotLocked(db, [key]);
      await countEvent(db, key, PAYER_LIMIT);
      const p = await findPayer(db, req.params.number);
      const o = await paymentOptions(db, deps, p.accountId);
      return { account: p.account, holder: p.holder, sbp: o.sbp };
    },
  );

  app.post(
    '/api/public/payments',
    {
      schema: {
        tags,
        summary:
          'Start a top-up (card, or SBP where offered) by account number without signing in (rate-limited with the payer lookup)',
        body: s.publicTopUpBody,
        response: { 200: s.publicTopUpResponse },
      },
    },
    async (req) => {
      const key = `payer:${addressKey(req.ip)}`;
      await assertNotLocked(db, [key]);
      await countEvent(db, key, PAYER_LIMIT);
      const amount = parseAmount(req.body.amount);
      const p = await findPayer(db, req.body.account);
      const r = await createTopUp(db, deps, {
        accountId: p.accountId,
        amount,
        method: req.body.method,
        device: req.body.device,
        from: 'public',
        baseUrl: baseUrlOf(req, deps.config),
      });
      return {
        publicId: r.publicId,
        amount: r.amount,
        method: r.method,
        confirmationUrl: r.confirmationUrl,
        qr: r.qr,
      };
    },
  );

  app.get(
    '/api/public/payments/:publicId',
    {
      schema: {
        tags,
        summary: 'Status of a public top-up by its public id (no amount, no account)',
        params: s.publicIdParams,
        response: { 200: s.publicPaymentStatusResponse },
      },
    },
    async (req) => {
      const p = await getPaymentStatus(db, req.params.publicId);
      if (!p) throw new AppError('payment_not_found');
      return p;
    },
  );

  // Provider notifications: only the id is used; the payment is re-fetched from the provider.
  // The test acquirer (development and tests only: never built or routed in production) has its own
  // webhook and card pages, on this plugin's raw-body parser.
  if (deps.acquirers.test_acquirer) await app.register(testAcquirerRoutes, deps);

  // YooKassa signs nothing: its notifications are taken only from its published networks, throttled,
  // and then only their id is used (the object is fetched from the API).
  const yookassaGuard = new WebhookGuard({
    allow: parseAllowList(deps.config.YOOKASSA_WEBHOOK_ALLOW, YOOKASSA_NETWORKS),
    perMinute: deps.config.WEBHOOK_RATE_PER_MINUTE,
  });
  app.post(
    '/api/payments/webhooks/yookassa',
    {
      onRequest: async (req) => yookassaGuard.check(req.ip),
      schema: {
        tags,
        summary:
          'YooKassa notification (payment.* or refund.*) from its published networks only (YOOKASSA_WEBHOOK_ALLOW), throttled; only the id is used, the status is re-fetched from the API',
        body: s.webhookBody,
        response: { 200: s.okResponse },
      },
    },
    async (req) => {
      if (!deps.acquirers.yookassa) throw new AppError('payment_provider_unavailable');
      // refund.succeeded / refund.canceled carry a refund; everything else a payment. Either way only the
      // id is used and the object is fetched from the API.
      if (req.body.event?.startsWith('refund.'))
        await settleCardRefundByExternalId(db, deps, 'yookassa', req.body.object.id);
      else await handleNotification(db, deps, 'yookassa', req.body.object.id);
      return { ok: true };
    },
  );

  // T-Bank signs its notifications (Token: SHA-256 of the sorted values + Password): one that does not
  // verify is refused before anything is read or asked. T-Bank expects the body "OK".
  const tbankGuard = new WebhookGuard({ allow: null, perMinute: deps.config.WEBHOOK_RATE_PER_MINUTE });
  app.post(
    '/api/payments/webhooks/tbank',
    {
      onRequest: async (req) => tbankGuard.check(req.ip),
      schema: {
        tags,
        summary:
          'T-Bank notification: its Token must verify with the terminal password; the status is re-read with GetState; answers "OK"',
        body: s.tbankNotificationBody,
        produces: ['text/plain'],
        response: { 200: s.tbankOkResponse },
      },
    },
    async (req, reply) => {
      const password = deps.config.TBANK_PASSWORD;
      if (!deps.acquirers.tbank || !password) throw new AppError('payment_provider_unavailable');
      const n = req.body as Record<string, unknown>;
      if (n.TerminalKey !== deps.config.TBANK_TERMINAL_KEY || !verifyTbankToken(n, password))
        throw new AppError('bad_signature');
      await handleTbankNotification(db, deps, req.body);
      return reply.type('text/plain; charset=utf-8').send('OK');
    },
  );

  app.get(
    '/api/me/cards',
    {
      preValidation: requireSubscriber(),
      schema: { tags, summary: 'Saved cards', security, response: { 200: s.cardsResponse } },
    },
    async (req) => ({ cards: await listCards(db, subscriberAccountId(req)) }),
  );
  app.delete(
    '/api/me/cards/:id',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Forget a saved card (turns off autopay using it)',
        security,
        params: s.idParams,
        response: { 200: s.okResponse },
      },
    },
    async (req) => {
      await deleteCard(db, subscriberAccountId(req), req.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/me/autopay',
    {
      preValidation: requireSubscriber(),
      schema: { tags, summary: 'Autopay settings', security, response: { 200: s.autopayResponse } },
    },
    async (req) => ({ autopay: await getAutopay(db, subscriberAccountId(req)) }),
  );
  app.put(
    '/api/me/autopay',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Turn on or change autopay',
        security,
        body: s.autopayBody,
        response: { 200: s.autopayResponse },
      },
    },
    async (req) => ({
      autopay: await setAutopay(db, subscriberAccountId(req), {
        methodId: req.body.methodId,
        mode: req.body.mode,
        dayOfMonth: req.body.dayOfMonth,
        threshold: parseThreshold(req.body.threshold),
        amount: parseAmount(req.body.amount),
        monthlyLimit: parseAmount(req.body.monthlyLimit),
      }),
    }),
  );
  app.delete(
    '/api/me/autopay',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Turn autopay off (cancel link target)',
        security,
        response: { 200: s.autopayResponse },
      },
    },
    async (req) => {
      await disableAutopay(db, subscriberAccountId(req), 'canceled_by_subscriber');
      return { autopay: await getAutopay(db, subscriberAccountId(req)) };
    },
  );

  app.get(
    '/api/me/promised-payment',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Promised payment: available, max amount, or why not',
        security,
        response: { 200: s.promisedView },
      },
    },
    async (req) => getPromisedPayment(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/promised-payment',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Take a promised payment (up to a month fee, 5 days)',
        security,
        body: s.promisedBody,
        response: { 200: s.promisedTaken },
      },
    },
    async (req) =>
      takePromisedPayment(
        db,
        subscriberAccountId(req),
        req.body.amount === undefined ? undefined : parseAmount(req.body.amount),
      ),
  );
};
