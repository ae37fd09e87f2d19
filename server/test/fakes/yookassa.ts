import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface FakePayment {
  id: string;
  status: 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
  amount: { value: string; currency: string };
  confirmation?: { type: 'redirect'; confirmation_url: string; return_url: string };
  payment_method?: { type: 'bank_card'; id: string; saved: boolean; title: string };
  metadata?: Record<string, string>;
  save: boolean;
}

/**
 * A local fake of the YooKassa API v3 (the parts Abonent uses): Basic auth, Idempotence-Key replay,
 * payments (redirect confirmation, save_payment_method, payment_method_id charges), GET, refunds.
 * Tests move a payment with `succeed(id)` / `cancel(id)`, as a payer on the real page would.
 */
export async function startFakeYooKassa(opts: { shopId: string; secretKey: string }) {
  const payments = new Map<string, FakePayment>();
  const byKey = new Map<string, unknown>();
  const savedMethods = new Set<string>();
  const requests: { method: string; path: string; key?: string }[] = [];
  const auth = `Basic ${Buffer.from(`${opts.shopId}:${opts.secretKey}`).toString('base64')}`;

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (code: number, obj: unknown) =>
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
      const key = req.headers['idempotence-key'] as string | undefined;
      requests.push({ method: req.method!, path: req.url!, key });
      if (req.headers.authorization !== auth) return send(401, { type: 'error', code: 'invalid_credentials' });
      if (req.method === 'POST') {
        if (!key) return send(400, { type: 'error', code: 'invalid_request', description: 'Idempotence-Key required' });
        if (byKey.has(key)) return send(200, byKey.get(key));
      }
      const json = body ? JSON.parse(body) : {};
      const m = /^\/v3\/payments\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const p = payments.get(decodeURIComponent(m[1]!));
        return p ? send(200, view(p)) : send(404, { type: 'error', code: 'not_found' });
      }
      if (req.method === 'POST' && req.url === '/v3/payments') {
        const id = randomUUID();
        const p: FakePayment = {
          id,
          status: 'pending',
          amount: json.amount,
          metadata: json.metadata,
          save: !!json.save_payment_method,
        };
        if (json.payment_method_id) {
          p.status = savedMethods.has(json.payment_method_id) ? 'succeeded' : 'canceled';
          p.payment_method = { type: 'bank_card', id: json.payment_method_id, saved: true, title: 'Bank card *4444' };
        } else {
          p.confirmation = {
            type: 'redirect',
            return_url: json.confirmation.return_url,
            confirmation_url: `https://yoomoney.example/checkout/${id}`,
          };
        }
        payments.set(id, p);
        byKey.set(key!, view(p));
        return send(200, view(p));
      }
      if (req.method === 'POST' && req.url === '/v3/refunds') {
        const p = payments.get(json.payment_id);
        if (!p || p.status !== 'succeeded') return send(400, { type: 'error', code: 'invalid_request' });
        const r = { id: randomUUID(), status: 'succeeded', payment_id: p.id, amount: json.amount };
        byKey.set(key!, r);
        return send(200, r);
      }
      send(404, { type: 'error', code: 'not_found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;

  function view(p: FakePayment) {
    const { save: _save, ...rest } = p;
    return rest;
  }
  return {
    url,
    payments,
    requests,
    succeed(id: string) {
      const p = payments.get(id)!;
      p.status = 'succeeded';
      const pmId = `pm-${id}`;
      p.payment_method = { type: 'bank_card', id: pmId, saved: p.save, title: 'Bank card *4444' };
      if (p.save) savedMethods.add(pmId);
    },
    cancel(id: string) {
      payments.get(id)!.status = 'canceled';
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
