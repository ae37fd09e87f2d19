import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { kopecksToDecimal, parseDecimalAmount } from '../../../common/money.js';

type Status = 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';

interface Amount {
  value: string;
  currency: string;
}
interface FakePayment {
  id: string;
  status: Status;
  amount: Amount;
  description?: string;
  created_at: string;
  paid: boolean;
  confirmation?:
    { type: 'redirect'; confirmation_url: string; return_url: string } | { type: 'qr'; confirmation_data: string };
  payment_method?: { type: 'bank_card' | 'sbp'; id: string; saved: boolean; title: string };
  metadata?: Record<string, string>;
  cancellation_details?: { party: string; reason: string };
  /** Internal: the payer asked to save the card. */
  save: boolean;
  /** Internal: refunded so far, kopecks. */
  refunded: number;
}
interface FakeRefund {
  id: string;
  payment_id: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: Amount;
  description?: string;
  created_at: string;
  cancellation_details?: { party: string; reason: string };
}

/**
 * How the next POST is answered — YooKassa on a bad day (https://yookassa.ru/developers/using-api/
 * response-handling/recommendations, …/http-codes):
 * - `ok`: processed, 200 with the object (a charge of a saved card succeeds, or is canceled if the card
 *   was told to decline);
 * - `pending`: processed, 200 with status pending (the bank has not decided; `settle()` later);
 * - `500`: processed, then 500 "result unknown" (the worst case: it did happen);
 * - `500-before`: 500 without doing anything;
 * - `timeout`: processed, but the answer is held past the client's timeout;
 * - `202`: processed, 202 {type: processing, retry_after} (a repeat with the key gets the object);
 * - refunds also `canceled` (200, status canceled) and `400` (refused: invalid_request).
 */
export type PostAnswer = 'ok' | 'pending' | '500' | '500-before' | 'timeout' | '202' | 'canceled' | '400';

const KEY_LIFE_MS = 24 * 3600_000;
/** Who cancels, per YooKassa's reasons table: YooKassa itself for these, otherwise a payment network. */
const PARTY: Record<string, string> = {
  fraud_suspected: 'yoo_money',
  internal_timeout: 'yoo_money',
  permission_revoked: 'yoo_money',
  identification_required: 'yoo_money',
  canceled_by_merchant: 'merchant',
  expired_on_capture: 'merchant',
};
const AMOUNT = /^\d{1,10}\.\d{2}$/;

const kop = (a: Amount) => parseDecimalAmount(a.value) ?? 0;
const rub = kopecksToDecimal;

/**
 * A local fake of the YooKassa API v3 — the parts Abonent uses, with the rules the real one enforces:
 * HTTP Basic auth; an Idempotence-Key (≤ 64 characters) on every POST, kept 24 hours: the same key with
 * the same body answers the same object (in its current state), with another body 400; amounts as
 * "123.45" RUB; description ≤ 128 (payments) / 250 (refunds); metadata ≤ 16 keys of ≤ 32 characters with
 * values ≤ 512; a payment needs a redirect confirmation with return_url or a saved payment_method_id
 * (an unknown one: 400); a refund only of a succeeded payment and at most what is left of it (400).
 * GET /payments/{id}, /refunds/{id}, and the lists GET /payments and /refunds (created_at.gte/lte,
 * payment_id, limit ≤ 100, cursor; newest first). Tests move payments as the payer would (`succeed`,
 * `cancel`), decide pending ones (`settle`), script the next answers (`plan`) and move the clock.
 */
