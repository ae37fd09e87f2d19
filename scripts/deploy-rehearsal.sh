#!/usr/bin/env bash
# Walks docs/deploy.md on this machine, as root, with the files deploy/ ships: from a fresh clone to a
# production process behind nginx with TLS and the captive portal, FreeRADIUS answering through Abonent,
# the firewall, the nightly backup with its WAL archive; then restores last night's dump and a
# point-in-time target into a scratch cluster and verifies the ledger (and the attachments) in each.
#
# Where a container differs from a server it says so, on a line starting with "(container)":
# - systemd is not PID 1: each unit runs as systemd would run it, read from the installed unit file and its
#   drop-ins (run_unit: User, Group, WorkingDirectory, EnvironmentFile, Environment, Nice,
#   AmbientCapabilities, RuntimeDirectory, ExecStartPre, ExecStart); `systemd-analyze verify` checks them;
# - this machine's PostgreSQL cluster 15/main serves other work, so the server's cluster is a new one,
#   15/abonent_rh on port 5433, and the scratch cluster for restores 15/abonent_scratch on 5434;
# - a self-signed certificate where certbot would put its own;
# - the firewall is loaded into two network namespaces (a server and a NAS joined by a veth pair), never
#   onto this machine's own interfaces.
# It ends only processes it started (by their pid) and removes what it installed, unless --keep.
# Usage: sudo scripts/deploy-rehearsal.sh [--keep]
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
KEEP=${1:-}
APP=/opt/abonent/app
ENVF=/etc/abonent/abonent.env
DOMAIN=lk.rehearsal.test
BACKUP=/var/backups/abonent
STATE=/run/abonent-rehearsal
LOGS=/tmp/abonent-rehearsal
PGV=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
CL=abonent_rh
PGPORT_RH=5433
SCRATCH=abonent_scratch
SCRATCH_PORT=5434
NS_SRV=abonent-rh-srv
NS_NAS=abonent-rh-nas
STARTED=$(date +%s)
step() { printf '\n== %s\n' "$*"; }
container() { printf '(container) %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*"
  exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root"
exec 9>/run/abonent-rehearsal.lock
flock -n 9 || fail "another rehearsal is running (or still cleaning up)"
json() { node -e 'const v=process.argv[2].split(".").reduce((a,k)=>a?.[k],JSON.parse(process.argv[1]));process.stdout.write(typeof v==="object"?JSON.stringify(v):String(v))' "$1" "$2"; }

# ---- systemd's part, for a container without it ------------------------------------------------------
# The value(s) of <key> in an installed unit and its drop-ins (/etc/systemd/system/<unit>.d/*.conf).
unit_values() {
  local unit=$1 key=$2 f
  for f in "$unit" "/etc/systemd/system/$(basename "$unit").d/"*.conf; do
    [ -f "$f" ] && sed -n "s/^$key=//p" "$f"
  done
  return 0
}
unit_value() { unit_values "$1" "$2" | tail -n 1; }
# Runs a unit's ExecStartPre and ExecStart as systemd would. "bg": ExecStart is left running, its pid in
# $STATE/<unit>.pid; otherwise it is waited for and its exit code returned.
run_unit() {
  local unit=$1 mode=${2:-fg} name user group wd nice caps envfile rtdir
  name=$(basename "$unit")
  user=$(unit_value "$unit" User)
  group=$(unit_value "$unit" Group)
  wd=$(unit_value "$unit" WorkingDirectory)
  nice=$(unit_value "$unit" Nice)
  caps=$(unit_value "$unit" AmbientCapabilities)
  envfile=$(unit_value "$unit" EnvironmentFile)
  rtdir=$(unit_value "$unit" RuntimeDirectory)
  local envs=() e
  while IFS= read -r e; do [ -n "$e" ] && envs+=("$e"); done < <(unit_values "$unit" Environment)
  if [ -n "$rtdir" ]; then
    local rtmode
    rtmode=$(unit_value "$unit" RuntimeDirectoryMode)
    install -d -o "$user" -g "$group" -m "${rtmode:-755}" "/run/$rtdir"
  fi
  local priv="setpriv --reuid=$user --regid=$group --init-groups"
  if [ -n "$caps" ]; then
    local c
    c=$(echo "$caps" | tr '[:upper:]' '[:lower:]' | sed 's/cap_/+/g; s/ /,/g')
    priv="$priv --inh-caps=$c --ambient-caps=$c"
  fi
  # Environment= first, then the EnvironmentFile= (a leading '-': may be missing), whose values win; $VAR in
  # an Exec line is expanded from them and split into words, as systemd does.
  local launch=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "${envs[@]}"
    bash -c 'set -a; [ -f "$1" ] && . "$1"; set +a; cd "$2"; eval "exec nice -n $3 $4 -- $5"' run_unit
    "${envfile#-}" "${wd:-/}" "${nice:-0}" "$priv")
  local pre
  while IFS= read -r pre; do
    [ -n "$pre" ] || continue
    "${launch[@]}" "$pre" >"$LOGS/$name.pre.log" 2>&1 || {
      cat "$LOGS/$name.pre.log"
      fail "$name: ExecStartPre=$pre"
    }
    echo "ExecStartPre=$pre: $(tail -n 1 "$LOGS/$name.pre.log")"
  done < <(unit_values "$unit" ExecStartPre)
  if [ "$mode" = bg ]; then
    "${launch[@]}" "$(unit_value "$unit" ExecStart)" >"$LOGS/$name.log" 2>&1 9>&- & # the lock stays the script's
    echo $! >"$STATE/$name.pid"
  else
    "${launch[@]}" "$(unit_value "$unit" ExecStart)"
  fi
}
stop_started() { # ends what this script started (pid files), nothing else
  local f pid
  for f in "$STATE"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$f"
  done
}
psql_rh() { runuser -u postgres -- psql -p "$PGPORT_RH" -XAtq "$@"; }
remove_install() {
  stop_started
  if [ -f "$STATE/nginx.started" ]; then nginx -s quit 2>/dev/null || true; fi
  rm -f /etc/nginx/sites-enabled/abonent /etc/nginx/sites-available/abonent
  if [ -f "$STATE/nginx-default.was-enabled" ] && [ ! -e /etc/nginx/sites-enabled/default ]; then
    ln -s /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
  fi
  if pgrep -x nginx >/dev/null && [ ! -f "$STATE/nginx.started" ]; then nginx -s reload 2>/dev/null || true; fi
  rm -rf "/etc/letsencrypt/live/$DOMAIN"
  for c in "$CL" "$SCRATCH"; do
    if [ -d "/var/lib/postgresql/$PGV/$c" ]; then pg_dropcluster --stop "$PGV" "$c"; fi
    rm -rf "/etc/postgresql/$PGV/$c" # conf.d/abonent.conf is ours: pg_dropcluster leaves the directory
  done
  rm -rf "/var/lib/postgresql/$PGV/$SCRATCH.before-pitr"
  ip netns del "$NS_SRV" 2>/dev/null || true
  ip netns del "$NS_NAS" 2>/dev/null || true
  if [ -f "$STATE/freeradius.default" ]; then cp -p "$STATE/freeradius.default" /etc/default/freeradius; fi
  rm -rf /opt/abonent /etc/abonent "$BACKUP" /etc/freeradius/abonent /var/spool/freeradius/abonent /tmp/abonent-origin.git \
    /etc/systemd/system/abonent.service /etc/systemd/system/abonent-backup.service \
    /etc/systemd/system/abonent-backup.timer /etc/systemd/system/abonent-backup.service.d \
    /etc/systemd/system/freeradius.service.d/abonent.conf \
    /usr/local/sbin/abonent /usr/local/sbin/abonent-backup /usr/local/bin/abonent-archive-wal
  rmdir --ignore-fail-on-non-empty /etc/systemd/system/freeradius.service.d 2>/dev/null || true
  rm -rf "$STATE"
}

