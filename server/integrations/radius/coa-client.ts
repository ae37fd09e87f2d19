import { createHash, createHmac, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';

import radius from 'radius';

/**
 * Dynamic Authorization (RFC 5176) to a NAS: CoA-Request (change a live session's attributes) and
 * Disconnect-Request (end it). Attributes are encoded by the `radius` package; every request carries a
 * Message-Authenticator, first (RFC 5176 §3.5 — Blast-RADIUS, CVE-2024-3596: a NAS that requires one drops
 * requests without it), signed here: HMAC-MD5 over the packet with the Request Authenticator field zeroed,
 * then the Request Authenticator = MD5(Code+ID+Length+16 zero octets+Attributes+Secret) over the result
 * (the package signs these two in the other order). An answer counts only with a valid Response
 * Authenticator and, when it has one, a valid Message-Authenticator. Retransmissions repeat the same
 * packet, as RFC 5176 §2.3 and RFC 5080 §2.2.1 ask.
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

/**
 * Codes of the answers (RFC 5176 §2): only a NAK is decoded (for its Error-Cause); an ACK is known by its
 * code once its authenticators check out.
 */
const ACK = new Set([41, 44]);
const NAK = new Set([42, 45]);

/**
 * Sends on one UDP socket per address family, shared by every request in flight: a burst of thousands
 * (the daily run blocking accounts) makes no socket per request. An answer is matched to its request by
 * the NAS's address and port and the identifier, which is unique among the requests in flight to that
 * NAS (256 at most; a request that finds none free waits for one).
 */
export class CoaClient implements CoaSender {
  private sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  /** In flight, by `<address>|<port>|<identifier>`: true when the message was its answer. */
  private waiting = new Map<string, (msg: Buffer) => boolean>();
  private queued = new Map<string, (() => void)[]>();

  constructor(private readonly o: { timeoutMs: number; tries: number }) {}

  private socket(family: 'udp4' | 'udp6'): dgram.Socket {
    let s = this.sockets.get(family);
    if (!s) {
      s = dgram.createSocket(family);
      s.on('message', (msg, rinfo) => {
        if (msg.length < 20) return;
        if (this.waiting.get(`${rinfo.address}|${rinfo.port}|${msg[1]}`)?.(msg)) return;
        // A NAS answering from another of its addresses: the request whose authenticators it matches.
        for (const [key, onAnswer] of this.waiting) if (key.endsWith(`|${msg[1]}`) && onAnswer(msg)) return;
      });
      s.on('error', () => {
        // A send error reaches its request through send's callback; the socket stays for the others.
      });
      // Not keeping the process alive for itself.
      s.unref();
      this.sockets.set(family, s);
    }
    return s;
  }

  /**
   * A free identifier towards the NAS (from a random start), or after one is given back; taken (an entry
   * in `waiting` that matches no answer yet) before this returns. Checked and taken in one synchronous
   * step: a burst of sends each awaiting its identifier must not pick the same one — the second would
   * take the first one's answers, and the first would time out through every try though the NAS had
   * applied it (seen in bench:radius as 3 s batches and 7% retransmissions).
   */
  private async identifier(nas: string): Promise<number> {
    for (;;) {
      const start = randomInt(256);
      for (let i = 0; i < 256; i++) {
        const id = (start + i) % 256;
        if (!this.waiting.has(`${nas}|${id}`)) {
          this.waiting.set(`${nas}|${id}`, () => false);
          return id;
        }
      }
      await new Promise<void>((r) => {
        const q = this.queued.get(nas) ?? [];
        q.push(r);
        this.queued.set(nas, q);
      });
    }
  }

  async send(kind: CoaKind, target: CoaTarget, attributes: [string, string | number][]): Promise<CoaResult> {
    const code = kind === 'coa' ? 'CoA-Request' : 'Disconnect-Request';
    const family = target.address.includes(':') ? 'udp6' : 'udp4';
    const nas = `${target.address}|${target.port}`;
    const id = await this.identifier(nas);
    const key = `${nas}|${id}`;
    let packet: Buffer;
    try {
      packet = encodeDynamicRequest(code, target.secret, id, attributes);
    } catch (e) {
      this.waiting.delete(key);
      this.queued.get(nas)?.shift()?.();
      return { status: 'error', error: `encode: ${String(e)}`, tries: 0 };
    }
    const socket = this.socket(family);
    return new Promise<CoaResult>((resolve) => {
      let tries = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (r: Omit<CoaResult, 'tries'>) => {
        clearTimeout(timer);
        if (this.waiting.get(key) === onAnswer) this.waiting.delete(key);
        this.queued.get(nas)?.shift()?.();
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
      // Only an answer to this packet, signed with the shared secret, counts.
      const onAnswer = (msg: Buffer): boolean => {
        if (!verifyDynamicResponse(packet, msg, target.secret)) return false;
        if (ACK.has(msg[0]!)) finish({ status: 'ack' });
        else if (NAK.has(msg[0]!)) {
          const answer = radius.decode({ packet: msg, secret: target.secret });
          const cause = (answer.attributes as Record<string, unknown>)['Error-Cause'] as string | number | undefined;
          finish({ status: 'nak', error: cause === undefined ? undefined : String(cause) });
        }
        return true;
      };
      this.waiting.set(key, onAnswer);
      attempt();
    });
  }
}

const encodable = new Map<string, boolean>();
/**
 * Whether this client can send an attribute (it is in the `radius` package's dictionaries or
 * dictionary.vendors): a plan's template may name one only FreeRADIUS knows; a CoA leaves it out.
 */
export function canSend(name: string, value: string | number): boolean {
  let ok = encodable.get(name);
  if (ok === undefined) {
    try {
      radius.encode({ code: 'CoA-Request', secret: 'x', attributes: toPacketAttributes([[name, value]]) });
      ok = true;
    } catch {
      ok = false;
    }
    encodable.set(name, ok);
  }
  return ok;
}

const MA = 80;

/** A CoA- or Disconnect-Request with its Message-Authenticator first, signed as RFC 5176 §3.5 says. */
export function encodeDynamicRequest(
  code: 'CoA-Request' | 'Disconnect-Request',
  secret: string,
  identifier: number,
  attributes: [string, string | number][],
): Buffer {
  const packet = radius.encode({
    code,
    secret,
    identifier,
    attributes: [['Message-Authenticator', Buffer.alloc(16)], ...toPacketAttributes(attributes)],
    add_message_authenticator: false,
  });
  if (packet[20] !== MA) throw new Error('Message-Authenticator is not the first attribute');
  packet.fill(0, 4, 20);
  createHmac('md5', secret).update(packet).digest().copy(packet, 22);
  createHash('md5').update(packet).update(secret).digest().copy(packet, 4);
  return packet;
}

/** Checks a request's Request Authenticator and, if present, its Message-Authenticator (a NAS's view). */
export function verifyDynamicRequest(packet: Buffer, secret: string): boolean {
  if (packet.length < 20) return false;
  const copy = Buffer.from(packet);
  copy.fill(0, 4, 20);
  const ma = findAttribute(copy, MA);
  if (ma >= 0) {
    const given = Buffer.from(copy.subarray(ma + 2, ma + 18));
    copy.fill(0, ma + 2, ma + 18);
    if (!createHmac('md5', secret).update(copy).digest().equals(given)) return false;
    given.copy(copy, ma + 2);
  }
  return createHash('md5').update(copy).update(secret).digest().equals(packet.subarray(4, 20));
}

/** An answer to `request`: its Response Authenticator, and its Message-Authenticator when it has one. */
export function verifyDynamicResponse(request: Buffer, response: Buffer, secret: string): boolean {
  if (response.length < 20 || response[1] !== request[1]) return false;
  const copy = Buffer.from(response);
  request.copy(copy, 4, 4, 20);
  const expected = createHash('md5').update(copy).update(secret).digest();
  if (!expected.equals(response.subarray(4, 20))) return false;
  const ma = findAttribute(copy, MA);
  if (ma < 0) return true;
  const given = Buffer.from(copy.subarray(ma + 2, ma + 18));
  copy.fill(0, ma + 2, ma + 18);
  return createHmac('md5', secret).update(copy).digest().equals(given);
}

/** The offset of the first attribute of `type`, or -1. */
function findAttribute(packet: Buffer, type: number): number {
  const end = Math.min(packet.length, packet.readUInt16BE(2));
  for (let i = 20; i + 2 <= end;) {
    const len = packet[i + 1]!;
    if (len < 2) return -1;
    if (packet[i] === type) return len === 18 ? i : -1;
    i += len;
  }
  return -1;
}