export async function startFakeYooKassa(opts: {
  shopId: string;
  secretKey: string;
  holdMs?: number;
  retryAfterMs?: number;
  /** The shop's SBP limit (YooKassa: 700 000 ₽ unless raised through the manager). */
  sbpMaxKopecks?: number;
  /** A test shop: every object carries `test: true` (no money moves). Default: a live shop. */
  test?: boolean;
  /** Where YooKassa sends notifications (the shop's HTTP-notification URL); settable later as `notifyUrl`. */
  notifyUrl?: string;
}) {
  const payments = new Map<string, FakePayment>();
  const refunds = new Map<string, FakeRefund>();
  const keys = new Map<string, { at: number; bodyHash: string; kind: 'payment' | 'refund'; id: string | null }>();
  const savedMethods = new Set<string>();
  /** Saved methods whose charges the issuer declines, with the reason YooKassa gives. */
  const declining = new Map<string, string>();
  const requests: { method: string; path: string; key?: string; status: number }[] = [];
  const plan = { payments: [] as PostAnswer[], refunds: [] as PostAnswer[], gets: [] as ('ok' | '500')[] };
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  const auth = `Basic ${Buffer.from(`${opts.shopId}:${opts.secretKey}`).toString('base64')}`;
  const held = new Set<ServerResponse>();
  let base = '';
  const hooks = { notifyUrl: opts.notifyUrl ?? '', sent: [] as { event: string; id: string; status: number }[] };

  /** YooKassa's notification: POST {type, event, object} to the shop's URL (from this fake's address). */
  async function notify(p: FakePayment) {
    if (!hooks.notifyUrl) return;
    const event = `payment.${p.status}`;
    const res = await fetch(hooks.notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'notification', event, object: paymentView(p) }),
    }).catch(() => null);
    hooks.sent.push({ event, id: p.id, status: res?.status ?? 0 });
  }

  /** An SBP payment not confirmed within its hour is canceled (expired_on_confirmation). */
  function expireSbp(p: FakePayment) {
    if (
      p.payment_method?.type === 'sbp' &&
      p.status === 'pending' &&
      now().getTime() - Date.parse(p.created_at) > 3600_000
    )
      decide(p, 'canceled', 'expired_on_confirmation');
  }

  /** The payer's bank app, opened from the QR code or the redirect: pay or decline. */
  function bankApp(method: string, path: string, res: ServerResponse): boolean {
    const m = /^\/sbp\/([^/]+)(\/pay|\/decline)?$/.exec(path);
    if (!m) return false;
    const p = payments.get(decodeURIComponent(m[1]!));
    const html = (code: number, body: string) =>
      res
        .writeHead(code, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,"><title>Банк — оплата по СБП</title></head><body>${body}</body></html>`,
        );
    if (!p || p.payment_method?.type !== 'sbp') return (html(404, '<p>Платёж не найден</p>'), true);
    expireSbp(p);
    if (method === 'GET' && !m[2]) {
      if (p.status !== 'pending') return (html(200, `<p data-status="${p.status}">Платёж уже обработан</p>`), true);
      return (
        html(
          200,
          `<h1>Оплата по СБП</h1><p>Получатель: интернет-провайдер</p><p>Сумма: <b data-amount>${p.amount.value} ₽</b></p>
           <form method="post" action="/sbp/${p.id}/pay"><button type="submit">Оплатить</button></form>
           <form method="post" action="/sbp/${p.id}/decline"><button type="submit">Отказаться</button></form>`,
        ),
        true
      );
    }
    if (method !== 'POST' || p.status !== 'pending') return (html(409, '<p>Платёж уже обработан</p>'), true);
    decide(p, m[2] === '/pay' ? 'succeeded' : 'canceled', 'expired_on_confirmation');
    void notify(p).then(() => {
      if (p.confirmation?.type === 'redirect') res.writeHead(303, { location: p.confirmation.return_url }).end();
      else html(200, `<p data-status="${p.status}">${p.status === 'succeeded' ? 'Оплачено' : 'Отменено'}</p>`);
    });
    return true;
  }

  const error = (code: string, description: string) => ({ type: 'error', id: randomUUID(), code, description });
  const paymentView = (p: FakePayment) => {
    const { save: _s, refunded, ...rest } = p;
    return { ...rest, refunded_amount: { value: rub(refunded), currency: 'RUB' }, test: opts.test ?? false };
  };
  const refundView = (r: FakeRefund) => ({ ...r, test: opts.test ?? false });

  function validAmount(a: unknown): a is Amount {
    return (
      typeof a === 'object' &&
      a !== null &&
      AMOUNT.test(String((a as Amount).value)) &&
      (a as Amount).currency === 'RUB' &&
      kop(a as Amount) > 0
    );
  }
  function validMetadata(m: unknown): boolean {
    if (m === undefined) return true;
    if (typeof m !== 'object' || m === null) return false;
    const e = Object.entries(m);
    return e.length <= 16 && e.every(([k, v]) => k.length <= 32 && typeof v === 'string' && v.length <= 512);
  }

  function createPayment(json: Record<string, unknown>, answer: PostAnswer): FakePayment | string {
    if (!validAmount(json.amount)) return 'amount';
    if (typeof json.description === 'string' && json.description.length > 128) return 'description';
    if (!validMetadata(json.metadata)) return 'metadata';
    const pmd = json.payment_method_data as { type?: unknown } | undefined;
    if (
      pmd !== undefined &&
      (typeof pmd !== 'object' || pmd === null || !['bank_card', 'sbp'].includes(String(pmd.type)))
    )
      return 'payment_method_data';
    if (pmd !== undefined && json.payment_method_id !== undefined) return 'payment_method_data';
    const sbp = pmd?.type === 'sbp';
    if (sbp) {
      // SBP (YooKassa, "Система быстрых платежей"): one stage only, 1 ₽ … 700 000 ₽ a payment, saved only
      // where the shop has SBP autopayments enabled, confirmed by redirect or a QR code.
      if (json.capture !== true) return 'capture';
      const k = kop(json.amount);
      if (k < 100 || k > (opts.sbpMaxKopecks ?? 70_000_000)) return 'amount';
      if (json.save_payment_method === true) return 'save_payment_method';
    }
    const id = randomUUID();
    const p: FakePayment = {
      id,
      status: 'pending',
      paid: false,
      amount: json.amount,
      description: json.description as string | undefined,
      created_at: now().toISOString(),
      metadata: json.metadata as Record<string, string> | undefined,
      save: json.save_payment_method === true,
      refunded: 0,
    };
    const methodId = json.payment_method_id;
    if (typeof methodId === 'string') {
      if (!savedMethods.has(methodId)) return 'payment_method_id';
      p.payment_method = { type: 'bank_card', id: methodId, saved: true, title: 'Bank card *4444' };
      const declined = declining.get(methodId);
      if (answer !== 'pending') decide(p, declined ? 'canceled' : 'succeeded', declined);
    } else if (sbp) {
      const c = json.confirmation as { type?: string; return_url?: string } | undefined;
      p.payment_method = { type: 'sbp', id: randomUUID(), saved: false, title: 'СБП' };
      // The QR carries the NSPK payment link the bank app opens; here, the fake's own "bank app" page.
      if (c?.type === 'qr') p.confirmation = { type: 'qr', confirmation_data: `${base}/sbp/${id}` };
      else if (c?.type === 'redirect' && typeof c.return_url === 'string')
        p.confirmation = { type: 'redirect', return_url: c.return_url, confirmation_url: `${base}/sbp/${id}` };
      else return 'confirmation';
    } else {
      const c = json.confirmation as { type?: string; return_url?: string } | undefined;
      // A card is confirmed on YooKassa's page: no QR for cards.
      if (c?.type !== 'redirect' || typeof c.return_url !== 'string') return 'confirmation';
      p.confirmation = {
        type: 'redirect',
        return_url: c.return_url,
        confirmation_url: `https://yoomoney.example/checkout/${id}`,
      };
    }
    payments.set(id, p);
    return p;
  }

  function decide(p: FakePayment, status: 'succeeded' | 'canceled', reason = 'insufficient_funds') {
    p.status = status;
    p.paid = status === 'succeeded';
    if (status === 'canceled') p.cancellation_details = { party: PARTY[reason] ?? 'payment_network', reason };
  }

  function createRefund(json: Record<string, unknown>, answer: PostAnswer): FakeRefund | string {
    const p = typeof json.payment_id === 'string' ? payments.get(json.payment_id) : undefined;
    if (!p) return 'payment_id';
    if (!validAmount(json.amount)) return 'amount';
    if (typeof json.description === 'string' && json.description.length > 250) return 'description';
    if (p.status !== 'succeeded') return 'payment_id';
    const amount = kop(json.amount);
    if (p.refunded + amount > kop(p.amount)) return 'amount';
    const r: FakeRefund = {
      id: randomUUID(),
      payment_id: p.id,
      status: answer === 'pending' ? 'pending' : answer === 'canceled' ? 'canceled' : 'succeeded',
      amount: json.amount,
      description: json.description as string | undefined,
      created_at: now().toISOString(),
    };
    if (r.status === 'canceled') r.cancellation_details = { party: 'yoo_money', reason: 'rejected_by_payee' };
    if (r.status !== 'canceled') p.refunded += amount; // a pending refund holds its amount
    refunds.set(r.id, r);
    return r;
  }

  function list<T extends { created_at: string }>(items: T[], q: URLSearchParams) {
    const gte = q.get('created_at.gte');
    const lte = q.get('created_at.lte');
    const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 10)));
    const from = Number(q.get('cursor') ?? 0);
    const all = items
      .filter((x) => (!gte || x.created_at >= gte) && (!lte || x.created_at <= lte))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    const page = all.slice(from, from + limit);
    return {
      type: 'list',
      items: page,
      ...(from + limit < all.length ? { next_cursor: String(from + limit) } : {}),
    };
  }

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const key = req.headers['idempotence-key'] as string | undefined;
      const log = { method: req.method!, path: url.pathname, key, status: 0 };
      requests.push(log);
      const send = (code: number, obj: unknown) => {
        log.status = code;
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
      };
      if (bankApp(req.method!, url.pathname, res)) return;
      if (req.headers.authorization !== auth)
        return send(401, error('invalid_credentials', 'Login or password incorrect'));

      if (req.method === 'GET') {
        if (plan.gets.shift() === '500') return send(500, error('internal_server_error', 'Try again later'));
        const one = /^\/v3\/(payments|refunds)\/([^/]+)$/.exec(url.pathname);
        if (one) {
          const obj =
            one[1] === 'payments'
              ? payments.get(decodeURIComponent(one[2]!))
              : refunds.get(decodeURIComponent(one[2]!));
          if (!obj) return send(404, error('not_found', 'Object not found'));
          if (one[1] === 'payments') expireSbp(obj as FakePayment);
          return send(200, one[1] === 'payments' ? paymentView(obj as FakePayment) : refundView(obj as FakeRefund));
        }
        if (url.pathname === '/v3/payments')
          return send(200, list([...payments.values()].map(paymentView), url.searchParams));
        if (url.pathname === '/v3/refunds') {
          const pid = url.searchParams.get('payment_id');
          return send(
            200,
            list([...refunds.values()].filter((r) => !pid || r.payment_id === pid).map(refundView), url.searchParams),
          );
        }
        return send(404, error('not_found', 'Unknown path'));
      }

      if (req.method !== 'POST') return send(405, error('invalid_request', 'Method not allowed'));
      const kind = url.pathname === '/v3/payments' ? 'payment' : url.pathname === '/v3/refunds' ? 'refund' : null;
      if (!kind) return send(404, error('not_found', 'Unknown path'));
      if (!key) return send(400, error('invalid_request', 'Idempotence-Key header is required'));
      if (key.length > 64) return send(400, error('invalid_request', 'Idempotence-Key is longer than 64 characters'));
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(400, error('invalid_request', 'Body is not JSON'));
      }
      const answer = (kind === 'payment' ? plan.payments : plan.refunds).shift() ?? 'ok';
      if (answer === '500-before') return send(500, error('internal_server_error', 'Try again later'));
      if (answer === '400') return send(400, error('invalid_request', 'The refund cannot be made'));

      // The key: 24 hours of the same answer for the same body; a different body is an error.
      const bodyHash = createHash('sha256').update(body).digest('hex');
      const t = now().getTime();
      for (const [k, v] of keys) if (t - v.at > KEY_LIFE_MS) keys.delete(k);
      const seen = keys.get(key);
      let obj: FakePayment | FakeRefund | undefined;
      if (seen) {
        if (seen.bodyHash !== bodyHash || seen.kind !== kind)
          return send(400, error('invalid_request', 'Idempotence key duplicated with another request'));
        obj = seen.id ? (kind === 'payment' ? payments.get(seen.id) : refunds.get(seen.id)) : undefined;
        if (!obj) return send(400, error('invalid_request', 'The first request with this key was refused'));
      } else {
        const made = kind === 'payment' ? createPayment(json, answer) : createRefund(json, answer);
        if (typeof made === 'string') {
          return send(400, { ...error('invalid_request', `Invalid ${made}`), parameter: made });
        }
        keys.set(key, { at: t, bodyHash, kind, id: made.id });
        obj = made;
      }
      const view = () => (kind === 'payment' ? paymentView(obj as FakePayment) : refundView(obj as FakeRefund));
      if (answer === '500') return send(500, error('internal_server_error', 'Try again later'));
      if (answer === '202')
        return send(202, {
          type: 'processing',
          description: 'Request accepted for processing',
          retry_after: opts.retryAfterMs ?? 1800,
        });
      if (answer === 'timeout') {
        held.add(res);
        setTimeout(() => {
          held.delete(res);
          if (!res.destroyed) send(200, view());
        }, opts.holdMs ?? 1500);
        return;
      }
      send(200, view());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${base}/v3`;

  return {
    url,
    /** The shop's notification URL and the notifications sent to it. */
    hooks,
    /** Sends YooKassa's notification of a payment's current status to `hooks.notifyUrl`. */
    notify: (id: string) => notify(payments.get(id)!),
    payments,
    refunds,
    requests,
    plan,
    clock,
    /** The payer paid on the redirect page (with "save card" if asked). */
    succeed(id: string) {
      const p = payments.get(id)!;
      decide(p, 'succeeded');
      const pmId = `pm-${id}`;
      p.payment_method = { type: 'bank_card', id: pmId, saved: p.save, title: 'Bank card *4444' };
      if (p.save) savedMethods.add(pmId);
    },
    cancel(id: string) {
      decide(payments.get(id)!, 'canceled');
    },
    /** The bank decides a payment or refund that was pending. */
    settle(id: string, status: 'succeeded' | 'canceled') {
      const p = payments.get(id);
      if (p) return decide(p, status);
      const r = refunds.get(id)!;
      r.status = status;
      if (status === 'canceled') {
        r.cancellation_details = { party: 'yoo_money', reason: 'rejected_by_payee' };
        payments.get(r.payment_id)!.refunded -= kop(r.amount);
      }
    },
    /** A card saved at YooKassa (as if paid earlier with "save card"). */
    addSavedMethod(methodId: string) {
      savedMethods.add(methodId);
    },
    /** A saved card whose next charges are declined, with YooKassa's reason (cancellation_details.reason). */
    declineCharges(methodId: string, reason = 'insufficient_funds') {
      declining.set(methodId, reason);
    },
    /** Card charges that took money (succeeded, by payment_method_id). */
    charges: (methodId?: string) =>
      [...payments.values()].filter(
        (p) =>
          p.payment_method?.id &&
          !p.confirmation &&
          p.status === 'succeeded' &&
          (!methodId || p.payment_method.id === methodId),
      ),
    close: () =>
      new Promise<void>((r) => {
        for (const res of held) res.destroy();
        server.close(() => r());
      }),
  };
}