step "0. clean up an earlier rehearsal"
remove_install
install -d "$STATE"
rm -rf "$LOGS" && install -d "$LOGS"
cp -p /etc/default/freeradius "$STATE/freeradius.default" 2>/dev/null || true
if [ "$KEEP" != --keep ]; then trap 'step cleanup; remove_install' EXIT; fi

step "1. packages"
daemons() { pgrep -x nginx || true; pgrep -x freeradius || true; }
running_before=$(daemons | tr '\n' ' ')
need=()
for p in sudo postgresql nginx git curl ca-certificates openssl freeradius freeradius-rest freeradius-utils nftables; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >"$LOGS/apt.log"
fi
echo "installed: ${need[*]:-(all present)}"
# A daemon the package install just started (a server's systemd would have) is this run's to stop.
for pid in $(daemons); do
  case " $running_before " in *" $pid "*) ;; *)
    if [ "$(ps -o comm= -p "$pid")" = nginx ]; then
      touch "$STATE/nginx.started"
    elif ! ps -o args= -p "$pid" | grep -q -- ' -d '; then # Debian's configuration: the package's start
      kill "$pid"
      echo "stopped freeradius $pid, started by its package with Debian's own configuration"
    fi
    ;;
  esac
done
container "certbot is not installed: no public name to prove; Node.js $(node --version) is already here"

