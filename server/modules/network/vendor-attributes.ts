import type { NasVendor } from '../../db/schema/index.js';

/**
 * What the network gives an account, and how each kind of NAS is told (docs/network.md, "Attributes per
 * vendor"). Speeds are the tariff's, in kbit/s; a debtor or suspended subscriber keeps the speed but is
 * redirected: MikroTik by address list (firewall rules send the list's HTTP to the captive portal), the
 * others by a separate address pool whose traffic the NAS redirects.
 */
export type Profile = 'active' | 'debtor' | 'suspended';

export interface ServiceState {
  profile: Profile;
  downKbps: number;
  upKbps: number;
  staticIp: string | null;
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
      out.push(['Cisco-AVPair', `subscriber:sub-qos-policy-in=abonent-up-${up}k`]);
      out.push(['Cisco-AVPair', `subscriber:sub-qos-policy-out=abonent-down-${down}k`]);
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
  return out;
}

/**
 * How an open session moves between the normal and the redirect profile: MikroTik changes address lists
 * with CoA; the others need a new address from another pool, so the session is disconnected and the
 * subscriber's router dials again at once. A speed change alone is always a CoA.
 */
export function profileChangeBy(vendor: NasVendor): 'coa' | 'disconnect' {
  return vendor === 'mikrotik' ? 'coa' : 'disconnect';
}

/** The attributes a CoA changes on a live session: the service attributes without the address. */
export function coaAttributes(vendor: NasVendor, s: ServiceState, names: NetworkNames): RadiusAttribute[] {
  return serviceAttributes(vendor, s, names).filter(([n]) => n !== 'Framed-IP-Address' && n !== 'Framed-Pool');
}
