# MikroTik RouterOS 7 as Abonent's NAS (PPPoE and IPoE by DHCP). deploy/nas/README.md.
# Replace: 10.0.0.10 — FreeRADIUS; 10.0.0.20 — Abonent's worker (CoA); 10.0.0.1 — this router's address
# registered in Abonent; <SECRET> — the NAS secret; 203.0.113.10 — the captive portal (the public URL's host).

# RADIUS: PPP (PPPoE) and DHCP (IPoE), Message-Authenticator required both ways (RouterOS 7.15+, Blast-RADIUS).
/radius add service=ppp,dhcp address=10.0.0.10 secret="<SECRET>" src-address=10.0.0.1 timeout=3s \
    require-message-auth=yes-for-request-resp comment="Abonent via FreeRADIUS"
# CoA and Disconnect from Abonent (Mikrotik-Rate-Limit and Mikrotik-Address-List change live sessions).
/radius incoming set accept=yes port=3799
/ppp aaa set use-radius=yes accounting=yes interim-update=5m

# PPPoE. Abonent answers Framed-IP-Address (static IP) or nothing (this pool), Mikrotik-Rate-Limit,
# Mikrotik-Address-List, and IPv6 prefixes when the region has IPv6 pools.
/ip pool add name=pppoe-pool ranges=100.64.0.2-100.64.255.254
/ppp profile add name=abonent local-address=100.64.0.1 remote-address=pppoe-pool dns-server=10.0.0.53 \
    use-ipv6=yes
/interface pppoe-server server add service-name=abonent interface=bridge-access default-profile=abonent \
    authentication=pap,chap,mschap2 one-session-per-host=yes disabled=no

# IPoE: the DHCP server asks RADIUS (User-Name and Calling-Station-Id = the MAC, Option 82 as relayed).
/ip dhcp-server set [find name=dhcp-access] use-radius=yes

# Debtors and suspended subscribers: Abonent puts their sessions in address list abonent-debtors
# (everyone else in abonent-active); a payment moves them back by CoA, no reconnection.
# What they may still reach: the portal, the payment pages and GET /api/portal/allow-list (add each domain).
/ip firewall address-list add list=abonent-allowed address=203.0.113.10 comment="captive portal"
/ip firewall address-list add list=abonent-allowed address=gosuslugi.ru comment="from /api/portal/allow-list"
/ip firewall address-list add list=abonent-allowed address=yookassa.ru comment="card payments"
/ip firewall filter add chain=forward src-address-list=abonent-debtors protocol=udp dst-port=53 action=accept \
    comment="debtors: DNS"
/ip firewall filter add chain=forward src-address-list=abonent-debtors dst-address-list=abonent-allowed \
    action=accept comment="debtors: the allow-list"
/ip firewall nat add chain=dstnat src-address-list=abonent-debtors dst-address-list=!abonent-allowed \
    protocol=tcp dst-port=80 action=dst-nat to-addresses=203.0.113.10 to-ports=80 \
    comment="debtors: web to the captive portal (<public URL>/portal)"
/ip firewall filter add chain=forward src-address-list=abonent-debtors action=reject \
    reject-with=icmp-admin-prohibited comment="debtors: nothing else"
