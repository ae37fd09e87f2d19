import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Ajv, type ErrorObject } from 'ajv';

import { parseDecimalAmount } from '../../../common/money.js';

/**
 * A local fake of the ATOL Online API **v5** (FFD 1.2) — getToken, {group}/sell and sell_refund,
 * {group}/report/{uuid} — that refuses what ATOL refuses, with ATOL's error codes (API document, "Ошибки
 * сервиса"; the same table as v4's, see skodnik/atol-online src/Api/StatusErrorConstants.php):
 *
 * - getToken with a wrong login/password → HTTP 401, error 12; a request without a valid token → 401,
 *   11 (expired) or 10 (missing); a group code the account does not have → 401, 20;
 * - a body that is not JSON → 400, 40; a Content-Type other than JSON → 415, 41;
 * - a document that does not validate against the v5 sell schema (./atol-v5-sell.schema.json: fields,
 *   types, enums, required, lengths) or whose sums do not add up (item sum = price × quantity; total =
 *   Σ item sums = Σ payments; item VAT ≤ item sum) → 400, status fail, error 32 naming the fields;
 * - a repeated external_id → 400, error 33 with the first document's uuid (status wait);
 * - report of an unknown uuid → 400, error 30; not processed yet → 200, status wait, error 34.
 *
 * Tests can make the next sells fail with 500 (error 50), have documents refused by the cash register
 * at report time (`failDocuments`, status fail) or dropped unprocessed (`timeoutDocuments`, status
 * fail, error type `timeout`), or expire every token.
 */

/** The parts of a registration request the fake reads; the rest is kept as sent. */
export interface FakeAtolBody {
  external_id: string;
  receipt: { total: number; [field: string]: unknown };
  [field: string]: unknown;
}

export interface FakeAtolDocument {
  uuid: string;
  groupCode: string;
  /** sell | sell_refund */
  operation: string;
  body: FakeAtolBody;
  polls: number;
  fail: 'refused' | 'timeout' | null;
}

const schema = JSON.parse(readFileSync(new URL('./atol-v5-sell.schema.json', import.meta.url), 'utf8')) as object;
// multipleOfPrecision: sums like 123.45 are decimal fractions that binary floating point cannot hold exactly.
const validate = new Ajv({ allErrors: true, multipleOfPrecision: 9, strict: false }).compile(schema);

const kop = (rubles: number) => parseDecimalAmount(String(rubles)) ?? Number.NaN;

/** The sums ATOL checks on top of the schema; the failing fields, as JSON paths. */
function sumErrors(b: FakeAtolBody): string[] {
  const r = b.receipt as {
    items: { price: number; quantity: number; sum: number; vat?: { sum?: number } }[];
    payments: { sum: number }[];
    total: number;
  };
  const bad: string[] = [];
  let items = 0;
  r.items.forEach((it, i) => {
    const expected = Math.round(kop(it.price) * it.quantity);
    if (kop(it.sum) !== expected) bad.push(`receipt.items[${i}].sum`);
    if (it.vat?.sum !== undefined && kop(it.vat.sum) > kop(it.sum)) bad.push(`receipt.items[${i}].vat.sum`);
    items += kop(it.sum);
  });
  if (items !== kop(r.total)) bad.push('receipt.total');
  if (r.payments.reduce((a, p) => a + kop(p.sum), 0) !== kop(r.total)) bad.push('receipt.payments');
  return bad;
}

