/**
 * ATOL Online API v5 (FFD 1.2) adapter: getToken → {group}/sell | sell_refund → {group}/report/{uuid}
 * (docs/receipts.md). The token lives 24 h; it is cached and fetched again before it expires or when
 * ATOL answers a token error. Every failure is an AtolError saying what may be done about it, read from
 * ATOL's error table (API document, "Ошибки сервиса": code, HTTP status, type, and its advice):
 *
 * - `retry`: nothing decided yet or a passing fault — network, HTTP 5xx (50), 429, error 1 on
 *   registration ("could not process", the same external_id is safe to send again: a registered one
 *   answers 33 with its uuid); report `wait` and error 34 ("not processed yet, ask later");
 * - `config`: our settings are wrong and repeating cannot help — 12 wrong login/password, 14 user
 *   blocked, 20 group code does not match the token, 21 group not on this protocol version;
 * - `document`: ATOL refused the document — 30 bad uuid, 31 operation, 32 validation, 40 bad request,
 *   41 content type; fix the data and issue it again under a new external_id.
 */
export interface AtolOptions {
  baseUrl: string;
  login: string;
  password: string;
  fetch?: typeof fetch;
  /** Refresh a cached token after this long (ATOL tokens live 24 h). */
  tokenTtlMs?: number;
  timeoutMs?: number;
}

export type AtolErrorKind = 'retry' | 'config' | 'document';

export class AtolError extends Error {
  constructor(
    message: string,
    readonly kind: AtolErrorKind = 'retry',
    readonly code?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'retry';
  }
}

export interface AtolReport {
  uuid: string;
  status: 'wait' | 'done' | 'fail';
  /** The document's external_id and group as ATOL keeps them (compared before a duplicate is adopted). */
  external_id?: string;
  group_code?: string;
  /** type: system | driver | timeout | agent | unknown (timeout: the document waited too long and was not processed). */
  error: { code: number; text: string; type?: string } | null;
  payload: {
    total: number;
    fns_site?: string;
    fn_number: string;
    shift_number?: number;
    receipt_datetime: string;
    fiscal_receipt_number?: number;
    fiscal_document_number: number;
    ecr_registration_number?: string;
    fiscal_document_attribute: number;
  } | null;
}

const CONFIG_CODES = new Set([12, 14, 20, 21]);
const DOCUMENT_CODES = new Set([30, 31, 32, 40, 41]);

/** The kind of an ATOL error answer (by its code, then by the HTTP status). */
function kindOf(status: number, code: number | undefined): AtolErrorKind {
  if (code !== undefined && CONFIG_CODES.has(code)) return 'config';
  if (code !== undefined && DOCUMENT_CODES.has(code)) return 'document';
  if (status >= 500 || status === 429 || status < 400 || code === 1) return 'retry';
  return status === 401 || status === 403 ? 'config' : 'document';
}

export class AtolClient {
  private token: { value: string; until: number } | null = null;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: AtolOptions) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  private url(path: string) {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}/${path}`;
  }

  private async http(path: string, init: RequestInit): Promise<{ status: number; json: AtolAnswer | null }> {
    let res: Response;
    try {
      res = await this.fetchFn(this.url(path), { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    } catch (e) {
      throw new AtolError(`ATOL ${path}: no answer (${e instanceof Error ? e.message : String(e)})`, 'retry');
    }
    const json = (await res.json().catch(() => null)) as AtolAnswer | null;
    return { status: res.status, json };
  }

  async getToken(force = false): Promise<string> {
    if (!force && this.token && this.token.until > Date.now()) return this.token.value;
    const { status, json } = await this.http('getToken', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ login: this.opts.login, pass: this.opts.password }),
    });
    if (status !== 200 || !json?.token) {
      const code = json?.error?.code;
      throw new AtolError(
        `ATOL getToken failed: ${status} ${code ?? ''} ${json?.error?.text ?? ''}`.trim(),
        kindOf(status, code) === 'retry' ? 'retry' : 'config',
        code,
      );
    }
    this.token = { value: json.token, until: Date.now() + (this.opts.tokenTtlMs ?? 23 * 3600_000) };
    return json.token;
  }

  /** A request with the token; on a token error (HTTP 401, codes 10/11) gets a new token and repeats once. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: AtolAnswer | null }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getToken(attempt > 0);
      const r = await this.http(path, {
        method,
        headers: { 'content-type': 'application/json; charset=utf-8', token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const code = r.json?.error?.code;
      if (r.status === 401 && (code === 10 || code === 11 || code === undefined) && attempt === 0) {
        this.token = null;
        continue;
      }
      return r;
    }
  }

  /**
   * Registers a document (`sell`, or `sell_refund` for money returned); returns ATOL's uuid. `duplicate`:
   * ATOL answered error 33 — a document with this external_id exists, and the uuid is that one's. It
   * is ours only if its report matches our document (the caller compares before adopting it).
   */
  async register(
    groupCode: string,
    operation: 'sell' | 'sell_refund',
    receipt: unknown,
  ): Promise<{ uuid: string; duplicate: boolean }> {
    const { status, json } = await this.call('POST', `${encodeURIComponent(groupCode)}/${operation}`, receipt);
    const code = json?.error?.code ?? undefined;
    if (json?.uuid && status < 400) return { uuid: json.uuid, duplicate: false };
    if (json?.uuid && code === 33) return { uuid: json.uuid, duplicate: true };
    throw new AtolError(
      `ATOL ${operation} failed: ${status} ${code ?? ''} ${json?.error?.text ?? ''}`.trim(),
      kindOf(status, code),
      code,
    );
  }

  /** The document's state; `wait` (and error 34, "not processed yet") means ask again later. */
  async report(groupCode: string, uuid: string): Promise<AtolReport> {
    const { status, json } = await this.call(
      'GET',
      `${encodeURIComponent(groupCode)}/report/${encodeURIComponent(uuid)}`,
    );
    const code = json?.error?.code ?? undefined;
    if (code === 34) return { uuid, status: 'wait', error: null, payload: null };
    if (status >= 400 && !json?.status)
      throw new AtolError(
        `ATOL report failed: ${status} ${code ?? ''} ${json?.error?.text ?? ''}`.trim(),
        kindOf(status, code),
        code,
      );
    if (!json?.status) throw new AtolError(`ATOL report failed: ${status} without a status`, 'retry');
    return json as unknown as AtolReport;
  }
}

/** The fields of an ATOL answer this client reads (token, registration and report answers share them). */
interface AtolAnswer {
  uuid?: string;
  token?: string;
  status?: string;
  error?: { code?: number; text?: string; type?: string } | null;
}
