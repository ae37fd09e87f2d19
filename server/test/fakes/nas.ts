import dgram from 'node:dgram';

import radius from 'radius';

/**
 * A NAS's Dynamic Authorization Server (RFC 5176) on 127.0.0.1 (or `host`): receives CoA-Request and
 * Disconnect-Request, checks the Request Authenticator with the shared secret (RFC 5176 §3, computed
 * as for Accounting-Request, RFC 2866 §3) and answers ACK — or NAK with Error-Cause 503
 * "Session-Context-Not-Found" (§3.6) for a session it does not know when told to, or 404
 * "Invalid-Request" for a CoA it refuses. Packets with a wrong authenticator are dropped, as a NAS does.
 */
export interface ReceivedCoa {
  code: 'CoA-Request' | 'Disconnect-Request';
  attributes: Record<string, unknown>;
  at: number;
}

export async function startFakeNas(opts: { secret: string; port?: number; host?: string }) {
  const received: ReceivedCoa[] = [];
  let mode: 'ack' | 'nak-coa' | 'silent' = 'ack';
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    let packet: ReturnType<typeof radius.decode>;
    try {
      packet = radius.decode({ packet: msg, secret: opts.secret });
    } catch {
      return; // wrong secret: silently discarded
    }
    if (packet.code !== 'CoA-Request' && packet.code !== 'Disconnect-Request') return;
    received.push({ code: packet.code, attributes: packet.attributes as Record<string, unknown>, at: Date.now() });
    if (mode === 'silent') return;
    const nak = mode === 'nak-coa' && packet.code === 'CoA-Request';
    const code = packet.code === 'CoA-Request' ? (nak ? 'CoA-NAK' : 'CoA-ACK') : 'Disconnect-ACK';
    const reply = radius.encode_response({
      packet,
      code,
      secret: opts.secret,
      attributes: nak ? [['Error-Cause', 'Invalid-Request']] : [],
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    /** ack: answer every request; nak-coa: refuse CoA (Disconnect still acknowledged); silent: never answer. */
    setMode(m: typeof mode) {
      mode = m;
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
