#!/usr/bin/env bash
# stop_service.sh PID_FILE [GRACE_SECONDS]
# Stops the process whose id is in PID_FILE: SIGTERM, wait up to GRACE_SECONDS
# (default 5), then SIGKILL.  Removes PID_FILE.  Succeeds if nothing runs.
set -u
pid_file=${1:?usage: stop_service.sh PID_FILE [GRACE_SECONDS]}
grace=${2:-5}
[ -f "$pid_file" ] || exit 0
pid=$(tr -dc '0-9' < "$pid_file")
rm -f "$pid_file"
[ -n "$pid" ] || exit 0

alive() {  # running and not a zombie
  [ -r "/proc/$1/stat" ] || return 1
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != Z ]
}

alive "$pid" || exit 0
kill -TERM "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 $((grace * 10))); do
  alive "$pid" || exit 0
  sleep 0.1
done
echo "stop_service: $pid ignored SIGTERM for ${grace}s, sending SIGKILL" >&2
kill -KILL "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do
  alive "$pid" || exit 0
  sleep 0.1
done
echo "stop_service: $pid still alive after SIGKILL" >&2
exit 1
