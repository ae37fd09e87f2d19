import smpp, { type Pdu, type Session } from 'smpp';

import { messageIdCandidates, parseDeliveryReceipt, type SmsDeliveryReceipt } from './delivery-receipt.js';
import { type Gsm7Mode, type LongMessageMode, splitSms } from './smpp-segments.js';
import type { SmsMessage, SmsPart, SmsSender, SmsSendOptions } from './sms-sender.js';

export interface SmppOptions {
  url: string;
  systemId: string;
  password: string;
  sender: string;
  /** How a text over one SMS goes out: concatenation header (udh), SAR TLVs, or message_payload. */
  longMessages?: LongMessageMode;
  /** How long to wait for any response PDU before the connection is dropped (default 10 s). */
  timeoutMs?: number;
  /** enquire_link period while bound (default 30 s; 0 = none). */
  enquireLinkMs?: number;
  /** GSM 03.38 text in short_message: 140/134 characters a part (default), or 160/153 unpacked or packed. */
  gsm7?: Gsm7Mode;
  /** submit_sm per second this bind sends at most (0: no limit). */
  sendRate?: number;
  /** submit_sm awaiting their response at once, at most (the SMSC's window; default 10). */
  window?: number;
  /**
   * How long one message waits out an SMSC that throttles (ESME_RTHROTTLED / ESME_RMSGQFUL) before its
   * job is put back for later, without using an attempt (default 20 s).
   */
  throttleBudgetMs?: number;
  /** A delivery receipt arrived (deliver_sm with esm_class "SMSC delivery receipt"). */
  onReceipt?: (r: SmsDeliveryReceipt) => Promise<void>;
  log?: (msg: string, extra?: object) => void;
}

interface Conn {
  session: Session;
  bound: boolean;
  down: boolean;
  /** Rejecters of the requests waiting for a response on this connection. */
  inflight: Set<(e: Error) => void>;
  enquire?: NodeJS.Timeout;
}

