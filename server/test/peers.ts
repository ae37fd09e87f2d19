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

export async function startSmppPeer(opts: { systemId?: string; password?: string } = {}) {
  const messages: Received[] = [];
  const state = { failSubmits: 0 };
  const server = smpp.createServer((session: Session) => {
    session.on('bind_transceiver', (pdu: Pdu) => {
      const ok = pdu.system_id === (opts.systemId ?? 'abonent') && pdu.password === (opts.password ?? 'secret');
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
      if (!ok) session.close();
    });
    session.on('submit_sm', (pdu: Pdu) => {
      if (state.failSubmits > 0) {
        state.failSubmits--;
        session.send(pdu.response({ command_status: smpp.ESME_RSYSERR }));
        return;
      }
      const sm = pdu.short_message as string | { message?: string };
      const text = typeof sm === 'string' ? sm : (sm.message ?? '');
      messages.push({ to: String(pdu.destination_addr), text });
      session.send(pdu.response({ message_id: String(messages.length) }));
    });
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smpp://127.0.0.1:${port}`,
    messages,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
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
