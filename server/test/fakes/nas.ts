import dgram from 'node:dgram';

import radius from 'radius';

import { verifyDynamicRequest } from '../../integrations/radius/coa-client.js';

/**
 * A NAS's Dynamic Authorization Server (RFC 5176) on 127.0.0.1 (or `host`): receives CoA-Request and
 * Disconnect-Request, checks the Request Authenticator with the shared secret (RFC 5176 §3, computed as
 * for Accounting-Request, RFC 2866 §3) and the Message-Authenticator (§3.5; required when
 * `requireMessageAuthenticator`, as a NAS configured against Blast-RADIUS does — RouterOS
 * `require-message-auth`), and answers ACK — signed with a Message-Authenticator when the request had
 * one — or NAK with an Error-Cause (§3.6): 404 "Invalid-Request" for a CoA it refuses, 503
 * "Session-Context-Not-Found" for a session it does not have, 506 "Resources-Unavailable" when it cannot.
 * Packets with a wrong authenticator are dropped, as a NAS does. `delayMs` answers late (a busy NAS).
 */
export interface ReceivedCoa {
  code: 'CoA-Request' | 'Disconnect-Request';
  attributes: Record<string, unknown>;
  at: number;
  /** The request carried a (valid) Message-Authenticator. */
  messageAuthenticator: boolean;
}

/**
 * ack: answer every request; nak-coa: refuse CoA (Disconnect still acknowledged); nak-all: refuse both
 * (Resources-Unavailable); no-session: NAK everything with Session-Context-Not-Found; silent: never answer.
 */
export type FakeNasMode = 'ack' | 'nak-coa' | 'nak-all' | 'no-session' | 'silent';

export async function startFakeNas(opts: {
  secret: string;
  port?: number;
  host?: string;
  requireMessageAuthenticator?: boolean;
  delayMs?: number;
}) {
  const received: ReceivedCoa[] = [];
  let mode: FakeNasMode = 'ack';
  let dropped = 0;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 20 || (msg[0] !== 43 && msg[0] !== 40) || !verifyDynamicRequest(msg, opts.secret)) {
      dropped++;
      return; // wrong secret or a forged packet: silently discarded
    }
    const signed = hasAttribute(msg, 80);
    if (opts.requireMessageAuthenticator && !signed) {
      dropped++;
      return;
    }
    // Authenticators checked above (the package checks a CoA's Message-Authenticator the Access-Request way).
    const packet = radius.decode_without_secret({ packet: msg });
    if (packet.code !== 'CoA-Request' && packet.code !== 'Disconnect-Request') return;
    received.push({
      code: packet.code,
      attributes: packet.attributes as Record<string, unknown>,
      at: Date.now(),
      messageAuthenticator: signed,
    });
    if (mode === 'silent') return;
    const cause =
      mode === 'no-session'
        ? 'Session-Context-Not-Found'
        : mode === 'nak-all'
          ? 'Resources-Unavailable'
          : mode === 'nak-coa' && packet.code === 'CoA-Request'
            ? 'Invalid-Request'
            : null;
    const isCoa = packet.code === 'CoA-Request';
    const code = cause ? (isCoa ? 'CoA-NAK' : 'Disconnect-NAK') : isCoa ? 'CoA-ACK' : 'Disconnect-ACK';
    const reply = radius.encode_response({
      packet,
      code,
      secret: opts.secret,
      attributes: cause ? [['Error-Cause', cause]] : [],
    });
    const send = () => socket.send(reply, rinfo.port, rinfo.address);
    if (opts.delayMs) setTimeout(send, opts.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => socket.bind(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    /** Packets dropped: a wrong authenticator, or no Message-Authenticator where one is required. */
    dropped: () => dropped,
    setMode(m: FakeNasMode) {
      mode = m;
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

function hasAttribute(packet: Buffer, type: number): boolean {
  for (let i = 20; i + 2 <= packet.length; i += packet[i + 1]!) {
    if (packet[i + 1]! < 2) return false;
    if (packet[i] === type) return true;
  }
  return false;
}
