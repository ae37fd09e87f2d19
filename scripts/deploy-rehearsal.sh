#!/usr/bin/env bash
# Walks docs/deploy.md on this machine, as root, from a fresh clone of this repository to a production
# process behind nginx with TLS, then a backup restored into a second database and its ledger verified.
# Where a container differs from a server it says so: no systemd as PID 1 (the unit's ExecStart is run
# by hand as the `abonent` user with the same env file), a self-signed certificate instead of certbot.
# Usage: sudo scripts/deploy-rehearsal.sh [--keep]   (--keep leaves the install running for a look)
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
APP=/opt/abonent/app
ENVF=/etc/abonent/abonent.env
DOMAIN=lk.rehearsal.test
LOG=/tmp/abonent-rehearsal.log
step() { printf '\n== %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "run as root"; exit 1; }

step "1. packages"
for p in sudo nginx postgresql git openssl curl; do
  dpkg -s "$p" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$p"
done
node --version

step "1b. clean up an earlier rehearsal"
pkill -u abonent -f 'server/main.ts' 2>/dev/null || true
rm -rf /opt/abonent /etc/abonent /etc/nginx/sites-enabled/abonent /etc/nginx/sites-available/abonent
PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$PGVER" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
for db in abonent_rehearsal abonent_rehearsal_restore; do sudo -u postgres dropdb --if-exists "$db"; done
sudo -u postgres psql -qc "DROP ROLE IF EXISTS abonent_rh"

step "2. PostgreSQL: a role owning the database, password, localhost only"
DBPASS=$(openssl rand -hex 24)
sudo -u postgres psql -qc "CREATE ROLE abonent_rh LOGIN PASSWORD '$DBPASS'"
sudo -u postgres createdb --owner=abonent_rh --encoding=UTF8 abonent_rehearsal

step "3. the application: a fresh clone, npm ci, the web build"
id abonent >/dev/null 2>&1 || adduser --system --group --home /opt/abonent abonent
install -d -o abonent -g abonent /opt/abonent
# The "remote": a bare copy of this repository's committed HEAD (no network here), cloned as on a server.
ORIGIN=/tmp/abonent-origin.git
rm -rf "$ORIGIN" && git clone --quiet --bare "$SRC" "$ORIGIN" && chown -R abonent:abonent "$ORIGIN"
sudo -u abonent git clone --quiet "$ORIGIN" "$APP"
cd "$APP"
sudo -u abonent npm ci --no-audit --no-fund --loglevel=error
sudo -u abonent npm run build --silent

step "4. configuration in $ENVF"
install -d -m 750 -g abonent /etc/abonent
install -m 640 -g abonent /dev/null "$ENVF"
cat >"$ENVF" <<EOF
NODE_ENV=production
APP_SECRET=$(openssl rand -base64 48 | tr -d '\n')
PUBLIC_URL=https://$DOMAIN
DATABASE_URL=postgres://abonent_rh:$DBPASS@127.0.0.1:5432/abonent_rehearsal
HOST=127.0.0.1
PORT=3100
TRUST_PROXY=127.0.0.1
DATA_DIR=/opt/abonent/data
EOF
install -d -o abonent -g abonent /opt/abonent/data

step "5. migrations and the first administrator"
set -a; . "$ENVF"; set +a
sudo -E -H -u abonent npx abonent migrate
ABONENT_ADMIN_PASSWORD='Rehearsal-Admin-2026' sudo -E -H -u abonent npx abonent staff create-admin \
  --email admin@rehearsal.test --name "Rehearsal Admin"

step "6. the service (the unit's Nice and ExecStart, by hand: no systemd in this container)"
nice -n -5 sudo -E -H -u abonent nohup /usr/bin/node --min-semi-space-size=16 --import tsx server/main.ts >"$LOG" 2>&1 &
for _ in $(seq 1 60); do curl -fsS http://127.0.0.1:3100/api/health/ready >/dev/null 2>&1 && break; sleep 1; done
curl -fsS http://127.0.0.1:3100/api/health/ready; echo

step "7. nginx with TLS in front (self-signed here; certbot on a server)"
install -d /etc/abonent/tls
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$DOMAIN" \
  -keyout /etc/abonent/tls/key.pem -out /etc/abonent/tls/cert.pem 2>/dev/null
cat >/etc/nginx/sites-available/abonent <<EOF
server {
    listen 8080;
    server_name $DOMAIN;
    location / { return 301 https://\$host\$request_uri; }
}
server {
    listen 8443 ssl;
    server_name $DOMAIN;
    ssl_certificate     /etc/abonent/tls/cert.pem;
    ssl_certificate_key /etc/abonent/tls/key.pem;
    client_max_body_size 2m;
    location / {
        proxy_pass http://127.0.0.1:3100;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$remote_addr;
        proxy_set_header X-Forwarded-Proto https;
    }
}
EOF
ln -sf /etc/nginx/sites-available/abonent /etc/nginx/sites-enabled/abonent
nginx -t 2>&1 | tail -1
if pgrep -x nginx >/dev/null; then nginx -s reload; else nginx; fi
sleep 1
R="curl -sS -k --resolve $DOMAIN:8443:127.0.0.1"
echo "http redirects:   $(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $DOMAIN" http://127.0.0.1:8080/cabinet)"
echo "https ready:      $($R https://$DOMAIN:8443/api/health/ready)"
echo "security headers:"
$R -D - -o /dev/null "https://$DOMAIN:8443/cabinet" | grep -iE '^(strict-transport-security|content-security-policy|x-frame-options):' | cut -c1-110
LOGIN=$($R -H 'content-type: application/json' -d '{"email":"admin@rehearsal.test","password":"Rehearsal-Admin-2026"}' \
  "https://$DOMAIN:8443/api/auth/staff/login")
TOKEN=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).token ?? "")' "$LOGIN")
[ -n "$TOKEN" ] || { echo "admin sign-in failed: $LOGIN"; exit 1; }
echo "admin signs in through the proxy: yes"
REGION=$($R -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"code":"tver","nameRu":"Тверь","nameEn":"Tver","timeZone":"Europe/Moscow","supportPhone":"84822000000","supportEmail":"help@rehearsal.test","contractPrefix":"69"}' \
  "https://$DOMAIN:8443/api/staff/regions")
