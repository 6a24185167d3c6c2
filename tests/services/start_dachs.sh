#!/usr/bin/env bash
# start_dachs.sh STATE_DIR
# Starts a private GAVO DaCHS (SSAP + DataLink/SODA) publishing the 25 Ondrejov
# CCD700 spectra, on 127.0.0.1 only, and prints its base URL.
#
# Nothing global is touched: a throw-away PostgreSQL cluster (Unix socket only,
# no TCP) runs from a fresh /tmp/vocloud-dachs-pg.* directory, and DaCHS's
# whole root (config, RD, data, logs) lives under STATE_DIR/gavo.  The system
# PostgreSQL cluster and /etc/gavo.rc are neither needed nor used.
#
# Writes to STATE_DIR: dachs.pid (server), dachs.url (base URL),
# dachs.port, ssap.url (SSAP endpoint), pg.dir (the cluster's directory),
# dachs.env (the same as shell variables), dachs.log / pg setup logs.
# Stop with: stop_dachs.sh STATE_DIR
#
# Environment: VOCLOUD_DACHS_SPECTRA (directory of the FITS files; default
# $VOCLOUD_SHARED_DATA/real/ondrejov/vo-table or ../shared next to the repo),
# VOCLOUD_DACHS_PORT (default: a free port).
# Needs the Debian packages listed in scripts/setup (python3-gavo,
# postgresql, postgresql-15-pgsphere, postgresql-15-q3c).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${1:?usage: start_dachs.sh STATE_DIR}
mkdir -p "$state"
state=$(cd "$state" && pwd)
SECONDS=0

say() { echo "start_dachs: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- already running? ------------------------------------------------------
if [ -f "$state/dachs.pid" ] && kill -0 "$(cat "$state/dachs.pid")" 2>/dev/null \
   && /usr/bin/python3 "$here/wait_http.py" "$(cat "$state/ssap.url")?REQUEST=queryData&MAXREC=0" 2; then
  say "already running (pid $(cat "$state/dachs.pid"))"
  cat "$state/dachs.url"
  exit 0
fi
# leftovers of an earlier, unstopped run
"$here/stop_dachs.sh" "$state" >/dev/null 2>&1 || true

# ---- prerequisites ---------------------------------------------------------
command -v dachs >/dev/null ||
  die "dachs not found: install python3-gavo (run scripts/setup)"
pgbin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  v=$(basename "$(dirname "$d")")
  if [ -x "$d/initdb" ] && [ -f "/usr/share/postgresql/$v/extension/pg_sphere.control" ]; then
    pgbin=$d; break
  fi
done
[ -n "$pgbin" ] ||
  die "no PostgreSQL with pgSphere: install postgresql postgresql-15-pgsphere postgresql-15-q3c (run scripts/setup)"

spectra=${VOCLOUD_DACHS_SPECTRA:-}
if [ -z "$spectra" ]; then
  for cand in "${VOCLOUD_SHARED_DATA:-}/real/ondrejov/vo-table" \
              "$here/../../../shared/data/real/ondrejov/vo-table"; do
    if [ -d "$cand" ]; then spectra=$cand; break; fi
  done
fi
[ -n "$spectra" ] && ls "$spectra"/*.fits >/dev/null 2>&1 ||
  die "no spectra: set VOCLOUD_DACHS_SPECTRA or VOCLOUD_SHARED_DATA"

# PostgreSQL refuses to run as root: as root, run the cluster as 'postgres'.
if [ "$(id -u)" -eq 0 ]; then
  pg_as() { runuser -u postgres -- "$@"; }
else
  pg_as() { "$@"; }
fi

# ---- private PostgreSQL cluster ---------------------------------------------
# Under /tmp rather than STATE_DIR: the postgres user must be able to reach it.
pgdir=$(mktemp -d /tmp/vocloud-dachs-pg.XXXXXX)
echo "$pgdir" > "$state/pg.dir"
chmod 755 "$pgdir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$pgdir"
pg_as "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C \
  --no-sync > "$state/pg-initdb.log" 2>&1 || { cat "$state/pg-initdb.log" >&2; die "initdb failed"; }
pg_as "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$pgdir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start > "$state/pg-start.log" 2>&1 || { cat "$pgdir/postgres.log" >&2; die "postgres did not start"; }
"$pgbin/createdb" -h "$pgdir" -U postgres --encoding=UTF-8 --template=template0 gavo

# ---- DaCHS configuration -----------------------------------------------------
port=${VOCLOUD_DACHS_PORT:-$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
url="http://127.0.0.1:$port"
root="$state/gavo"
rm -rf "$root"
cat > "$state/gavo.rc" <<EOF
[general]
rootDir: $root
logLevel: info
gavoGroup: $(id -gn)
group: $(id -gn)

[web]
serverURL: $url
bindAddress: 127.0.0.1
serverPort: $port
user: $(id -un)
sitename: vocloud test DaCHS
adaptProtocol: False

[ivoa]
authority: vocloud.test

[db]
profilePath: $root/etc
EOF
export GAVOSETTINGS="$state/gavo.rc" GAVOCUSTOM=/nonexistent
# DaCHS fetches IVOA vocabularies from www.ivoa.net for some pages: send any
# such attempt to a dead local port (and pre-seed the cache, below).
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
       HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
       no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

dachs init --dsn "host=$pgdir port=5432 dbname=gavo user=postgres" \
  > "$state/dachs-init.log" 2>&1 || { cat "$state/dachs-init.log" >&2; die "dachs init failed"; }
for voc in uat datalink/core; do
  f="$root/cache/$(echo "http://www.ivoa.net/rdf/$voc" | sed 's|/|=2F|g')"
  printf '{"terms": {}}\n' > "$f"
done

mkdir -p "$root/inputs/ccd700/data"
cp "$here/dachs/q.rd" "$root/inputs/ccd700/q.rd"
cp "$spectra"/*.fits "$root/inputs/ccd700/data/"
chmod -R u+w "$root/inputs/ccd700"
dachs imp ccd700/q > "$state/dachs-imp.log" 2>&1 ||
  { tail -30 "$state/dachs-imp.log" >&2; die "dachs imp failed"; }

# ---- server ------------------------------------------------------------------
(cd "$state" && exec dachs serve start --foreground) </dev/null >"$state/dachs.log" 2>&1 &
pid=$!
echo "$pid" > "$state/dachs.pid"
ssap="$url/ccd700/q/ssa/ssap.xml"
if ! /usr/bin/python3 "$here/wait_http.py" "$ssap?REQUEST=queryData&MAXREC=0" 90 "$pid"; then
  tail -30 "$state/dachs.log" >&2
  "$here/stop_dachs.sh" "$state" || true
  die "DaCHS did not answer"
fi
echo "$url" > "$state/dachs.url"
echo "$port" > "$state/dachs.port"
echo "$ssap" > "$state/ssap.url"
cat > "$state/dachs.env" <<EOF
DACHS_PID=$pid
DACHS_URL=$url
DACHS_SSAP_URL=$ssap
DACHS_DATALINK_URL=$url/ccd700/q/sdl/dlmeta
DACHS_SODA_URL=$url/ccd700/q/sdl/dlget
EOF
say "up at $url (pid $pid) after ${SECONDS}s"
echo "$url"
