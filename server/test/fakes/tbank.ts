import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { kopecksToDecimal } from '../../../common/money.js';
import { tbankToken, verifyTbankToken } from '../../integrations/acquiring/tbank-token.js';

/**
 * A local fake of T-Bank Internet Acquiring, API v2 — Init, GetState, CheckOrder, Charge, Cancel, the
 * hosted payment page and the notifications — built from T-Bank's published spec, refusing what it
 * refuses. Sources: the API reference (https://developer.tbank.ru/eacq/api: Init, GetState, CheckOrder,
 * Charge, Cancel), "Токен" (…/eacq/intro/developer/token), "Уведомления" (…/eacq/intro/developer/notification),
 * the error table (…/eacq/intro/errors/error-codes) and the field limits of T-Bank's OpenAPI document as
 * generated into DreadfulBot/tinkoff-api-php (TerminalKey ≤ 20, OrderId ≤ 36, Description ≤ 140,
 * CustomerKey ≤ 36).
 *
 * Refusals (HTTP 200, Success false, T-Bank's ErrorCode): a Token that does not verify → 204; an unknown
 * terminal → 205; missing fields → 2 (Recurrent=Y without CustomerKey too); lengths → 210/212/213/216; an
 * amount under the terminal's minimum → 251, over its single-payment limit → 1202; a repeated OrderId →
 * 20; an unknown PaymentId → 255 (GetState) / order not found → 335 (CheckOrder); Charge of a payment not
 * NEW → 8, of an unknown RebillId → 104, a card the issuer declines → Status REJECTED with the issuer's
 * code; Cancel over what is left → 330; of a payment that cannot be refunded → 4.
 */
export type TbStatus =
  | 'NEW'
  | 'FORM_SHOWED'
  | 'AUTHORIZED'
  | 'CONFIRMED'
  | 'REJECTED'
  | 'CANCELED'
  | 'DEADLINE_EXPIRED'
  | 'PARTIAL_REFUNDED'
  | 'REFUNDED';

export interface FakeTbPayment {
  PaymentId: string;
  OrderId: string;
  Amount: number;
  Status: TbStatus;
  ErrorCode: string;
  Message?: string;
  Description?: string;
  CustomerKey?: string;
  Recurrent: boolean;
  OperationInitiatorType?: string;
  SuccessURL?: string;
  FailURL?: string;
  NotificationURL?: string;
  RebillId?: string;
  CardId?: string;
  Pan?: string;
  refunded: number;
  /** ExternalRequestId of each Cancel → the refunded amount (a repeat answers the state). */
  cancels: Map<string, number>;
  data?: Record<string, string>;
}

const err = (code: string, Message: string, Details = '') => ({ Success: false, ErrorCode: code, Message, Details });