RID=$(node -e 'process.stdout.write(String(JSON.parse(process.argv[1]).id))' "$REGION")
TARIFF=$($R -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"regionId\":$RID,\"code\":\"tver200\",\"nameRu\":\"Тверь 200\",\"nameEn\":\"Tver 200\",\"monthlyFee\":65000,\"speedDownKbps\":200000,\"speedUpKbps\":200000,\"activeFrom\":\"2000-01-01\"}" \
  "https://$DOMAIN:8443/api/staff/tariffs")
TID=$(node -e 'process.stdout.write(String(JSON.parse(process.argv[1]).id))' "$TARIFF")
SIGNED=$($R -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"fullName\":\"Смирнов Пётр Ильич\",\"address\":\"г. Тверь, ул. Советская, д. 5\",\"phone\":\"+79105550012\",\"passport\":\"2801 123456\",\"regionId\":$RID,\"tariffId\":$TID}" \
  "https://$DOMAIN:8443/api/staff/contracts")
ACC=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).account.number)' "$SIGNED")
echo "region $RID, tariff $TID, contract signed: account $ACC"
sudo -E -H -u abonent npx abonent payment add "$ACC" 1500.00 --key rehearsal-office-1
sudo -E -H -u abonent npx abonent billing run --json

step "8. backup, restore into a second database, ledger verified there"
install -d -o postgres -m 700 /var/backups/abonent
DUMP=/var/backups/abonent/abonent-$(date +%F).dump
sudo -u postgres pg_dump --format=custom --file="$DUMP" abonent_rehearsal
sudo -u postgres createdb --owner=abonent_rh abonent_rehearsal_restore
sudo -u postgres pg_restore --no-owner --role=abonent_rh --dbname=abonent_rehearsal_restore "$DUMP"
DATABASE_URL="postgres://abonent_rh:$DBPASS@127.0.0.1:5432/abonent_rehearsal_restore" \
  sudo -E -H -u abonent npx abonent ledger verify
echo "restored ledger verified"

if [ "${1:-}" != "--keep" ]; then
  step "cleanup"
  pkill -u abonent -f 'server/main.ts' || true
  rm -f /etc/nginx/sites-enabled/abonent && nginx -s reload
  for db in abonent_rehearsal abonent_rehearsal_restore; do sudo -u postgres dropdb --if-exists "$db"; done
  sudo -u postgres psql -qc "DROP ROLE IF EXISTS abonent_rh"
  rm -f "$DUMP"
fi
step "done: docs/deploy.md walked from a fresh clone to a verified restore"