step "2. the application: its user, a fresh clone, npm ci, the web build"
id abonent >/dev/null 2>&1 || adduser --system --group --home /opt/abonent abonent
install -d -o abonent -g abonent /opt/abonent
# The "remote": a bare copy of this repository's committed HEAD (no network here), cloned as on a server.
ORIGIN=/tmp/abonent-origin.git
git clone --quiet --bare "$SRC" "$ORIGIN" && chown -R abonent:abonent "$ORIGIN"
sudo -u abonent git clone --quiet "$ORIGIN" "$APP"
cd "$APP"
echo "cloned $(sudo -u abonent git log -1 --format='%h %s' | cut -c1-90)"
# shellcheck disable=SC2024 # the log is root's
sudo -u abonent npm ci --no-audit --no-fund --loglevel=error >"$LOGS/npm-ci.log" 2>&1 || {
  cat "$LOGS/npm-ci.log"
  fail "npm ci"
}
# shellcheck disable=SC2024 # the log is root's
sudo -u abonent npm run build --silent >"$LOGS/build.log" 2>&1 || {
  tail -20 "$LOGS/build.log"
  fail "npm run build"
}
echo "npm ci and npm run build: done"

step "3. PostgreSQL: its settings, the WAL archive, a role owning the database"
container "the server's cluster is $PGV/$CL on port $PGPORT_RH (this machine's $PGV/main serves other work)"
pg_createcluster "$PGV" "$CL" --port "$PGPORT_RH" >/dev/null
install -d -o postgres -g postgres -m 700 "$BACKUP" "$BACKUP/wal"
install -m 755 deploy/backup/abonent-archive-wal /usr/local/bin/abonent-archive-wal
install -m 644 deploy/postgresql/abonent.conf "/etc/postgresql/$PGV/$CL/conf.d/abonent.conf"
pg_ctlcluster "$PGV" "$CL" start
DBPASS=$(openssl rand -hex 24)
psql_rh -c "CREATE ROLE abonent LOGIN PASSWORD '$DBPASS'"
runuser -u postgres -- createdb -p "$PGPORT_RH" --owner=abonent --encoding=UTF8 abonent
echo "settings: $(psql_rh -F ' ' -c "select 'archive_mode=' || current_setting('archive_mode'), 'timezone=' || current_setting('timezone')")"
seg=$(psql_rh -c 'select pg_walfile_name(pg_switch_wal())')
for _ in $(seq 1 30); do [ -f "$BACKUP/wal/$seg.gz" ] && break; sleep 1; done
[ -f "$BACKUP/wal/$seg.gz" ] || fail "WAL segment $seg was not archived"
echo "archiving works: $BACKUP/wal/$seg.gz, $(stat -c %s "$BACKUP/wal/$seg.gz") bytes (initdb and createdb in it)"

step "4. configuration: /etc/abonent/abonent.env from deploy/abonent.env.example"
install -d -m 750 -g abonent /etc/abonent
install -m 640 -g abonent deploy/abonent.env.example "$ENVF"
PORT=3000
if ss -Hltn "sport = :$PORT" | grep -q .; then
  PORT=3100
  container "port 3000 is taken here: the app listens on $PORT (HOST/PORT in the env file, the nginx upstream)"
fi
RADIUS_KEY=$(openssl rand -hex 32)
sed -i -e "s|^APP_SECRET=.*|APP_SECRET=$(openssl rand -base64 48 | tr -d '\n')|" \
  -e "s|<database password>|$DBPASS|; s|@127.0.0.1:5432/|@127.0.0.1:$PGPORT_RH/|" \
  -e "s|^RADIUS_API_KEY=.*|RADIUS_API_KEY=$RADIUS_KEY|" -e "s|^PORT=.*|PORT=$PORT|" \
  -e "s|lk\.your-isp\.ru|$DOMAIN|g" "$ENVF"
if grep -nE '^[A-Z_]+=.*<[^>@]*>' "$ENVF"; then fail "placeholders left in $ENVF"; fi
install -d -o abonent -g abonent /opt/abonent/data
echo "$(grep -cE '^[A-Z]' "$ENVF") variables set, $(stat -c '%a %U:%G' "$ENVF")"

step "5. migrations and the first administrator (the abonent command)"
install -m 755 deploy/bin/abonent /usr/local/sbin/abonent
abonent migrate
ABONENT_ADMIN_PASSWORD='Rehearsal-Admin-2026' abonent staff create-admin --email admin@rehearsal.test --name "Rehearsal Admin"
abonent migrate --status | tail -n 1

step "6. systemd: the app's unit"
install -m 644 deploy/systemd/abonent.service deploy/systemd/abonent-backup.service \
  deploy/systemd/abonent-backup.timer /etc/systemd/system/
