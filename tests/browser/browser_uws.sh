#!/usr/bin/env bash
# The job page of vocloud-uws in headless Chromium (uws_page.test.mjs): starts the service
# with the local launcher on 127.0.0.1 (a free port), drives the page at desktop size and at
# 390 x 844, and stops the service by its PID. Screenshots:
# $VOCLOUD_BUILD_DIR/tests/browser/uws-screenshots/.
source "$VOCLOUD_SOURCE_DIR/tests/integration/lib.sh"
here="$VOCLOUD_SOURCE_DIR/tests/browser"
bin="$VOCLOUD_BUILD_DIR/bin"
shots="$VOCLOUD_BUILD_DIR/tests/browser/uws-screenshots"
[ -f "$VOCLOUD_BUILD_DIR/share/vocloud/uws-ui/index.html" ] || fail "no job page in share/vocloud/uws-ui (build the vocloud_uws_ui target)"
[ -f "$VOCLOUD_BUILD_DIR/share/vocloud/report-ui/index.html" ] || fail "no report bundle (build the vocloud_report_ui target)"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/setup installs Debian's chromium)"

{
  echo "users:"
  for who in demo:user admin:supervisor; do
    echo "  - name: ${who%%:*}"
    echo "    role: ${who#*:}"
    echo "    password: '$(echo "${who%%:*}-pw" | "$bin/vocloud-uws" hash-password)'"
  done
} >"$SCRATCH/users.yaml"
cat >"$SCRATCH/uws.yaml" <<YAML
server:
  host: 127.0.0.1
  port: 0
store:
  dir: store
users:
  file: users.yaml
launcher:
  kind: local
  ranks: 1
  max_running: 2
  poll_interval: 0.1
  kill_grace: 2
  mpirun_args: [--oversubscribe]
YAML

"$bin/vocloud-uws" --config "$SCRATCH/uws.yaml" >"$SCRATCH/url.txt" 2>"$SCRATCH/server.log" &
pid=$!
stop() {
  # Jobs outlive the service by design: abort what still runs, then stop it by its PID.
  if [ -n "${url:-}" ]; then
    for j in $(curl -s -u admin:admin-pw "$url?PHASE=EXECUTING&PHASE=QUEUED&PHASE=SUSPENDED" | grep -o 'id="[0-9a-f]\{16\}"' | tr -d '"' | cut -c4-); do
      curl -s -o /dev/null -u admin:admin-pw -d PHASE=ABORT "$url/$j/phase"
    done
    sleep 1
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$SCRATCH"
}
trap stop EXIT
for _ in $(seq 100); do
  grep -q serving "$SCRATCH/url.txt" && break
  kill -0 "$pid" 2>/dev/null || { cat "$SCRATCH/server.log" >&2; fail "vocloud-uws did not start"; }
  sleep 0.1
done
url=$(sed -n 's/.*serving \(http[^ ]*\).*/\1/p' "$SCRATCH/url.txt")
[ -n "$url" ] || fail "vocloud-uws printed no URL"
rm -rf "$shots"
node "$here/uws_page.test.mjs" "${url%/jobs}" "$shots" || { tail -30 "$SCRATCH/server.log" >&2; exit 1; }
