import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the ATOL Online API v4 for tests: getToken, {group}/sell and sell_refund, {group}/report/{uuid}.
 * It keeps what it received, deduplicates sells by external_id (answering the first uuid with error 33
 * like ATOL), reports `wait` for the first `pendingReports` polls of each document, and can be told to
 * fail the next sells with HTTP 500 or to expire every issued token (401 on the next call).
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
  fail: boolean;
}

export async function startFakeAtol(opts: { login?: string; password?: string; pendingReports?: number } = {}) {
  const login = opts.login ?? 'atol-login';
  const password = opts.password ?? 'atol-pass';
  const state = {
    tokens: new Set<string>(),
    tokensIssued: 0,
    failSells: 0,
    /** The next N documents sold are reported as `fail` (a data error ATOL refused). */
    failDocuments: 0,
    pendingReports: opts.pendingReports ?? 1,
    sells: 0,
    byExternalId: new Map<string, FakeAtolDocument>(),
    byUuid: new Map<string, FakeAtolDocument>(),
  };
  const readJson = async (req: IncomingMessage) => {
    let raw = '';
    for await (const c of req) raw += c;
    return (raw ? JSON.parse(raw) : null) as (FakeAtolBody & { login?: string; pass?: string }) | null;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const ts = '25.11.2026 10:00:00';
    const path = (req.url ?? '').replace(/^\/possystem\/v4/, '');
    if (req.method === 'POST' && path === '/getToken') {
      const b = await readJson(req);
      if (b?.login !== login || b?.pass !== password)
        return send(200, {
          error: { code: 12, text: 'Неверный логин или пароль', type: 'system' },
          token: '',
          timestamp: ts,
        });
      const token = randomUUID();
      state.tokens.add(token);
      state.tokensIssued++;
      return send(200, { error: null, token, timestamp: ts });
    }
    if (!state.tokens.has(String(req.headers.token ?? '')))
      return send(401, { error: { code: 11, text: 'Токен не действителен' } });
    const sell = /^\/([^/]+)\/(sell|sell_refund)$/.exec(path);
    if (req.method === 'POST' && sell) {
      const b = await readJson(req);
      if (!b) return send(400, { error: { code: 2, text: 'Пустой запрос' } });
      state.sells++;
      if (state.failSells > 0) {
        state.failSells--;
        return send(500, { error: { code: 1, text: 'Временная ошибка' } });
      }
      const prev = state.byExternalId.get(b.external_id);
      if (prev)
        return send(400, {
          uuid: prev.uuid,
          status: 'fail',
          error: { code: 33, text: 'Документ с таким external_id уже существует', type: 'system' },
          timestamp: ts,
        });
      const doc = {
        uuid: randomUUID(),
        groupCode: sell[1]!,
        operation: sell[2]!,
        body: b,
        polls: 0,
        fail: state.failDocuments > 0,
      };
      if (doc.fail) state.failDocuments--;
      state.byExternalId.set(b.external_id, doc);
      state.byUuid.set(doc.uuid, doc);
      return send(200, { uuid: doc.uuid, status: 'wait', error: null, timestamp: ts });
    }
    const report = /^\/([^/]+)\/report\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && report) {
      const doc = state.byUuid.get(report[2]!);
      if (!doc) return send(400, { error: { code: 34, text: 'Не найден документ' } });
      doc.polls++;
      if (doc.fail)
        return send(200, {
          uuid: doc.uuid,
          status: 'fail',
          error: { code: 32, text: 'Ошибка валидации входящего чека', type: 'system' },
          payload: null,
          timestamp: ts,
        });
      if (doc.polls <= state.pendingReports)
        return send(200, { uuid: doc.uuid, status: 'wait', error: null, payload: null, timestamp: ts });
      const total = doc.body.receipt.total;
      return send(200, {
        uuid: doc.uuid,
        status: 'done',
        error: null,
        timestamp: ts,
        group_code: doc.groupCode,
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
    send(404, { error: { code: 404, text: 'not found' } });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/possystem/v4`,
    login,
    password,
    state,
    expireTokens: () => state.tokens.clear(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
