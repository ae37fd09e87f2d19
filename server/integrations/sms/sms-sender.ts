import smpp from 'smpp';

export interface SmsMessage {
  /** 7XXXXXXXXXX */
  to: string;
  text: string;
}

export interface SmsSender {
  send(m: SmsMessage): Promise<void>;
}

/**
 * SMS over SMPP 3.4: bind as transceiver, submit_sm (UCS2 for Cyrillic, chosen by the library from
 * the text), check submit_sm_resp, unbind. One connection per message keeps it simple and robust
 * for the volumes of recovery codes and notices; a pooled session is the next step for mass mailing.
 */
export function smppSmsSender(opts: {
  url: string;
  systemId: string;
  password: string;
  sender: string;
  timeoutMs?: number;
}): SmsSender {
  return {
    send(m) {
      return new Promise<void>((resolve, reject) => {
        const session = smpp.connect({ url: opts.url, auto_enquire_link_period: 0 });
        const timer = setTimeout(() => fail(new Error('SMPP timeout')), opts.timeoutMs ?? 10_000);
        let done = false;
        const finish = (err?: Error) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          try {
            session.close();
          } catch {
            /* already closed */
          }
          if (err) reject(err);
          else resolve();
        };
        const fail = (e: Error) => finish(e);
        session.on('error', (e: Error) => fail(e));
        session.bind_transceiver({ system_id: opts.systemId, password: opts.password }, (bind) => {
          if (bind.command_status !== 0) return fail(new Error(`SMPP bind failed: status ${bind.command_status}`));
          session.submit_sm(
            {
              source_addr: opts.sender,
              source_addr_ton: 5,
              destination_addr: m.to,
              dest_addr_ton: 1,
              dest_addr_npi: 1,
              short_message: m.text,
            },
            (resp) => {
              if (resp.command_status !== 0)
                return fail(new Error(`SMPP submit_sm failed: status ${resp.command_status}`));
              session.unbind(undefined, () => finish());
              setTimeout(() => finish(), 500); // an SMSC that never answers unbind is fine
            },
          );
        });
      });
    },
  };
}

/**
 * An HTTP SMS gateway (many Russian providers offer one): POST JSON {to, text, sender} with a bearer
 * key; any 2xx is accepted. The shape a provider-specific adapter fills in.
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
    },
  };
}
