#!/usr/bin/env bash
# start_http_fixture.sh DIR STATE_DIR [fixture options, e.g. --auth user:pass]
# Starts http_fixture.py serving DIR on 127.0.0.1 in the background and prints
# its port.  STATE_DIR receives http.port, http.pid, http.log (request log)
# and http.out (the server's own stdout/stderr).
# Stop it with: stop_service.sh STATE_DIR/http.pid
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: start_http_fixture.sh DIR STATE_DIR [options]}
state=${2:?usage: start_http_fixture.sh DIR STATE_DIR [options]}
shift 2
[ -d "$dir" ] || { echo "start_http_fixture: no directory $dir" >&2; exit 2; }
mkdir -p "$state"
state=$(cd "$state" && pwd)

if [ -f "$state/http.pid" ] && kill -0 "$(cat "$state/http.pid")" 2>/dev/null; then
  echo "start_http_fixture: already running (pid $(cat "$state/http.pid"))" >&2
  cat "$state/http.port"
  exit 0
fi
rm -f "$state/http.port" "$state/http.pid"

/usr/bin/python3 "$here/http_fixture.py" "$dir" \
  --port-file "$state/http.port" --pid-file "$state/http.pid" \
  --log "$state/http.log" "$@" </dev/null >"$state/http.out" 2>&1 &
pid=$!

for _ in $(seq 1 100); do
  [ -s "$state/http.port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$state/http.port" ] ||
   ! /usr/bin/python3 "$here/wait_http.py" \
       "http://127.0.0.1:$(cat "$state/http.port")/__ping" 10 "$pid"; then
  echo "start_http_fixture: server did not come up:" >&2
  cat "$state/http.out" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
fi
cat "$state/http.port"