install -m 755 deploy/backup/abonent-backup /usr/local/sbin/abonent-backup
install -d /etc/systemd/system/abonent-backup.service.d
printf '[Service]\nEnvironment=PGPORT=%s\n' "$PGPORT_RH" >/etc/systemd/system/abonent-backup.service.d/port.conf
verify=$(systemd-analyze verify /etc/systemd/system/abonent.service /etc/systemd/system/abonent-backup.service \
  /etc/systemd/system/abonent-backup.timer 2>&1 | grep -v '^/lib/systemd' || true)
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
echo "systemd-analyze verify: the three units are clean; the timer's next run: $(systemd-analyze calendar "$(unit_value /etc/systemd/system/abonent-backup.timer OnCalendar)" | sed -n 's/^ *Next elapse: //p')"
container "no systemd as PID 1: abonent.service's ExecStart runs by hand as the unit says (run_unit)"
run_unit /etc/systemd/system/abonent.service bg
for _ in $(seq 1 90); do curl -fsS "http://127.0.0.1:$PORT/api/health/ready" >/dev/null 2>&1 && break; sleep 1; done
echo "ready: $(curl -fsS "http://127.0.0.1:$PORT/api/health/ready")"
echo "runs as: $(ps -o user=,nice=,args= -p "$(cat "$STATE/abonent.service.pid")" | cut -c1-100)"

step "7. nginx with TLS and the captive portal (deploy/nginx/abonent.conf)"
install -d "/etc/letsencrypt/live/$DOMAIN"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN" \
  -keyout "/etc/letsencrypt/live/$DOMAIN/privkey.pem" -out "/etc/letsencrypt/live/$DOMAIN/fullchain.pem" 2>/dev/null
container "a self-signed certificate where certbot puts its own (/etc/letsencrypt/live/$DOMAIN)"
sed -e "s/lk\.your-isp\.ru/$DOMAIN/g" -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$PORT;/" \
  deploy/nginx/abonent.conf >/etc/nginx/sites-available/abonent
ln -sf /etc/nginx/sites-available/abonent /etc/nginx/sites-enabled/abonent
if [ -e /etc/nginx/sites-enabled/default ]; then
  touch "$STATE/nginx-default.was-enabled"
  rm /etc/nginx/sites-enabled/default
fi
nginx -t 2>&1 | tail -n 1
if pgrep -x nginx >/dev/null; then nginx -s reload; else
  nginx 9>&-
  touch "$STATE/nginx.started"
fi
sleep 1
R=(curl -sS --cacert "/etc/letsencrypt/live/$DOMAIN/fullchain.pem" --resolve "$DOMAIN:443:127.0.0.1")
echo "http, the portal's name:  $(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $DOMAIN" http://127.0.0.1/cabinet)"
echo "http, any other name:     $(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: connectivitycheck.gstatic.com' http://127.0.0.1/generate_204)"
echo "https, any other name:    $(curl -sS -k --resolve other.test:443:127.0.0.1 https://other.test/ 2>&1 | sed -n 's/^curl: ([0-9]*) //p' | cut -c1-80)"
echo "https, the portal:        $("${R[@]}" "https://$DOMAIN/api/health/ready")"
echo "security headers:"
"${R[@]}" -D - -o /dev/null "https://$DOMAIN/cabinet" | grep -iE '^(strict-transport-security|content-security-policy|x-frame-options):' | cut -c1-100
LOGIN=$("${R[@]}" -H 'content-type: application/json' -d '{"email":"admin@rehearsal.test","password":"Rehearsal-Admin-2026"}' \
  "https://$DOMAIN/api/auth/staff/login")
