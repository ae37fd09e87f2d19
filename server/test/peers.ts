import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { simpleParser } from 'mailparser';
import smpp, { type Pdu, type Session } from 'smpp';
import { SMTPServer } from 'smtp-server';

/**
 * Real protocol peers for tests, on 127.0.0.1 with a free port: an SMTP server (smtp-server), an
 * SMPP 3.4 SMSC (the smpp package's server) and a plain HTTP SMS gateway. Each collects what it
 * received and can be told to fail.
 */
export interface Received {
  to: string;
  subject?: string;
  text: string;
}

export async function startSmtpPeer() {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: mail.subject,
            text: mail.text ?? '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The library parses a PDU and emits it synchronously, one at a time: this counts the octets of the
 * last submit_sm's short_message as it is read off the wire (the decoded text no longer shows them).
 */
let lastShortMessageOctets = 0;
let lastShortMessageRaw = Buffer.alloc(0);
{
  const param = (smpp.commands as SmppCommandDefs).submit_sm!.params.short_message!;
  const base = param.type;
  if (!base.counted) {
    param.type = {
      ...base,
      counted: true,
      read(buffer: Buffer, offset: number) {
        const v = base.read(buffer, offset);
        lastShortMessageOctets = v.length;
        lastShortMessageRaw = Buffer.from(v);
        return v;
      },
    };
  }
}
type SmppCommandDefs = Record<
  string,
  { params: Record<string, { type: { read(buffer: Buffer, offset: number): Buffer; counted?: boolean } }> }
>;

/** One submit_sm as the SMSC peer saw it. */
export interface SubmittedPdu {
  to: string;
  /** sm_length: octets of short_message (UDH included). */
  octets: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** Concatenation: reference, total, seq (from the UDH or the SAR TLVs). */
  concat: { ref: number; total: number; seq: number; via: 'udh' | 'sar' } | null;
  payload: boolean;
  text: string;
  messageId: string;
}

/**
 * An SMPP 3.4 SMSC (the smpp package's server) that behaves like an operator's: checks the bind,
 * refuses a short_message over `maxOctets` (ESME_RINVMSGLEN; SMPP allows 254, SMSCs hold a part to the
 * 140 octets of one SMS), refuses short_message together with message_payload (§5.3.2.32), puts
 * concatenated parts (UDH 8/16-bit reference IEs or SAR TLVs) back together, and sends delivery
 * receipts (deliver_sm, esm_class 0x04, Appendix B text) when asked. It can be told to fail submits or
 * to drop the connection on a submit without answering.
 */
export async function startSmppPeer(
  opts: {
    systemId?: string;
    password?: string;
    maxOctets?: number;
    receipts?: 'DELIVRD' | 'UNDELIV' | null;
    /**
     * What this SMSC takes as data_coding 0 (GSM 03.38): `octets`/`unpacked` one septet per octet (the
     * SMPP default; up to 160), or `packed` 7-bit packed user data (up to 140 octets, 23.038 §6.1.2.1.1).
     */
    gsm7?: 'unpacked' | 'packed';
    /** data_coding values it takes (default 0 and 8); others are refused with ESME_RINVDCS. */
    dataCodings?: number[];
    /**
     * An operator's flow control: at most `perSecond` submit_sm a second and `window` awaiting their
     * response (answered after `latencyMs`); over either → ESME_RTHROTTLED; every `queueFullEvery`-th
     * submit → ESME_RMSGQFUL. Refused submits are not accepted (the ESME must send them again).
     */
    throttle?: { perSecond?: number; window?: number; latencyMs?: number; queueFullEvery?: number };
  } = {},
) {
  const messages: Received[] = [];
  const pdus: SubmittedPdu[] = [];
  const state = {
    failSubmits: 0,
    dropSubmits: 0,
    receipts: opts.receipts ?? null,
    binds: 0,
    /** Answers ESME_RTHROTTLED / ESME_RMSGQFUL given, and parts accepted twice (must stay 0). */
    throttled: 0,
    queueFull: 0,
    duplicateParts: 0,
    /** The most submit_sm awaiting a response at once on one session. */
    maxInFlight: 0,
    receiptsSent: 0,
  };
  const accepted = new Set<string>();
  let submitsSeen = 0;
  let second = { start: 0, count: 0 };
  const pending = new Map<string, Map<number, string>>();
  const sessions = new Set<Session>();
  let nextId = 0x1a2b0;
  const server = smpp.createServer((session: Session) => {
    sessions.add(session);
    (session as unknown as { socket: { setNoDelay(v: boolean): void } }).socket.setNoDelay(true);
    let inFlight = 0;
    const answer = (pdu: Pdu, fields: Record<string, unknown>, delayed = false, then?: () => void) => {
      const send = () => {
        if (delayed) inFlight--;
        try {
          session.send(pdu.response(fields));
          then?.();
        } catch {
          /* the session is gone */
        }
      };
      if (delayed && (opts.throttle?.latencyMs ?? 0) > 0) setTimeout(send, opts.throttle!.latencyMs);
      else send();
    };
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: Pdu) => {
      const ok = pdu.system_id === (opts.systemId ?? 'abonent') && pdu.password === (opts.password ?? 'secret');
      if (ok) state.binds++;
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
      if (!ok) session.close();
    });
    session.on('submit_sm', (pdu: Pdu) => {
      if (state.dropSubmits > 0) {
        state.dropSubmits--;
        session.destroy(); // mid-submit: no submit_sm_resp, the TCP connection is gone
        return;
      }
      if (state.failSubmits > 0) {
        state.failSubmits--;
        session.send(pdu.response({ command_status: smpp.ESME_RSYSERR }));
        return;
      }
      const octets = lastShortMessageOctets;
      const raw = lastShortMessageRaw;
      const t = opts.throttle;
      if (t) {
        submitsSeen++;
        const now = Date.now();
        if (now - second.start >= 1000) second = { start: now, count: 0 };
        second.count++;
        if (t.queueFullEvery && submitsSeen % t.queueFullEvery === 0) {
          state.queueFull++;
          session.send(pdu.response({ command_status: smpp.ESME_RMSGQFUL }));
          return;
        }
        if ((t.perSecond && second.count > t.perSecond) || (t.window && inFlight >= t.window)) {
          state.throttled++;
          session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
          return;
        }
      }
      const dataCodingIn = Number(pdu.data_coding ?? 0);
      if (!(opts.dataCodings ?? [0, 8]).includes(dataCodingIn)) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVDCS }));
        return;
      }
      const sm = pdu.short_message as { message?: string; udh?: Buffer[] } | string | undefined;
      const mp = pdu.message_payload as { message?: string } | string | undefined;
      const payload = mp !== undefined;
      if (octets > (opts.maxOctets ?? 254) || (payload && octets > 0)) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVMSGLEN }));
        return;
      }
      let text = payload
        ? typeof mp === 'string'
          ? mp
          : (mp?.message ?? '')
        : typeof sm === 'string'
          ? sm
          : (sm?.message ?? '');
      if (dataCodingIn === 0 && !payload) {
        // GSM 03.38 as this SMSC takes it: septets one per octet (< 0x80, up to 160 with the header's
        // room), or packed (up to 140 octets, the text after a header aligned by fill bits).
        const udhi = (Number(pdu.esm_class ?? 0) & 0x40) !== 0;
        const headerLen = udhi ? raw[0]! + 1 : 0;
        const body = raw.subarray(headerLen);
        if (opts.gsm7 === 'packed') {
          if (raw.length > 140) return void session.send(pdu.response({ command_status: smpp.ESME_RINVMSGLEN }));
          const fill = (7 - ((headerLen * 8) % 7)) % 7;
          const count = Math.floor((body.length * 8 - fill) / 7);
          const septets = unpackSeptetsForPeer(body, count, fill);
          // Seven spare bits carry a padding CR (23.038 §6.1.2.3.1): not part of the text.
          const exact = (body.length * 8 - fill) % 7 === 0;
          const trimmed = exact && septets[septets.length - 1] === 0x0d ? septets.subarray(0, -1) : septets;
          text = smpp.encodings.ASCII.decode(trimmed);
        } else {
          if (body.some((b) => b > 0x7f) || headerLen + body.length > 160)
            return void session.send(pdu.response({ command_status: smpp.ESME_RINVMSGLEN }));
          text = smpp.encodings.ASCII.decode(body);
        }
      }
      const esmClass = Number(pdu.esm_class ?? 0);
      let concat: SubmittedPdu['concat'] = null;
      const udh = typeof sm === 'object' ? sm.udh : undefined;
      const ie = udh?.find((x) => x[0] === 0x00 || x[0] === 0x08);
      if (esmClass & 0x40 && ie) {
        concat =
          ie[0] === 0x00
            ? { ref: ie[2]!, total: ie[3]!, seq: ie[4]!, via: 'udh' }
            : { ref: ie.readUInt16BE(2), total: ie[4]!, seq: ie[5]!, via: 'udh' };
      } else if (pdu.sar_msg_ref_num !== undefined) {
        concat = {
          ref: Number(pdu.sar_msg_ref_num),
          total: Number(pdu.sar_total_segments),
          seq: Number(pdu.sar_segment_seqnum),
          via: 'sar',
        };
      }
      const messageId = (nextId++).toString(16);
      const to = String(pdu.destination_addr);
      const partKey = concat ? `${to}|${concat.via}|${concat.ref}|${concat.total}|${concat.seq}` : null;
      if (partKey) {
        if (accepted.has(partKey)) state.duplicateParts++;
        accepted.add(partKey);
      }
      pdus.push({
        to,
        octets,
        esmClass,
        dataCoding: Number(pdu.data_coding ?? 0),
        registeredDelivery: Number(pdu.registered_delivery ?? 0),
        concat,
        payload,
        text,
        messageId,
      });
      if (!concat) messages.push({ to, text });
      else {
        const key = `${to}:${concat.via}:${concat.ref}:${concat.total}`;
        const parts = pending.get(key) ?? new Map<number, string>();
        parts.set(concat.seq, text);
        pending.set(key, parts);
        if (parts.size === concat.total) {
          pending.delete(key);
          const whole = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
          messages.push({ to, text: whole.join('') });
        }
      }
      if (t?.latencyMs) {
        inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      }
      const stat = state.receipts;
      // The receipt follows the response (a handset cannot have the message before the SMSC took it).
      answer(pdu, { message_id: messageId }, Boolean(t?.latencyMs), () => {
        if (!stat || !(Number(pdu.registered_delivery ?? 0) & 0x01)) return;
        setImmediate(() => {
          const date = '2611251000';
          state.receiptsSent++;
          session.deliver_sm({
            source_addr: to,
            destination_addr: String(pdu.source_addr),
            esm_class: 0x04,
            short_message: `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:${stat === 'DELIVRD' ? '000' : '011'} text:`,
          });
        });
      });
    });
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smpp://127.0.0.1:${port}`,
    messages,
    pdus,
    state,
    /** Drops every client connection (an SMSC restart). */
    dropAll: () => {
      for (const s of sessions) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy();
        server.close(() => r());
      }),
  };
}

export async function startHttpSmsPeer() {
  const messages: Received[] = [];
  const state = { status: 200 };
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (state.status === 200) {
        const m = JSON.parse(body) as { to: string; text: string };
        messages.push({ to: m.to, text: m.text });
      }
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/send`,
    messages,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** 7-bit septets from packed octets after `fill` bits (3GPP TS 23.038 §6.1.2.1.1), as an SMSC unpacks them. */
function unpackSeptetsForPeer(octets: Buffer, count: number, fill: number): Buffer {
  const out = Buffer.alloc(Math.max(0, count));
  for (let i = 0, bit = fill; i < count; i++, bit += 7) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = octets[byte]! >> shift;
    if (shift > 1) v |= (octets[byte + 1] ?? 0) << (8 - shift);
    out[i] = v & 0x7f;
  }
  return out;
}
