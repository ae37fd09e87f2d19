import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

import { eq } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { agents } from '../../db/schema/index.js';

export type Agent = typeof agents.$inferSelect;

export function hashAgentSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `ip` is inside one of the CIDR blocks (IPv4-mapped IPv6 addresses count as IPv4). */
export function ipAllowed(ip: string, cidrs: string[]): boolean {
  const addr = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(addr);
  if (!family) return false;
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/');
    const f = isIP(net ?? '');
    if (!f) continue;
    const prefix = bits === undefined ? (f === 4 ? 32 : 128) : Number(bits);
    list.addSubnet(net!, prefix, f === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

export type AgentAuth = { ok: true; agent: Agent } | { ok: false; reason: 'credentials' | 'ip' | 'disabled' };

/**
 * HTTP Basic credentials (login = agent code) and the IP allow-list. The URL's code must match the
 * login, so one agent's secret never opens another's endpoint.
 */
export async function authenticateAgent(
  db: Db,
  input: { code: string; authorization?: string; ip: string },
): Promise<AgentAuth> {
  const header = input.authorization ?? '';
  if (!header.startsWith('Basic ')) return { ok: false, reason: 'credentials' };
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return { ok: false, reason: 'credentials' };
  const login = decoded.slice(0, sep);
  const secret = decoded.slice(sep + 1);
  if (login !== input.code) return { ok: false, reason: 'credentials' };
  const [agent] = await db.select().from(agents).where(eq(agents.code, input.code));
  const given = Buffer.from(hashAgentSecret(secret), 'hex');
  const stored = Buffer.from(agent?.secretHash ?? '0'.repeat(64), 'hex');
  if (!agent || given.length !== stored.length || !timingSafeEqual(given, stored))
    return { ok: false, reason: 'credentials' };
  if (!ipAllowed(input.ip, agent.allowedCidrs)) return { ok: false, reason: 'ip' };
  if (!agent.active) return { ok: false, reason: 'disabled' };
  return { ok: true, agent };
}