const fieldOf = (e: ErrorObject) =>
  `${
    e.instancePath
      .replace(/^\//, '')
      .replace(/\/(\d+)/g, '[$1]')
      .replace(/\//g, '.') || '(root)'
  }${
    e.keyword === 'required' ? `.${String((e.params as { missingProperty?: string }).missingProperty)}` : ''
  }${e.keyword === 'additionalProperties' ? `.${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''}`;

export async function startFakeAtol(
  opts: { login?: string; password?: string; pendingReports?: number; groups?: string[] } = {},
) {
  const login = opts.login ?? 'atol-login';
  const password = opts.password ?? 'atol-pass';
  const state = {
    tokens: new Set<string>(),
    tokensIssued: 0,
    failSells: 0,
    /** The next N sells are registered, then answered 500 (the answer is lost; a repeat gets error 33). */
    loseAnswers: 0,
    /** The next N documents sold are refused by the cash register at report time (status fail). */
    failDocuments: 0,
    /** The next N documents sold wait too long in ATOL's queue and are dropped (fail, type timeout). */
    timeoutDocuments: 0,
    pendingReports: opts.pendingReports ?? 1,
    sells: 0,
    byExternalId: new Map<string, FakeAtolDocument>(),
    byUuid: new Map<string, FakeAtolDocument>(),
    /** Documents refused at registration, with ATOL's error. */
    refused: [] as { body: unknown; code: number; text: string }[],
  };
  const ts = () => {
    const d = new Date();
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  };
  const atolError = (code: number, text: string) => ({ error_id: randomUUID(), code, text, type: 'system' });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    let raw = '';
    for await (const c of req) raw += c;
    const path = (req.url ?? '').replace(/^\/possystem\/v5/, '');
    if (!(req.url ?? '').startsWith('/possystem/v5/'))
      return send(404, { error: atolError(40, 'Некорректный запрос.') });
    const json = (): Record<string, unknown> | null => {
      try {
        return JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return null;
      }
    };
    if (req.method === 'POST' && path === '/getToken') {
      const b = json();
      if (b?.login !== login || b?.pass !== password)
        return send(401, { error: atolError(12, 'Неверный логин или пароль'), token: '', timestamp: ts() });
      const token = randomUUID();
      state.tokens.add(token);
      state.tokensIssued++;
      return send(200, { error: null, token, timestamp: ts() });
    }
    const token = req.headers.token;
    if (!token) return send(401, { error: atolError(10, 'Не распознан токен запроса'), timestamp: ts() });
    if (!state.tokens.has(String(token)))
      return send(401, { error: atolError(11, 'Переданный токен не активен'), timestamp: ts() });
    const sell = /^\/([^/]+)\/(sell|sell_refund)$/.exec(path);
    const report = /^\/([^/]+)\/report\/([^/]+)$/.exec(path);
    const group = sell?.[1] ?? report?.[1];
    if (group && opts.groups && !opts.groups.includes(decodeURIComponent(group)))
      return send(401, {
        error: atolError(20, 'Код группы, указанный в запросе, не соответствует токену.'),
        timestamp: ts(),
      });
    if (req.method === 'POST' && sell) {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(415, { error: atolError(41, `Некорректный Content-Type: ${req.headers['content-type']}.`) });
      const b = json() as FakeAtolBody | null;
      if (!b) return send(400, { error: atolError(40, 'Некорректный запрос.'), timestamp: ts() });
      state.sells++;
      if (state.failSells > 0) {
        state.failSells--;
        return send(500, { error: atolError(50, 'Ошибка сервера. Обратитесь к Администратору.'), timestamp: ts() });
      }
      const fields = validate(b) ? sumErrors(b) : [...new Set((validate.errors ?? []).map(fieldOf))];
      if (fields.length) {
        const text = `Ошибка валидации входного чека. Ошибочные поля: ${fields.join(', ')}`;
        state.refused.push({ body: b, code: 32, text });
        return send(400, { uuid: null, status: 'fail', error: atolError(32, text), timestamp: ts() });
      }
      const prev = state.byExternalId.get(b.external_id);
      if (prev)
        return send(400, {
          uuid: prev.uuid,
          status: 'wait',
          error: atolError(33, `В системе существует чек с external_id : ${b.external_id} и group_code: ${group}`),
          timestamp: ts(),
        });
      const fail = state.failDocuments > 0 ? 'refused' : state.timeoutDocuments > 0 ? 'timeout' : null;
      if (fail === 'refused') state.failDocuments--;
      if (fail === 'timeout') state.timeoutDocuments--;
      const doc: FakeAtolDocument = {
        uuid: randomUUID(),
        groupCode: decodeURIComponent(sell[1]!),
        operation: sell[2]!,
        body: b,
        polls: 0,
        fail,
      };
      state.byExternalId.set(b.external_id, doc);
      state.byUuid.set(doc.uuid, doc);
      if (state.loseAnswers > 0) {
        state.loseAnswers--;
        return send(500, { error: atolError(50, 'Ошибка сервера. Обратитесь к Администратору.'), timestamp: ts() });
      }
      return send(200, { uuid: doc.uuid, status: 'wait', error: null, timestamp: ts() });
    }
    if (req.method === 'GET' && report) {
      const doc = state.byUuid.get(report[2]!);
      if (!doc)
        return send(400, {
          status: 'fail',
          error: atolError(
            30,
            `Передан некорректный UUID : "${report[2]}". Необходимо повторить запрос с корректными данными`,
          ),
          timestamp: ts(),
        });
      doc.polls++;
      const base = { uuid: doc.uuid, timestamp: ts(), group_code: doc.groupCode, external_id: doc.body.external_id };
      if (doc.fail === 'refused')
        return send(200, {
          ...base,
          status: 'fail',
          error: { error_id: randomUUID(), code: 32, text: 'Ошибка валидации входящего чека', type: 'system' },
          payload: null,
        });
      if (doc.fail === 'timeout')
        return send(200, {
          ...base,
          status: 'fail',
          error: { error_id: randomUUID(), code: 1, text: 'Превышено время ожидания чека в очереди.', type: 'timeout' },
          payload: null,
        });
      if (doc.polls <= state.pendingReports)
        return send(200, {
          ...base,
          status: 'wait',
          error: atolError(34, 'Состояние чека не найдено. Попробуйте позднее.'),
          payload: null,
        });
      const total = doc.body.receipt.total;
      return send(200, {
        ...base,
        status: 'done',
        error: null,
        payload: {
          total,
          fns_site: 'www.nalog.gov.ru',
          fn_number: '9999078900004312',
          shift_number: 12,
          receipt_datetime: '25.11.2026 10:00:00',
          fiscal_receipt_number: 3,
          fiscal_document_number: 100 + state.byUuid.size,
          ecr_registration_number: '0000000001002292',
          fiscal_document_attribute: 3449555941,
        },
      });
    }
    send(404, { error: atolError(40, 'Некорректный запрос.') });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/possystem/v5`,
    login,
    password,
    state,
    /** Validates a document as registration would: the refused fields, or [] when ATOL would take it. */
    check: (body: unknown): string[] =>
      validate(body) ? sumErrors(body as FakeAtolBody) : [...new Set((validate.errors ?? []).map(fieldOf))],
    expireTokens: () => state.tokens.clear(),
    /**
     * A document registered by someone else under `externalId` (another installation on the same group,
     * or the original of a restored copy): ATOL answers error 33 with its uuid to anyone who reuses the id.
     */
    preRegister(externalId: string, groupCode: string, total: number) {
      const doc: FakeAtolDocument = {
        uuid: randomUUID(),
        groupCode,
        operation: 'sell',
        body: { external_id: externalId, receipt: { total } },
        polls: 0,
        fail: null,
      };
      state.byExternalId.set(externalId, doc);
      state.byUuid.set(doc.uuid, doc);
      return doc;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