TOKEN=$(json "$LOGIN" token)
[ -n "$TOKEN" ] && [ "$TOKEN" != undefined ] || fail "admin sign-in: $LOGIN"
echo "admin signs in through the proxy: yes"
api() { "${R[@]}" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
REGION=$(api -d '{"code":"tver","nameRu":"Тверь","nameEn":"Tver","timeZone":"Europe/Moscow","supportPhone":"84822000000","supportEmail":"help@rehearsal.test","contractPrefix":"69"}' \
  "https://$DOMAIN/api/staff/regions")
RID=$(json "$REGION" id)
TARIFF=$(api -d "{\"regionId\":$RID,\"code\":\"tver200\",\"nameRu\":\"Тверь 200\",\"nameEn\":\"Tver 200\",\"monthlyFee\":65000,\"speedDownKbps\":200000,\"speedUpKbps\":200000,\"activeFrom\":\"2000-01-01\"}" \
  "https://$DOMAIN/api/staff/tariffs")
TID=$(json "$TARIFF" id)
SIGNED=$(api -d "{\"fullName\":\"Смирнов Пётр Ильич\",\"address\":\"г. Тверь, ул. Советская, д. 5\",\"phone\":\"+79105550012\",\"passport\":\"2801 123456\",\"regionId\":$RID,\"tariffId\":$TID}" \
  "https://$DOMAIN/api/staff/contracts")
ACC=$(json "$SIGNED" account.number)
PPPOE_LOGIN=$(json "$SIGNED" network.login)
PPPOE_PASS=$(json "$SIGNED" network.password)
echo "region $RID, tariff $TID, contract signed: account $ACC, PPPoE login $PPPOE_LOGIN"
abonent billing run --json
# The largest attachment support takes, through nginx: exactly SUPPORT_LIMITS.attachmentBytes, then one byte more.
LIMIT=$(cd "$APP" && sudo -u abonent node --import tsx -e 'import("./common/support.ts").then(m=>console.log(m.SUPPORT_LIMITS.attachmentBytes))')
{ printf '%%PDF-1.4\n'; head -c $((LIMIT - 9)) /dev/urandom; } >"$LOGS/largest.pdf"
{ cat "$LOGS/largest.pdf"; printf x; } >"$LOGS/too-large.pdf"
UP=$("${R[@]}" -H "authorization: Bearer $TOKEN" -F "file=@$LOGS/largest.pdf;type=application/pdf" "https://$DOMAIN/api/staff/support/attachments")
[ "$(json "$UP" size)" = "$LIMIT" ] || fail "the largest attachment through nginx: $UP"
echo "a $LIMIT-byte attachment through nginx: stored (id $(json "$UP" id))"
OVER=$("${R[@]}" -w ' %{http_code}' -H "authorization: Bearer $TOKEN" -F "file=@$LOGS/too-large.pdf;type=application/pdf" "https://$DOMAIN/api/staff/support/attachments")
echo "one byte more: refused by the app (nginx let it through): $OVER"

step "7a. the firewall (deploy/nftables.conf)"
container "loaded into namespace $NS_SRV (a server, 10.99.0.1) joined to $NS_NAS (a NAS 10.99.0.2 and a stranger 10.99.0.3)"
ip netns add "$NS_SRV"
ip netns add "$NS_NAS"
ip link add rh-srv netns "$NS_SRV" type veth peer name rh-nas netns "$NS_NAS"
ip -n "$NS_SRV" addr add 10.99.0.1/24 dev rh-srv
ip -n "$NS_NAS" addr add 10.99.0.2/24 dev rh-nas
ip -n "$NS_NAS" addr add 10.99.0.3/24 dev rh-nas
for ns in "$NS_SRV" "$NS_NAS"; do ip -n "$ns" link set lo up; done
ip -n "$NS_SRV" link set rh-srv up
ip -n "$NS_NAS" link set rh-nas up
ip netns exec "$NS_SRV" nft -f deploy/nftables.conf
ip netns exec "$NS_SRV" nft add element inet abonent nas_v4 '{ 10.99.0.2 }'
listen() { # <ns> <socat address>: answers "ok" to whatever arrives
  ip netns exec "$1" socat "$2,reuseaddr,fork" SYSTEM:'echo ok' >/dev/null 2>&1 9>&- &
  echo $! >"$STATE/socat-$1-${2//[^a-zA-Z0-9]/_}.pid"
}
for p in 1812 1813; do listen "$NS_SRV" "UDP4-RECVFROM:$p"; done
for p in 443 3812 5432; do listen "$NS_SRV" "TCP4-LISTEN:$p"; done
listen "$NS_NAS" UDP4-RECVFROM:3799
for _ in $(seq 1 50); do
  [ "$(ip netns exec "$NS_SRV" ss -Hlun | wc -l)$(ip netns exec "$NS_SRV" ss -Hltn | wc -l)$(ip netns exec "$NS_NAS" ss -Hlun | wc -l)" = 231 ] && break
  sleep 0.2
done
probe() { # <ns> <socat address> → answered | dropped (three tries, as a NAS retransmits)
  local got
  for _ in 1 2 3; do
    got=$(echo probe | timeout 3 ip netns exec "$1" socat -T 2 - "$2" 2>/dev/null || true)
    if [ "$got" = ok ]; then
      echo answered
      return
    fi
  done
  echo dropped
}
fw() { # <what> <expected> <ns> <socat address>
  local got
  got=$(probe "$3" "$4")
  printf '   %-46s %s\n' "$1" "$got"
  [ "$got" = "$2" ] || fail "firewall: $1 is $got, expected $2"
}
fw "NAS 10.99.0.2 -> udp 1812 (Access-Request)" answered "$NS_NAS" UDP4-SENDTO:10.99.0.1:1812,bind=10.99.0.2
fw "NAS 10.99.0.2 -> udp 1813 (accounting)" answered "$NS_NAS" UDP4-SENDTO:10.99.0.1:1813,bind=10.99.0.2
fw "stranger 10.99.0.3 -> udp 1812" dropped "$NS_NAS" UDP4-SENDTO:10.99.0.1:1812,bind=10.99.0.3
fw "stranger 10.99.0.3 -> tcp 443 (the portal)" answered "$NS_NAS" TCP4:10.99.0.1:443,bind=10.99.0.3
fw "NAS 10.99.0.2 -> tcp 3812 (RADIUS API)" dropped "$NS_NAS" TCP4:10.99.0.1:3812,bind=10.99.0.2,connect-timeout=2
fw "NAS 10.99.0.2 -> tcp 5432 (PostgreSQL)" dropped "$NS_NAS" TCP4:10.99.0.1:5432,bind=10.99.0.2,connect-timeout=2
fw "server -> NAS udp 3799 (CoA) and the NAS's answer" answered "$NS_SRV" UDP4-SENDTO:10.99.0.2:3799

step "7b. FreeRADIUS (Debian's packages and unit, the shipped configuration)"
install -d -o root -g freerad -m 750 /etc/freeradius/abonent
cp -r deploy/freeradius/. /etc/freeradius/abonent/
chown -R root:freerad /etc/freeradius/abonent
find /etc/freeradius/abonent -type d -exec chmod 750 {} +
find /etc/freeradius/abonent -type f -exec chmod 640 {} +
install -d -o freerad -g freerad -m 700 /var/spool/freeradius/abonent
install -m 600 deploy/default/freeradius /etc/default/freeradius
install -D -m 644 deploy/systemd/freeradius.service.d/abonent.conf /etc/systemd/system/freeradius.service.d/abonent.conf
sed -i "s|<RADIUS_API_KEY>|$(sed -n 's/^RADIUS_API_KEY=//p' "$ENVF")|" /etc/default/freeradius
echo "/etc/freeradius/abonent: $(stat -c '%a %U:%G' /etc/freeradius/abonent), /etc/default/freeradius: $(stat -c '%a %U:%G' /etc/default/freeradius)"
container "no systemd: Debian's freeradius.service runs as its unit file says (ExecStartPre's check, then ExecStart as freerad)"
if ss -Hlun 'sport = :1812' | grep -q .; then fail "UDP 1812 is taken on this machine"; fi
run_unit /lib/systemd/system/freeradius.service bg
for _ in $(seq 1 40); do ss -Hlun 'sport = :1812' | grep -q . && break; sleep 0.5; done
echo "freeradius: $(ps -o user=,args= -p "$(cat "$STATE/freeradius.service.pid")")"
NAS_SECRET=$(openssl rand -hex 12)
NAS=$(api -d "{\"regionId\":$RID,\"name\":\"rehearsal-bras\",\"address\":\"127.0.0.1\",\"secret\":\"$NAS_SECRET\",\"vendor\":\"mikrotik\"}" "https://$DOMAIN/api/staff/nas")
echo "NAS registered in the back office: id $(json "$NAS" id), 127.0.0.1, mikrotik"
radius_auth() {
  printf 'User-Name = "%s", User-Password = "%s", NAS-IP-Address = 127.0.0.1\n' "$PPPOE_LOGIN" "$1" |
    radclient -x -r 2 -t 3 127.0.0.1:1812 auth "$NAS_SECRET" 2>&1 | grep -E 'Received|Mikrotik|Framed|Reply-Message' | sed 's/^\s*/   /' || true
}
echo "Access-Request of the debtor (billing left the account below zero):"
radius_auth "$PPPOE_PASS"
echo "Access-Request with a wrong password:"
radius_auth wrong-password
echo "Accounting-Request Start, the session's Framed-IP-Address 127.0.0.1:"
printf 'Acct-Status-Type = Start, User-Name = "%s", Acct-Session-Id = "rehearsal-1", Framed-IP-Address = 127.0.0.1, NAS-IP-Address = 127.0.0.1\n' "$PPPOE_LOGIN" |
  radclient -x -r 2 -t 3 127.0.0.1:1813 acct "$NAS_SECRET" | grep Received | sed 's/^/   /'
echo "the captive portal, from the debtor's address: $("${R[@]}" "https://$DOMAIN/api/portal/me")"
abonent payment add "$ACC" 1500.00 --key rehearsal-office-1
echo "the captive portal after the payment: $("${R[@]}" "https://$DOMAIN/api/portal/me")"
echo "Access-Request after the payment:"
radius_auth "$PPPOE_PASS"
ls -ld /opt/abonent/data/radius-spool | awk '{print "RADIUS spool: " $1 " " $3 " " $NF}'

step "8. the nightly backup (abonent-backup.service, as its timer starts it)"
container "no systemd: abonent-backup.service runs as its unit says (postgres, CAP_DAC_READ_SEARCH, PGPORT from a drop-in)"
run_unit /etc/systemd/system/abonent-backup.service | sed 's/^/   /'
B2=$(abonent payment add "$ACC" 200.00 --key rehearsal-after-backup --json)
sleep 1
TARGET=$(psql_rh -d abonent -c 'select now()')
sleep 1
B3=$(abonent payment add "$ACC" 300.00 --key rehearsal-after-target --json)
seg=$(psql_rh -c 'select pg_walfile_name(pg_switch_wal())')
for _ in $(seq 1 30); do [ -f "$BACKUP/wal/$seg.gz" ] && break; sleep 1; done
[ -f "$BACKUP/wal/$seg.gz" ] || fail "WAL segment $seg was not archived"
echo "after the backup: +200.00 (balance $(json "$B2" balance_kopecks) kopecks), point-in-time target $TARGET,"
echo "then +300.00 (balance $(json "$B3" balance_kopecks) kopecks); WAL archived up to $seg"

step "8a. an archive that fails keeps the WAL and fails the nightly job"
mv "$BACKUP/wal" "$BACKUP/wal.away"
psql_rh -c 'select txid_current()' >/dev/null
seg=$(psql_rh -c 'select pg_walfile_name(pg_switch_wal())')
for _ in $(seq 1 30); do [ "$(psql_rh -c 'select failed_count from pg_stat_archiver')" -gt 0 ] && break; sleep 1; done
echo "archive directory gone: $(psql_rh -c 'select failed_count from pg_stat_archiver') failed tries, $seg kept in pg_wal: $(test -f "/var/lib/postgresql/$PGV/$CL/pg_wal/$seg" && echo yes || echo NO)"
tail -n 2 "/var/log/postgresql/postgresql-$PGV-$CL.log" | sed 's/^[^ ]* [^ ]* [^ ]* \[[0-9]*\] /   /' | cut -c1-150
if run_unit /etc/systemd/system/abonent-backup.service >"$LOGS/backup-failing.log" 2>&1; then fail "the backup job passed while archiving failed"; fi
echo "the nightly job exits non-zero: $(grep -m1 'PROBLEM' "$LOGS/backup-failing.log")"
mv "$BACKUP/wal.away" "$BACKUP/wal"
for _ in $(seq 1 90); do [ -f "$BACKUP/wal/$seg.gz" ] && break; sleep 1; done
[ -f "$BACKUP/wal/$seg.gz" ] || fail "$seg not archived after the directory came back"
echo "directory back: $seg archived by PostgreSQL's retry ($(stat -c %s "$BACKUP/wal/$seg.gz") bytes: a quiet segment)"

step "8b. pruning by age"
container "five-week-old copies made with touch -d stand in for the nights this machine has not lived"
old=$(date -d '40 days ago' +%F)
older=$(date -d '41 days ago' +%F)
as_pg() { runuser -u postgres -- "$@"; }
as_pg touch "$BACKUP/dumps/abonent-$old.dump" "$BACKUP/wal/000000010000000000000000.gz" \
  "$BACKUP/files/${older}_031500-full.tar.gz" "$BACKUP/files/${older}_031500-full.snar" \
  "$BACKUP/files/$old-diff-${older}_031500.tar.gz"
as_pg install -d "$BACKUP/base/${older}_031500"
printf 'START WAL LOCATION: 0/1000028 (file 000000010000000000000001)\nSTART TIMELINE: 1\n' |
  as_pg tee "$BACKUP/base/${older}_031500/backup_label" >/dev/null
find "$BACKUP" -name "*$old*" -exec touch -d '40 days ago' {} + -o -name "*$older*" -exec touch -d '41 days ago' {} +
touch -d '40 days ago' "$BACKUP/wal/000000010000000000000000.gz"
echo "the nightly job again:"
run_unit /etc/systemd/system/abonent-backup.service | sed 's/^/   /'
for f in "dumps/abonent-$old.dump" "base/${older}_031500" "files/${older}_031500-full.tar.gz" \
  "files/$old-diff-${older}_031500.tar.gz" wal/000000010000000000000000.gz; do
  [ ! -e "$BACKUP/$f" ] || fail "$f was not pruned"
done
ls -l "$BACKUP" "$BACKUP"/dumps "$BACKUP"/base/* "$BACKUP"/files | sed 's/^/   /'

step "8c. last night's dump restored into a scratch cluster, the ledger verified"
container "scratch cluster $PGV/$SCRATCH on port $SCRATCH_PORT"
pg_createcluster "$PGV" "$SCRATCH" --port "$SCRATCH_PORT" --start >/dev/null
DUMP=$(find "$BACKUP/dumps" -name 'abonent-*.dump' | sort | tail -n 1)
runuser -u postgres -- psql -p "$SCRATCH_PORT" -XAtqc "CREATE ROLE abonent LOGIN PASSWORD '$DBPASS'"
runuser -u postgres -- createdb -p "$SCRATCH_PORT" --owner=abonent abonent
runuser -u postgres -- pg_restore -p "$SCRATCH_PORT" --no-owner --role=abonent --dbname=abonent "$DUMP"
SCRATCH_URL="postgres://abonent:$DBPASS@127.0.0.1:$SCRATCH_PORT/abonent"
echo "restored $DUMP"
DATABASE_URL=$SCRATCH_URL abonent ledger verify --full
restored=$(DATABASE_URL=$SCRATCH_URL abonent account show "$ACC" --json)
echo "account $ACC in the restored dump: balance $(json "$restored" balance) kopecks"
[ "$(json "$restored" balance)" = "$(json "$B3" balance_kopecks)" ] || fail "the dump lacks a payment made before it"

step "8d. the attachments and the RADIUS spool restored from the file copies"
FILES=$LOGS/files-restored
install -d "$FILES"
FULL=$(find "$BACKUP/files" -name '*-full.tar.gz' | sort | tail -n 1)
tar --listed-incremental=/dev/null -xzf "$FULL" -C "$FILES"
for d in $(find "$BACKUP/files" -name "*-diff-$(basename "$FULL" -full.tar.gz).tar.gz" | sort | tail -n 1); do
  tar --listed-incremental=/dev/null -xzf "$d" -C "$FILES"
done
checked=0
while IFS='|' read -r key sha; do
  [ -n "$key" ] || continue
  got=$(sha256sum "$FILES/opt/abonent/data/support-files/${key:0:2}/$key" | cut -d' ' -f1)
  [ "$got" = "$sha" ] || fail "attachment $key: restored file differs from the database's sha256"
  checked=$((checked + 1))
done < <(runuser -u postgres -- psql -p "$SCRATCH_PORT" -d abonent -XAtqc 'select storage_key, sha256 from support_attachments')
[ "$checked" -gt 0 ] || fail "no attachment to check"
echo "$checked attachment(s) named by the restored dump: restored from $(basename "$FULL") (+ its difference), sha256 equal"
echo "RADIUS spool restored: $(find "$FILES/opt/abonent/data/radius-spool" -maxdepth 0 -printf '%m %u')"

step "8e. point-in-time recovery to $TARGET into the scratch cluster (docs/deploy.md, 'Point-in-time recovery')"
# The procedure of docs/deploy.md, steps 2-6, with V=$PGV C=$SCRATCH.
V=$PGV
C=$SCRATCH
BASE=$(find "$BACKUP/base" -mindepth 1 -maxdepth 1 -type d -name '2*' | sort | tail -n 1)
echo "base backup: $BASE ($(sed -n 's/^START TIME: //p' "$BASE/backup_label"))"
pg_ctlcluster "$V" "$C" stop
mv "/var/lib/postgresql/$V/$C" "/var/lib/postgresql/$V/$C.before-pitr"
install -d -o postgres -g postgres -m 700 "/var/lib/postgresql/$V/$C"
runuser -u postgres -- tar -xzf "$BASE/base.tar.gz" -C "/var/lib/postgresql/$V/$C"
runuser -u postgres -- tar -xzf "$BASE/pg_wal.tar.gz" -C "/var/lib/postgresql/$V/$C/pg_wal"
cat >"/etc/postgresql/$V/$C/conf.d/zz-recovery.conf" <<EOF
restore_command = 'test -f $BACKUP/wal/%f.gz && gzip -dc $BACKUP/wal/%f.gz > %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
EOF
runuser -u postgres -- touch "/var/lib/postgresql/$V/$C/recovery.signal"
pg_ctlcluster "$V" "$C" start
for _ in $(seq 1 120); do
  [ "$(runuser -u postgres -- psql -p "$SCRATCH_PORT" -XAtqc 'select pg_is_in_recovery()' 2>/dev/null)" = f ] && break
  sleep 1
done
grep -E 'starting point-in-time recovery|recovery stopping|selected new timeline|accept connections' \
  "/var/log/postgresql/postgresql-$V-$C.log" | grep -v read-only | sed 's/^[^ ]* [^ ]* [^ ]* \[[0-9]*\] /   /' | tail -n 4
echo "   ($(grep -c 'restored log file' "/var/log/postgresql/postgresql-$V-$C.log") WAL segments read from the archive)"
rm "/etc/postgresql/$V/$C/conf.d/zz-recovery.conf"
pg_ctlcluster "$V" "$C" reload
DATABASE_URL=$SCRATCH_URL abonent ledger verify --full
restored=$(DATABASE_URL=$SCRATCH_URL abonent account show "$ACC" --json)
echo "account $ACC at $TARGET: balance $(json "$restored" balance) kopecks (the +200.00 before the target in, the +300.00 after it out)"
[ "$(json "$restored" balance)" = "$(json "$B2" balance_kopecks)" ] || fail "point-in-time recovery did not stop at the target"

step "done in $(($(date +%s) - STARTED)) s: docs/deploy.md walked from a fresh clone to a verified dump and point-in-time restore"
