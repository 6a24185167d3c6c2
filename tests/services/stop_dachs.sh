#!/usr/bin/env bash
# stop_dachs.sh STATE_DIR
# Stops what start_dachs.sh STATE_DIR started: the DaCHS server (by its PID)
# and the private PostgreSQL cluster (pg_ctl stop, then its postmaster PID),
# and removes the cluster's directory.  Safe to call twice or after a failed
# start.  The system PostgreSQL cluster is never touched.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${1:?usage: stop_dachs.sh STATE_DIR}
[ -d "$state" ] || exit 0
rc=0

"$here/stop_service.sh" "$state/dachs.pid" 10 || rc=1

if [ -f "$state/pg.dir" ]; then
  pgdir=$(cat "$state/pg.dir")
  case "$pgdir" in /tmp/vocloud-dachs-pg.*) ;; *) echo "stop_dachs: odd pg.dir $pgdir" >&2; exit 1 ;; esac
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w -t 20 stop >/dev/null 2>&1
    else
      "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w -t 20 stop >/dev/null 2>&1
    fi
    if [ -f "$pgdir/data/postmaster.pid" ]; then   # pg_ctl failed: by PID
      head -1 "$pgdir/data/postmaster.pid" > "$state/pg.pid"
      "$here/stop_service.sh" "$state/pg.pid" 10 || rc=1
    fi
  fi
  rm -rf "$pgdir"
  rm -f "$state/pg.dir"
fi
rm -f "$state/dachs.url" "$state/dachs.port" "$state/ssap.url" "$state/dachs.env"
exit $rc
