import { SmppClient, type SmppOptions } from './smpp-client.js';

export interface SmsMessage {
  /** 7XXXXXXXXXX */
  to: string;
  text: string;
  /**
   * Identifies this message across attempts (the outbox id): an SMPP gateway uses it as the
   * concatenation reference, so parts sent again after a drop join the parts already accepted.
   */
  reference?: number;
}

/** One SMS part the gateway accepted, with the id its delivery receipt will name. */
export interface SmsPart {
  seq: number;
  total: number;
  messageId: string | null;
}

export interface SmsSendOptions {
  /** Parts (1-based) already accepted on an earlier attempt: not sent again. */
  skipParts?: ReadonlySet<number>;
  /** Called as each part is accepted, before the next is sent (to record it). */
  onPart?: (p: SmsPart) => Promise<void>;
}

export interface SmsSender {
  /** Sends the parts not yet accepted; returns those accepted now. Throws when the gateway refuses. */
  send(m: SmsMessage, opts?: SmsSendOptions): Promise<SmsPart[]>;
  /** Connect now and stay connected for delivery receipts (SMPP). */
  start?(): void;
  close?(): Promise<void>;
}

/**
 * An HTTP SMS gateway (many Russian providers offer one): POST JSON {to, text, sender} with a bearer
 * key; any 2xx is accepted. The shape a provider-specific adapter fills in. The gateway splits long
 * texts itself; there are no delivery receipts on this path.
 */
export function httpSmsSender(opts: { url: string; apiKey?: string; sender: string }): SmsSender {
  return {
    async send(m) {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        },
        body: JSON.stringify({ to: m.to, text: m.text, sender: opts.sender }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
      return [];
    },
  };
}

/** SMS over SMPP 3.4 (see smpp-client.ts). */
export function smppSmsSender(o: SmppOptions): SmsSender {
  return new SmppClient(o);
}
