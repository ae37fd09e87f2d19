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
  opts: { systemId?: string; password?: string; maxOctets?: number; receipts?: 'DELIVRD' | 'UNDELIV' | null } = {},
) {
  const messages: Received[] = [];
  const pdus: SubmittedPdu[] = [];
  const state = { failSubmits: 0, dropSubmits: 0, receipts: opts.receipts ?? null, binds: 0 };
  const pending = new Map<string, Map<number, string>>();
  const sessions = new Set<Session>();
  let nextId = 0x1a2b0;
  const server = smpp.createServer((session: Session) => {
    sessions.add(session);
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
      const sm = pdu.short_message as { message?: string; udh?: Buffer[] } | string | undefined;
      const mp = pdu.message_payload as { message?: string } | string | undefined;
      const payload = mp !== undefined;
      if (octets > (opts.maxOctets ?? 254) || (payload && octets > 0)) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVMSGLEN }));
        return;
      }
      const text = payload
        ? typeof mp === 'string'
          ? mp
          : (mp?.message ?? '')
        : typeof sm === 'string'
          ? sm
          : (sm?.message ?? '');
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
      session.send(pdu.response({ message_id: messageId }));
      const stat = state.receipts;
      if (stat && Number(pdu.registered_delivery ?? 0) & 0x01) {
        setImmediate(() => {
          const date = '2611251000';
          session.deliver_sm({
            source_addr: to,
            destination_addr: String(pdu.source_addr),
            esm_class: 0x04,
            short_message: `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:${stat === 'DELIVRD' ? '000' : '011'} text:`,
          });
        });
      }
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