export async function startFakeTBank(opts: {
  terminalKey: string;
  password: string;
  /** Terminal settings: the smallest and largest single payment, kopecks (T-Bank: 1 ₽; per contract). */
  minAmount?: number;
  maxAmount?: number;
}) {
  const payments = new Map<string, FakeTbPayment>();
  const byOrder = new Map<string, string[]>();
  /** RebillId → the card it charges; `decline` makes the issuer refuse with that code. */
  const rebills = new Map<string, { pan: string; decline?: string }>();
  const requests: { method: string; body: Record<string, unknown>; answer: Record<string, unknown> }[] = [];
  const hooks = { sent: [] as { PaymentId: string; Status: string; status: number; body: string }[] };
  /** The next N API requests are carried out and never answered. */
  const plan = { lostAnswers: 0 };
  let next = 7_000_000_000;
  let base = '';

  function view(p: FakeTbPayment) {
    return {
      Success: true,
      ErrorCode: '0',
      TerminalKey: opts.terminalKey,
      Status: p.Status,
      PaymentId: p.PaymentId,
      OrderId: p.OrderId,
      Amount: p.Amount,
    };
  }

  /** T-Bank's notification to the terminal's NotificationURL, signed with the terminal password. */
  async function notify(p: FakeTbPayment, status: TbStatus = p.Status) {
    if (!p.NotificationURL) return;
    const body: Record<string, unknown> = {
      TerminalKey: opts.terminalKey,
      OrderId: p.OrderId,
      Success: status !== 'REJECTED',
      Status: status,
      PaymentId: Number(p.PaymentId),
      ErrorCode: status === 'REJECTED' ? p.ErrorCode : '0',
      Amount: p.Amount,
      ...(p.CardId ? { CardId: Number(p.CardId), Pan: p.Pan, ExpDate: '1230' } : {}),
      ...(p.RebillId && status === 'CONFIRMED' ? { RebillId: Number(p.RebillId) } : {}),
      ...(p.data ? { DATA: p.data } : {}),
    };
    body.Token = tbankToken(body, opts.password);
    const res = await fetch(p.NotificationURL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => null);
    hooks.sent.push({
      PaymentId: p.PaymentId,
      Status: status,
      status: res?.status ?? 0,
      body: res ? await res.text() : '',
    });
  }

  function pay(p: FakeTbPayment, card: { pan?: string; decline?: string } = {}) {
    if (p.Status !== 'NEW' && p.Status !== 'FORM_SHOWED') return;
    p.CardId = String(next++);
    p.Pan = card.pan ?? '430000******0777';
    if (card.decline) {
      p.Status = 'REJECTED';
      p.ErrorCode = card.decline;
      return;
    }
    p.Status = 'CONFIRMED';
    if (p.Recurrent) {
      p.RebillId = String(next++);
      rebills.set(p.RebillId, { pan: p.Pan });
    }
  }

  function handleApi(method: string, b: Record<string, unknown>): Record<string, unknown> {
    if (typeof b.TerminalKey !== 'string' || b.TerminalKey.length > 20)
      return err('210', 'Неверные параметры.', 'Размер поля TerminalKey должен быть от 1 до 20');
    if (b.TerminalKey !== opts.terminalKey)
      return err('205', 'Неверный токен. Проверьте пару TerminalKey/SecretKey', 'Указанный терминал не найден');
    if (typeof b.Token !== 'string' || !verifyTbankToken(b, opts.password))
      return err('204', 'Неверный токен. Проверьте пару TerminalKey/SecretKey');
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
    const find = () => payments.get(str(b.PaymentId));
    switch (method) {
      case 'Init': {
        if (b.Amount === undefined || b.OrderId === undefined) return err('2', 'Отсутствуют обязательные параметры');
        const amount = Number(b.Amount);
        const orderId = str(b.OrderId);
        if (orderId.length < 1 || orderId.length > 36)
          return err('212', 'Неверные параметры.', 'Размер поля OrderId должен быть от 1 до 36');
        if (typeof b.Description === 'string' && b.Description.length > 140)
          return err('213', 'Неверные параметры.', 'Размер поля Description должен быть от 0 до 140');
        if (typeof b.CustomerKey === 'string' && b.CustomerKey.length > 36)
          return err('216', 'Неверные параметры.', 'Размер поля CustomerKey должен быть от 1 до 36');
        if (b.Recurrent === 'Y' && !b.CustomerKey)
          return err('2', 'Отсутствуют обязательные параметры', 'CustomerKey обязателен при Recurrent=Y');
        if (!Number.isInteger(amount) || amount < (opts.minAmount ?? 100))
          return err(
            '251',
            'Неверные параметры.',
            `Неверная сумма. Сумма должна быть больше или равна ${opts.minAmount ?? 100} копеек`,
          );
        if (amount > (opts.maxAmount ?? 100_000_000))
          return err('1202', 'Сумма платежа превышает лимит по разовой операции в этом магазине');
        if (byOrder.has(orderId)) return err('20', 'Ошибка повторного идентификатора заказа', `OrderId ${orderId}`);
        const p: FakeTbPayment = {
          PaymentId: String(next++),
          OrderId: orderId,
          Amount: amount,
          Status: 'NEW',
          ErrorCode: '0',
          Description: b.Description as string | undefined,
          CustomerKey: b.CustomerKey as string | undefined,
          Recurrent: b.Recurrent === 'Y',
          OperationInitiatorType: b.OperationInitiatorType as string | undefined,
          SuccessURL: b.SuccessURL as string | undefined,
          FailURL: b.FailURL as string | undefined,
          NotificationURL: b.NotificationURL as string | undefined,
          refunded: 0,
          cancels: new Map(),
          data: b.DATA as Record<string, string> | undefined,
        };
        payments.set(p.PaymentId, p);
        byOrder.set(orderId, [p.PaymentId]);
        return { ...view(p), PaymentURL: `${base}/pay/${p.PaymentId}` };
      }
      case 'GetState': {
        const p = find();
        if (!p) return err('255', 'Платеж не найден');
        return view(p);
      }
      case 'CheckOrder': {
        const ids = byOrder.get(str(b.OrderId));
        if (!ids) return err('335', `OrderId ${str(b.OrderId)} не найден для TerminalKey ${opts.terminalKey}`);
        return {
          Success: true,
          ErrorCode: '0',
          TerminalKey: opts.terminalKey,
          OrderId: b.OrderId,
          Payments: ids.map((id) => {
            const p = payments.get(id)!;
            return { PaymentId: id, Amount: p.Amount, Status: p.Status, Success: true, ErrorCode: '0' };
          }),
        };
      }
      case 'Charge': {
        const p = find();
        if (!p) return err('255', 'Платеж не найден');
        if (p.Status !== 'NEW') return err('8', 'Неверный статус транзакции');
        const card = rebills.get(str(b.RebillId));
        if (!card) return err('104', 'Ошибка выполения рекуррента', 'RebillId не найден');
        p.Pan = card.pan;
        if (card.decline) {
          p.Status = 'REJECTED';
          p.ErrorCode = card.decline;
          void notify(p);
          return { ...view(p), Success: false, ErrorCode: card.decline, Message: 'Отказ банка-эмитента' };
        }
        p.Status = 'CONFIRMED';
        void notify(p);
        return view(p);
      }
      case 'Cancel': {
        const p = find();
        if (!p) return err('255', 'Платеж не найден');
        const key = typeof b.ExternalRequestId === 'string' && b.ExternalRequestId ? b.ExternalRequestId : null;
        const answer = () => ({
          ...view(p),
          OriginalAmount: p.Amount,
          NewAmount: p.Amount - p.refunded,
        });
        if (key && p.cancels.has(key)) return answer(); // the same refund again: its state, nothing more
        if (p.Status === 'NEW' || p.Status === 'FORM_SHOWED') {
          p.Status = 'CANCELED';
          return answer();
        }
        if (p.Status !== 'CONFIRMED' && p.Status !== 'PARTIAL_REFUNDED')
          return err('4', 'Не получится изменить статус платежа');
        const amount = b.Amount === undefined ? p.Amount - p.refunded : Number(b.Amount);
        if (!Number.isInteger(amount) || amount <= 0 || amount > p.Amount - p.refunded)
          return err('330', 'Сумма отмены больше суммы платежа');
        p.refunded += amount;
        p.Status = p.refunded === p.Amount ? 'REFUNDED' : 'PARTIAL_REFUNDED';
        if (key) p.cancels.set(key, amount);
        void notify(p);
        return answer();
      }
      default:
        return err('9999', 'Внутренняя ошибка системы', `unknown method ${method}`);
    }
  }

  const page = (res: ServerResponse, code: number, body: string) =>
    res
      .writeHead(code, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Т-Банк — оплата</title></head><body>${body}</body></html>`,
      );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const c of req) raw += c;
    const url = new URL(req.url ?? '/', 'http://fake');
    const payPage = /^\/pay\/(\d+)$/.exec(url.pathname);
    if (payPage) {
      const p = payments.get(payPage[1]!);
      if (!p) return page(res, 404, '<p>Платёж не найден</p>');
      if (req.method === 'GET') {
        if (p.Status === 'NEW') p.Status = 'FORM_SHOWED';
        return page(
          res,
          200,
          `<h1>Оплата ${kopecksToDecimal(p.Amount)} ₽</h1><form method="post"><input name="card" value="4300000000000777"><button>Оплатить</button></form>`,
        );
      }
      const form = new URLSearchParams(raw);
      const decline = form.get('decline') ?? undefined;
      pay(p, { decline });
      await notify(p);
      const to = p.Status === 'CONFIRMED' ? p.SuccessURL : p.FailURL;
      return to ? res.writeHead(303, { location: to }).end() : page(res, 200, `<p>${p.Status}</p>`);
    }
    const m = /^\/v2\/(\w+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return res.writeHead(404).end();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      const a = err('1', 'Параметры не сопоставлены');
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(a));
    }
    const answer = handleApi(m[1]!, body);
    requests.push({ method: m[1]!, body, answer });
    if (plan.lostAnswers > 0) {
      plan.lostAnswers--;
      return; // carried out, but the answer never comes back: the client's timeout decides
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}/v2`,
    payments,
    requests,
    hooks,
    plan,
    /** The payer on the payment page: pays (or the issuer declines with `decline`), then T-Bank notifies. */
    async payOnPage(paymentId: string, card: { decline?: string } = {}) {
      const p = payments.get(paymentId)!;
      pay(p, card);
      await notify(p);
    },
    /** Sends the notification of a payment's current status again (T-Bank repeats until it gets "OK"). */
    notify: (paymentId: string) => notify(payments.get(paymentId)!),
    /** A signed notification body as T-Bank would send it (tests tamper with it). */
    notificationBody(paymentId: string) {
      const p = payments.get(paymentId)!;
      const body: Record<string, unknown> = {
        TerminalKey: opts.terminalKey,
        OrderId: p.OrderId,
        Success: true,
        Status: p.Status,
        PaymentId: Number(p.PaymentId),
        ErrorCode: '0',
        Amount: p.Amount,
      };
      body.Token = tbankToken(body, opts.password);
      return body;
    },
    /** The issuer declines the next charges of a saved card with this T-Bank ErrorCode (1051, 1054…). */
    declineRebill(rebillId: string, code: string) {
      rebills.get(rebillId)!.decline = code;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
