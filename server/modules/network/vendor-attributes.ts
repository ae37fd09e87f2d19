import type { AttributeTemplate, NasVendor } from '../../db/schema/index.js';
import { canSend } from '../../integrations/radius/coa-client.js';

/**
 * What the network gives an account, and how each kind of NAS is told (docs/network.md, "Attributes per
 * vendor"). Speeds are the tariff's, in kbit/s; a debtor or suspended subscriber keeps the speed but is
 * redirected: MikroTik by address list (firewall rules send the list's HTTP to the captive portal), the
 * others by a separate address pool whose traffic the NAS redirects.
 */
export type Profile = 'active' | 'debtor' | 'suspended';

export interface ServiceState {
  profile: Profile;
  /** The speed in force (a plan's speed window at this hour, else the plan's). */
  downKbps: number;
  upKbps: number;
  staticIp: string | null;
  framedIpv6?: string | null;
  delegatedIpv6?: string | null;
  /** The plan's extra attributes (tariff_network.attributes). */
  templates?: readonly AttributeTemplate[];
}

export interface NetworkNames {
  debtorPool: string;
  debtorAddressList: string;
  activeAddressList: string;
}

export type RadiusAttribute = [name: string, value: string | number];

export function serviceAttributes(vendor: NasVendor, s: ServiceState, names: NetworkNames): RadiusAttribute[] {
  const redirect = s.profile !== 'active';
  const up = Math.max(1, s.upKbps);
  const down = Math.max(1, s.downKbps);
  const out: RadiusAttribute[] = [];
  switch (vendor) {
    case 'mikrotik':
      // rx/tx from the router's side: the first figure is the subscriber's upload.
      out.push(['Mikrotik-Rate-Limit', `${up}k/${down}k`]);
      out.push(['Mikrotik-Address-List', redirect ? names.debtorAddressList : names.activeAddressList]);
      break;
    case 'cisco':
      // IOS XR (ASR 9000 BNG): policy maps abonent-up-<N>k / abonent-down-<N>k defined on the router.
      out.push(['Cisco-AVPair', `subscriber:sub-qos-policy-in=abonent-up-${up}k`]);
      out.push(['Cisco-AVPair', `subscriber:sub-qos-policy-out=abonent-down-${down}k`]);
      break;
    case 'cisco_isg':
      // IOS XE ISG (ASR 1000, ISR): the same policy maps, by ISG's own attribute names.
      out.push(['Cisco-AVPair', `ip:sub-qos-policy-in=abonent-up-${up}k`]);
      out.push(['Cisco-AVPair', `ip:sub-qos-policy-out=abonent-down-${down}k`]);
      break;
    case 'juniper':
      out.push(['ERX-Ingress-Policy-Name', `abonent-up-${up}k`]);
      out.push(['ERX-Egress-Policy-Name', `abonent-down-${down}k`]);
      break;
    case 'huawei':
      out.push(['Huawei-Input-Average-Rate', up * 1000]);
      out.push(['Huawei-Output-Average-Rate', down * 1000]);
      break;
    case 'accel_ppp':
      // accel-ppp's shaper reads Filter-Id as "down/up" in kbit/s.
      out.push(['Filter-Id', `${down}/${up}`]);
      break;
    case 'generic':
      out.push(['WISPr-Bandwidth-Max-Up', up * 1000]);
      out.push(['WISPr-Bandwidth-Max-Down', down * 1000]);
      break;
  }
  if (redirect && vendor !== 'mikrotik') out.push(['Framed-Pool', names.debtorPool]);
  // A debtor in a separate pool cannot keep the static address; on MikroTik the list does the redirect.
  if (s.staticIp && (!redirect || vendor === 'mikrotik')) out.push(['Framed-IP-Address', s.staticIp]);
  // IPv6 only with full service: the captive portal redirect is IPv4 (a debtor's IPv6 would bypass it).
  if (!redirect && s.framedIpv6) out.push(['Framed-IPv6-Prefix', s.framedIpv6]);
  if (!redirect && s.delegatedIpv6) out.push(['Delegated-IPv6-Prefix', s.delegatedIpv6]);
  return applyTemplates(out, vendor, s, down, up);
}

/**
 * The plan's extra attributes for this vendor ('*': every vendor), {down} and {up} replaced by the speed in
 * force (kbit/s). One named like an attribute above replaces every one of that name (a Mikrotik-Rate-Limit
 * with bursts; both Cisco-AVPair policies). Not for a debtor or a suspended subscriber: their answer is the
 * redirect, whatever the plan adds.
 */
function applyTemplates(
  out: RadiusAttribute[],
  vendor: NasVendor,
  s: ServiceState,
  down: number,
  up: number,
): RadiusAttribute[] {
  const mine = (s.templates ?? []).filter((t) => t.vendor === '*' || t.vendor === vendor);
  if (mine.length === 0 || s.profile !== 'active') return out;
  const replaced = new Set(mine.map((t) => t.name));
  return [
    ...out.filter(([n]) => !replaced.has(n)),
    ...mine.map((t): RadiusAttribute => [
      t.name,
      t.value.replaceAll('{down}', String(down)).replaceAll('{up}', String(up)),
    ]),
  ];
}

/**
 * How an open session moves between the normal and the redirect profile: MikroTik changes address lists
 * with CoA; the others need a new address from another pool, so the session is disconnected and the
 * subscriber's router dials again at once. A speed change alone is always a CoA.
 */
export function profileChangeBy(vendor: NasVendor): 'coa' | 'disconnect' {
  return vendor === 'mikrotik' ? 'coa' : 'disconnect';
}

/** Attributes a live session cannot change (its addresses are given when it starts). */
const SESSION_FIXED = new Set(['Framed-IP-Address', 'Framed-Pool', 'Framed-IPv6-Prefix', 'Delegated-IPv6-Prefix']);

/**
 * The attributes a CoA changes on a live session: the service attributes (speed, address list, the plan's
 * templates) without the addresses.
 */
export function coaAttributes(vendor: NasVendor, s: ServiceState, names: NetworkNames): RadiusAttribute[] {
  return serviceAttributes(vendor, s, names).filter(([n, v]) => !SESSION_FIXED.has(n) && canSend(n, v));
}
