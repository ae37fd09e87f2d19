import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';

import radius from 'radius';

/**
 * Dynamic Authorization (RFC 5176) to a NAS: CoA-Request (change a live session's attributes) and
 * Disconnect-Request (end it). Packets are built and checked by the `radius` package (RFC 2865/5176
 * encoding, Request Authenticator = MD5(Code+ID+Length+16 zero octets+Attributes+Secret), response
 * authenticator verified); retransmissions repeat the same packet, as RFC 5176 §2.3 and RFC 5080 §2.2.1 ask.
 */
radius.add_dictionary(fileURLToPath(new URL('./dictionary.vendors', import.meta.url)));

export type CoaKind = 'coa' | 'disconnect';

export interface CoaTarget {
  address: string;
  port: number;
  secret: string;
}

export interface CoaResult {
  status: 'ack' | 'nak' | 'timeout' | 'error';
  /** Error-Cause of a NAK (RFC 5176 §3.5), e.g. Session-Context-Not-Found; or the local error. */
  error?: string;
  tries: number;
}

export interface CoaSender {
  send(kind: CoaKind, target: CoaTarget, attributes: [string, string | number][]): Promise<CoaResult>;
}

const VENDOR_OF: [prefix: string, vendor: string][] = [
  ['Mikrotik-', 'Mikrotik'],
  ['Cisco-', 'Cisco'],
  ['ERX-', 'ERX'],
  ['Huawei-', 'Huawei'],
  ['WISPr-', 'WISPr'],
];

/** Wraps vendor attributes in Vendor-Specific, as the radius package encodes them. */
export function toPacketAttributes(attributes: [string, string | number][]): unknown[] {
  return attributes.map(([name, value]) => {
    const vendor = VENDOR_OF.find(([p]) => name.startsWith(p))?.[1];
    return vendor ? ['Vendor-Specific', vendor, [[name, value]]] : [name, value];
  });
}

export class CoaClient implements CoaSender {
  constructor(private readonly o: { timeoutMs: number; tries: number }) {}

  async send(kind: CoaKind, target: CoaTarget, attributes: [string, string | number][]): Promise<CoaResult> {
    const code = kind === 'coa' ? 'CoA-Request' : 'Disconnect-Request';
    let packet: Buffer;
    try {
      packet = radius.encode({
        code,
        secret: target.secret,
        identifier: randomInt(256),
        attributes: toPacketAttributes(attributes),
      });
    } catch (e) {
      return { status: 'error', error: `encode: ${String(e)}`, tries: 0 };
    }
    const family = target.address.includes(':') ? 'udp6' : 'udp4';
    const socket = dgram.createSocket(family);
    try {
      return await new Promise<CoaResult>((resolve) => {
        let tries = 0;
        let timer: NodeJS.Timeout | undefined;
        const finish = (r: Omit<CoaResult, 'tries'>) => {
          clearTimeout(timer);
          resolve({ ...r, tries });
        };
        const attempt = () => {
          if (tries >= this.o.tries) return finish({ status: 'timeout' });
          tries++;
          socket.send(packet, target.port, target.address, (err) => {
            if (err) finish({ status: 'error', error: err.message });
          });
          timer = setTimeout(attempt, this.o.timeoutMs);
        };
        socket.on('error', (err) => finish({ status: 'error', error: err.message }));
        socket.on('message', (msg) => {
          // Only an answer to this packet, signed with the shared secret, counts.
          if (msg.length < 20 || msg[1] !== packet[1]) return;
          let ok: boolean;
          try {
            ok = radius.verify_response({ request: packet, response: Buffer.from(msg), secret: target.secret });
          } catch {
            ok = false;
          }
          if (!ok) return;
          const answer = radius.decode({ packet: msg, secret: target.secret });
          if (answer.code === 'CoA-ACK' || answer.code === 'Disconnect-ACK') return finish({ status: 'ack' });
          if (answer.code === 'CoA-NAK' || answer.code === 'Disconnect-NAK') {
            const attrs = answer.attributes as Record<string, unknown>;
            const cause = attrs['Error-Cause'] as string | number | undefined;
            return finish({ status: 'nak', error: cause === undefined ? undefined : String(cause) });
          }
        });
        attempt();
      });
    } finally {
      socket.close();
    }
  }
}
