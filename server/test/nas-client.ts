import '../integrations/radius/coa-client.js'; // the vendor dictionaries (Mikrotik, Cisco, …) it loads

import { createHash, randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';

import radius from 'radius';

export interface NasAnswer {
  code: string;
  attributes: Record<string, unknown>;
  /** Tries it took (a NAS retransmits after `timeoutMs`). */
  tries: number;
}

/**
 * A NAS's RADIUS client, for tests that put load on FreeRADIUS: Access-Requests with a
 * Message-Authenticator and Accounting-Requests, each retransmitted like a NAS does (the same packet
 * after `timeoutMs`, `tries` times; RFC 5080 §2.2.1), answered or 'none'. Answers are checked with the
 * shared secret (a forged one is ignored).
 */
export async function nasRequest(o: {
  port: number;
  secret: string;
  code: 'Access-Request' | 'Accounting-Request';
  attributes: [string, string | number | Buffer][];
  timeoutMs?: number;
  tries?: number;
}): Promise<NasAnswer> {
  const packet = radius.encode({
    code: o.code,
    secret: o.secret,
    identifier: randomInt(256),
    attributes: o.attributes,
    add_message_authenticator: o.code === 'Access-Request',
  });
  const socket = dgram.createSocket('udp4');
  try {
    return await new Promise<NasAnswer>((resolve) => {
      let tries = 0;
      let timer: NodeJS.Timeout | undefined;
      const attempt = () => {
        if (tries >= (o.tries ?? 3)) return resolve({ code: 'none', attributes: {}, tries });
        tries++;
        socket.send(packet, o.port, '127.0.0.1');
        timer = setTimeout(attempt, o.timeoutMs ?? 1000);
      };
      socket.on('message', (msg) => {
        if (msg[1] !== packet[1]) return;
        let ok: boolean;
        try {
          ok = radius.verify_response({ request: packet, response: Buffer.from(msg), secret: o.secret });
        } catch {
          ok = false;
        }
        if (!ok) return;
        clearTimeout(timer);
        const d = radius.decode({ packet: msg, secret: o.secret });
        resolve({ code: d.code, attributes: d.attributes as Record<string, unknown>, tries });
      });
      socket.on('error', () => {
        clearTimeout(timer);
        resolve({ code: 'none', attributes: {}, tries });
      });
      attempt();
    });
  } finally {
    socket.close();
  }
}

/** CHAP as a NAS sends it (RFC 1994, RFC 2865 §5.3): CHAP-Challenge and CHAP-Password = id ‖ MD5(id ‖ password ‖ challenge). */
export function chapAttributes(password: string): [string, Buffer][] {
  const challenge = randomBytes(16);
  const id = Buffer.from([randomInt(256)]);
  const response = createHash('md5').update(id).update(password, 'utf8').update(challenge).digest();
  return [
    ['CHAP-Password', Buffer.concat([id, response])],
    ['CHAP-Challenge', challenge],
  ];
}