/** The SMSC said "not now" (ESME_RTHROTTLED 0x58, ESME_RMSGQFUL 0x14): nothing was accepted; send it later. */
export class SmppThrottledError extends Error {
  readonly throttled = true;
  constructor(
    message: string,
    /** When to try again. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** submit_sm_resp statuses that mean "slow down", not "refused" (SMPP 3.4 §5.1.3). */
const THROTTLING = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noop = () => undefined;

const safe = (f: () => void) => {
  try {
    f();
  } catch {
    /* the socket is gone: nothing to answer on */
  }
};

/**
 * SMS over SMPP 3.4 (docs/notifications.md). One bound transceiver session per process, opened on the
 * first message (or at start, to receive delivery receipts) and kept with enquire_link; it is opened
 * again after a drop. Every library call and callback is wrapped: a library error, a refused bind, a
 * dropped connection or a peer that never answers rejects the send (the delivery job retries) and
 * never reaches the process as an uncaught exception.
 */
export class SmppClient implements SmsSender {
  private conn: Conn | null = null;
  private binding: Promise<Conn> | null = null;
  private closed = false;
  private keepBound = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = 1000;
  /** Receipts are handled one after another, after the part records they may refer to. */
  private receipts: Promise<void> = Promise.resolve();
  /** Parts accepted and being recorded, by the SMSC's message_id: a receipt for one waits for it. */
  private readonly recording = new Map<string, Promise<void>>();
  /** submit_sm awaiting their response now, and the sends waiting for room in the window. */
  private inFlight = 0;
  private readonly windowWaiters: (() => void)[] = [];
  /** The rate's next free slot, and the pause an SMSC that throttles asked for (all sends wait it out). */
  private nextSlot = 0;
  private pausedUntil = 0;
  private backoffMs = BACKOFF_FIRST_MS;
  /** The window in use: halved when the SMSC throttles, grown back by one per window of accepted submits. */
  private window = 0;
  private acceptedSinceThrottle = 0;
  /** A throttling answer came since the last accepted submit (the pause then grows). */
  private throttledSinceAccepted = false;
  /** Counters for tests and logs: throttling answers received, submits sent. */
  readonly stats = { throttled: 0, submits: 0 };

  constructor(private readonly o: SmppOptions) {}

  /** Room in the window (SMPP_WINDOW submit_sm awaiting their response at once). */
  private maxWindow(): number {
    return Math.max(1, this.o.window ?? 10);
  }

  private async enterWindow(): Promise<void> {
    if (this.window === 0) this.window = this.maxWindow();
    while (this.inFlight >= this.window) await new Promise<void>((r) => this.windowWaiters.push(r));
    this.inFlight++;
  }

  private leaveWindow(): void {
    this.inFlight--;
    this.windowWaiters.shift()?.();
  }

  /** A submit got through: the pause shrinks back, the window grows back (one per window accepted). */
  private accepted(): void {
    this.throttledSinceAccepted = false;
    this.backoffMs = BACKOFF_FIRST_MS;
    if (++this.acceptedSinceThrottle >= this.window && this.window < this.maxWindow()) {
      this.window++;
      this.acceptedSinceThrottle = 0;
      this.windowWaiters.shift()?.();
    }
  }

  /** Waits for this submit's slot at SMPP_SEND_RATE and past any pause a throttling SMSC asked for. */
  private async pace(): Promise<void> {
    const rate = this.o.sendRate ?? 0;
    const now = Date.now();
    const slot = rate > 0 ? Math.max(now, this.nextSlot) : now;
    if (rate > 0) this.nextSlot = slot + 1000 / rate;
    if (slot > now) await sleep(slot - now);
    while (Date.now() < this.pausedUntil) await sleep(this.pausedUntil - Date.now());
  }

  /**
   * One part, sent until the SMSC takes or refuses it: a throttling answer pauses every send of this
   * bind (backoff 250 ms, doubling to 30 s) and the same part goes again — it was not accepted, so it
   * cannot be duplicated. Past the budget the message is given back (SmppThrottledError).
   */
  private async submitPart(c: Conn, fields: Record<string, unknown>, label: string): Promise<Pdu> {
    const started = Date.now();
    for (;;) {
      await this.enterWindow();
      let resp: Pdu;
      try {
        await this.pace();
        this.stats.submits++;
        resp = await this.request(c, 'submit_sm', fields);
      } finally {
        this.leaveWindow();
      }
      if (!THROTTLING.has(resp.command_status)) {
        if (resp.command_status === 0) this.accepted();
        return resp;
      }
      this.stats.throttled++;
      const wait = this.backoffMs;
      // One pause for all the sends in flight, and a narrower window: answers to submits of the same
      // burst change nothing more; the pause grows only while nothing gets through between throttles.
      if (Date.now() >= this.pausedUntil) {
        this.pausedUntil = Date.now() + wait;
        this.window = Math.max(1, Math.ceil(this.window / 2));
        this.acceptedSinceThrottle = 0;
        if (this.throttledSinceAccepted) this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
        this.throttledSinceAccepted = true;
      }
      if (Date.now() + wait - started > (this.o.throttleBudgetMs ?? 20_000)) {
        throw new SmppThrottledError(
          `SMPP submit_sm throttled (${label}): status 0x${resp.command_status.toString(16).padStart(8, '0')}; sent again later`,
          wait,
        );
      }
    }
  }

  /** Bind now and stay bound (reconnecting after a drop), so delivery receipts can arrive. */
  start(): void {
    this.keepBound = true;
    this.bound().catch((e: unknown) => this.o.log?.('SMPP bind failed', { err: String(e) }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.keepBound = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.conn;
    if (!c || c.down) return;
    if (c.bound) await this.request(c, 'unbind', {}).catch(() => undefined);
    this.down(c, new Error('SMPP client closed'));
  }

  async send(m: SmsMessage, opts: SmsSendOptions = {}): Promise<SmsPart[]> {
    const parts = splitSms(m.text, this.o.longMessages ?? 'udh', m.reference ?? 0, this.o.gsm7 ?? 'octets');
    const c = await this.bound();
    const numeric = /^\+?\d+$/.test(this.o.sender);
    const sent: SmsPart[] = [];
    for (const p of parts) {
      if (opts.skipParts?.has(p.seq)) continue;
      await this.sendPart(c, m, p, numeric, opts, sent);
    }
    return sent;
  }

  private async sendPart(
    c: Conn,
    m: SmsMessage,
    p: ReturnType<typeof splitSms>[number],
    numeric: boolean,
    opts: SmsSendOptions,
    sent: SmsPart[],
  ): Promise<void> {
    {
      const resp = await this.submitPart(
        c,
        {
          source_addr: this.o.sender,
          source_addr_ton: numeric ? 1 : 5,
          source_addr_npi: numeric ? 1 : 0,
          destination_addr: m.to,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          registered_delivery: 1,
          ...p.fields,
        },
        `part ${p.seq}/${p.total}`,
      );
      if (resp.command_status !== 0) {
        throw new Error(
          `SMPP submit_sm refused (part ${p.seq}/${p.total}): status 0x${resp.command_status.toString(16).padStart(8, '0')}`,
        );
      }
      const part: SmsPart = {
        seq: p.seq,
        total: p.total,
        messageId: typeof resp.message_id === 'string' && resp.message_id ? resp.message_id : null,
      };
      if (opts.onPart) {
        // Until the part is recorded, a receipt naming it waits (see onDeliver). Registered in the same
        // turn as the submit_sm_resp arrives, before any receipt behind it is looked at.
        const w = opts.onPart(part);
        const id = part.messageId;
        if (id) this.recording.set(id, w.then(noop, noop));
        try {
          await w;
        } finally {
          if (id) this.recording.delete(id);
        }
      }
      sent.push(part);
    }
  }

  private bound(): Promise<Conn> {
    if (this.closed) return Promise.reject(new Error('SMPP client closed'));
    if (this.conn && this.conn.bound && !this.conn.down) return Promise.resolve(this.conn);
    this.binding ??= this.connect().finally(() => {
      this.binding = null;
    });
    return this.binding;
  }

  private connect(): Promise<Conn> {
    return new Promise<Conn>((resolve, reject) => {
      let session: Session;
      try {
        session = smpp.connect({ url: this.o.url, auto_enquire_link_period: 0 });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const c: Conn = { session, bound: false, down: false, inflight: new Set() };
      // Small PDUs one after another: without TCP_NODELAY, Nagle's algorithm and the peer's delayed ACK
      // hold each submit_sm up to ~40 ms.
      safe(() => (session as unknown as { socket?: { setNoDelay?: (v: boolean) => void } }).socket?.setNoDelay?.(true));
      const timer = setTimeout(() => this.down(c, new Error('SMPP connect timeout')), this.o.timeoutMs ?? 10_000);
      c.inflight.add((e) => {
        clearTimeout(timer);
        reject(e);
      });
      // A reset by the peer is the same event as a close, whichever of the two the socket reports first.
      session.on('error', (e: Error & { code?: string }) =>
        this.down(
          c,
          e.code === 'ECONNRESET' || e.code === 'EPIPE' ? new Error('SMPP connection closed', { cause: e }) : e,
        ),
      );
      session.on('close', () => this.down(c, new Error('SMPP connection closed')));
      session.on('deliver_sm', (pdu: Pdu) => this.onDeliver(c, pdu));
      session.on('enquire_link', (pdu: Pdu) => safe(() => session.send(pdu.response())));
      session.on('unbind', (pdu: Pdu) =>
        safe(() => {
          session.send(pdu.response());
          this.down(c, new Error('SMPP peer unbound'));
        }),
      );
      session.on('connect', () => {
        clearTimeout(timer);
        c.inflight.clear();
        this.request(c, 'bind_transceiver', { system_id: this.o.systemId, password: this.o.password })
          .then((resp) => {
            if (resp.command_status !== 0) throw new Error(`SMPP bind failed: status ${resp.command_status}`);
            c.bound = true;
            this.conn = c;
            this.reconnectDelay = 1000;
            const period = this.o.enquireLinkMs ?? 30_000;
            if (period > 0) {
              c.enquire = setInterval(() => {
                this.request(c, 'enquire_link', {}).catch(() => undefined); // a silent peer is dropped by the timeout
              }, period);
              c.enquire.unref();
            }
            resolve(c);
          })
          .catch((e: unknown) => {
            const err = e instanceof Error ? e : new Error(String(e));
            this.down(c, err);
            reject(err);
          });
      });
    });
  }

  /** Sends one request PDU and waits for its response; a drop or silence rejects it. */
  private request(c: Conn, command: string, fields: Record<string, unknown>): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      if (c.down) return reject(new Error(`SMPP connection is down (${command})`));
      let settled = false;
      const finish = (err: Error | null, pdu?: Pdu) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        c.inflight.delete(fail);
        if (err) reject(err);
        else resolve(pdu!);
      };
      const fail = (e: Error) => finish(new Error(`${e.message} (during ${command})`));
      const timer = setTimeout(() => {
        finish(new Error(`SMPP ${command}: no response in ${this.o.timeoutMs ?? 10_000} ms`));
        this.down(c, new Error('SMPP peer does not answer'));
      }, this.o.timeoutMs ?? 10_000);
      c.inflight.add(fail);
      try {
        const fn = c.session[command] as (f: Record<string, unknown>, cb: (pdu: Pdu) => void) => boolean;
        const written = fn.call(c.session, fields, (pdu: Pdu) => finish(null, pdu));
        if (!written) finish(new Error(`SMPP connection is not writable (${command})`));
      } catch (e) {
        // The library encodes the PDU synchronously: a field it cannot encode is an error of this send.
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  private down(c: Conn, err: Error): void {
    if (c.down) return;
    c.down = true;
    if (c.enquire) clearInterval(c.enquire);
    for (const f of [...c.inflight]) f(err);
    c.inflight.clear();
    if (this.conn === c) this.conn = null;
    safe(() => c.session.destroy());
    if (c.bound) this.o.log?.('SMPP connection lost', { err: err.message });
    if (this.keepBound && !this.closed && !this.reconnectTimer) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.bound().catch((e: unknown) => this.o.log?.('SMPP reconnect failed', { err: String(e) }));
      }, this.reconnectDelay);
      this.reconnectTimer.unref();
      this.reconnectDelay = Math.min(60_000, this.reconnectDelay * 2);
    }
  }

  /**
   * deliver_sm: a delivery receipt is recorded, then acknowledged (status 0); when recording fails the
   * answer is ESME_RX_T_APPN, a temporary error, so the SMSC delivers the receipt again later. Other
   * deliver_sm (a subscriber's reply) are acknowledged and not kept.
   */
  private onDeliver(c: Conn, pdu: Pdu): void {
    let receipt: SmsDeliveryReceipt | null = null;
    try {
      receipt = parseDeliveryReceipt(pdu);
    } catch (e) {
      this.o.log?.('SMPP deliver_sm not understood', { err: String(e) });
    }
    if (!receipt || !this.o.onReceipt) {
      safe(() => c.session.send(pdu.response()));
      return;
    }
    const r = receipt;
    const handler = this.o.onReceipt;
    this.receipts = this.receipts
      .then(async () => {
        // A receipt can arrive in the same TCP segment as the submit_sm_resp it follows: one turn of the
        // event loop lets the send register the part, then only that part's record is waited for.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(messageIdCandidates(r.messageId).map((id) => this.recording.get(id) ?? Promise.resolve()));
        await handler(r);
        safe(() => c.session.send(pdu.response()));
      })
      .catch((e: unknown) => {
        this.o.log?.('SMPP delivery receipt not recorded', { err: String(e), messageId: r.messageId });
        safe(() => c.session.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN })));
      });
  }
}
