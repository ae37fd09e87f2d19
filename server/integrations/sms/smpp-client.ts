import smpp, { type Pdu, type Session } from 'smpp';

import { parseDeliveryReceipt, type SmsDeliveryReceipt } from './delivery-receipt.js';
import { type LongMessageMode, splitSms } from './smpp-segments.js';
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
  private readonly partWrites = new Set<Promise<unknown>>();

  constructor(private readonly o: SmppOptions) {}

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
    const parts = splitSms(m.text, this.o.longMessages ?? 'udh', m.reference ?? 0);
    const c = await this.bound();
    const numeric = /^\+?\d+$/.test(this.o.sender);
    const sent: SmsPart[] = [];
    for (const p of parts) {
      if (opts.skipParts?.has(p.seq)) continue;
      const resp = await this.request(c, 'submit_sm', {
        source_addr: this.o.sender,
        source_addr_ton: numeric ? 1 : 5,
        source_addr_npi: numeric ? 1 : 0,
        destination_addr: m.to,
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        registered_delivery: 1,
        ...p.fields,
      });
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
        const w = opts.onPart(part);
        this.partWrites.add(w);
        try {
          await w;
        } finally {
          this.partWrites.delete(w);
        }
      }
      sent.push(part);
    }
    return sent;
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
        await Promise.allSettled([...this.partWrites]);
        await handler(r);
        safe(() => c.session.send(pdu.response()));
      })
      .catch((e: unknown) => {
        this.o.log?.('SMPP delivery receipt not recorded', { err: String(e), messageId: r.messageId });
        safe(() => c.session.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN })));
      });
  }
}
