/**
 * ATOL Online API v4 adapter: getToken → sell → report. The token lives 24 h; it is cached and fetched
 * again before it expires or when ATOL answers 401 / a token error. Errors are thrown as AtolError,
 * which the receipt job turns into a retry with backoff.
 */
export interface AtolOptions {
  baseUrl: string;
  login: string;
  password: string;
  fetch?: typeof fetch;
  /** Refresh a cached token after this long (ATOL tokens live 24 h). */
  tokenTtlMs?: number;
}

export class AtolError extends Error {
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

export interface AtolReport {
  uuid: string;
  status: 'wait' | 'done' | 'fail';
  error: { code: number; text: string } | null;
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

export class AtolClient {
  private token: { value: string; until: number } | null = null;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: AtolOptions) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  private url(path: string) {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}/${path}`;
  }

  async getToken(force = false): Promise<string> {
    if (!force && this.token && this.token.until > Date.now()) return this.token.value;
    const res = await this.fetchFn(this.url('getToken'), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ login: this.opts.login, pass: this.opts.password }),
    });
    const body = (await res.json().catch(() => ({}))) as { token?: string; error?: { text?: string } | null };
    if (!res.ok || !body.token) throw new AtolError(`ATOL getToken failed: ${res.status} ${body.error?.text ?? ''}`);
    this.token = { value: body.token, until: Date.now() + (this.opts.tokenTtlMs ?? 23 * 3600_000) };
    return body.token;
  }

  /** A request with the token; on 401 or an expired-token error, gets a new token and repeats once. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: AtolAnswer | null }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getToken(attempt > 0);
      const res = await this.fetchFn(this.url(path), {
        method,
        headers: { 'content-type': 'application/json; charset=utf-8', token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json().catch(() => null)) as AtolAnswer | null;
      const tokenError = res.status === 401 || [11, 12, 13].includes(json?.error?.code ?? 0);
      if (tokenError && attempt === 0) {
        this.token = null;
        continue;
      }
      return { status: res.status, json };
    }
  }

  /** Registers a sale receipt; returns ATOL's uuid. A repeated external_id answers the first uuid. */
  async sell(groupCode: string, receipt: unknown): Promise<string> {
    return this.register(groupCode, 'sell', receipt);
  }

  /** Registers a document (`sell`, or `sell_refund` for money returned); returns ATOL's uuid. */
  async register(groupCode: string, operation: 'sell' | 'sell_refund', receipt: unknown): Promise<string> {
    const { status, json } = await this.call('POST', `${encodeURIComponent(groupCode)}/${operation}`, receipt);
    // Error 33: this external_id was registered before: ATOL answers with the first document's uuid.
    if (json?.uuid && (status < 400 || json?.error?.code === 33)) return json.uuid;
    throw new AtolError(
      `ATOL ${operation} failed: ${status} ${json?.error?.code ?? ''} ${json?.error?.text ?? ''}`,
      status >= 500 || status === 429 || status < 400,
    );
  }

  async report(groupCode: string, uuid: string): Promise<AtolReport> {
    const { status, json } = await this.call(
      'GET',
      `${encodeURIComponent(groupCode)}/report/${encodeURIComponent(uuid)}`,
    );
    if (status >= 400 && !json?.status) throw new AtolError(`ATOL report failed: ${status} ${json?.error?.text ?? ''}`);
    return json as unknown as AtolReport;
  }
}

/** The fields of an ATOL answer this client reads (registration and report answers share them). */
interface AtolAnswer {
  uuid?: string;
  status?: string;
  error?: { code?: number; text?: string } | null;
}
