import { AppError } from '../../../common/errors.js';
import { ipAllowed } from '../agents/authenticate-agent.js';

/**
 * The networks YooKassa sends notifications from, as it publishes them ("Входящие уведомления",
 * https://yookassa.ru/developers/using-api/webhooks#ip; the same list in the SDKs, e.g.
 * WEBzaytsev/yookassa-ts-sdk YOOKASSA_IP_RANGES). YOOKASSA_WEBHOOK_ALLOW replaces it.
 */
export const YOOKASSA_NETWORKS = [
  '185.71.76.0/27',
  '185.71.77.0/27',
  '77.75.153.0/25',
  '77.75.156.11',
  '77.75.156.35',
  '77.75.154.128/25',
  '2a02:5180::/32',
];

export function parseAllowList(spec: string | undefined, fallback: string[]): string[] {
  if (spec === undefined || spec.trim() === '') return fallback;
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A provider's notification endpoint: only its networks (when it publishes them), and at most `perMinute`
 * notifications per source address — over that, 429, which the provider answers by sending it again
 * later. Checked before the body is read or anything asked, so a refused one changes nothing.
 */
export class WebhookGuard {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly o: { allow: string[] | null; perMinute: number; now?: () => number }) {}

  check(ip: string): void {
    if (this.o.allow && !ipAllowed(ip, this.o.allow)) throw new AppError('webhook_source_refused');
    const now = (this.o.now ?? Date.now)();
    const w = this.windows.get(ip);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear(); // many sources: start over rather than grow
      this.windows.set(ip, { start: now, count: 1 });
      return;
    }
    w.count++;
    if (w.count > this.o.perMinute)
      throw new AppError('rate_limited', { retryAfter: Math.ceil((w.start + 60_000 - now) / 1000) });
  }
}
