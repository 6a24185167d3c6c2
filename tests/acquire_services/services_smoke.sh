#!/usr/bin/env bash
# Smoke test of the services the data-manager tests use (tests/services/):
#  1. the HTTP fixture: plain file, ETag, Range/resume, 404/500, flaky, slow,
#     drop, badlength, auth, index -- checked with curl and the request log;
#  2. the private DaCHS SSAP + DataLink/SODA service -- checked with curl for
#     the error answers and with pyvo + astropy (pyvo_ssap.py).
# Every server is started here, on 127.0.0.1 only, and stopped by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
services=$(cd "$here/../services" && pwd)
spectra=${VOCLOUD_SHARED_DATA:-$here/../../../shared/data}/real/ondrejov/vo-table
[ -d "$spectra" ] || { echo "no spectra at $spectra" >&2; exit 1; }
for tool in curl /usr/bin/python3 cmp; do
  command -v "$tool" >/dev/null || { echo "missing $tool (run scripts/setup)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vocloud-services.XXXXXX")
cleanup() {
  local rc=$?
  "$services/stop_dachs.sh" "$work/dachs" || rc=1
  "$services/stop_service.sh" "$work/http/http.pid" || rc=1
  if [ $rc -ne 0 ]; then
    echo "--- logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
# curl must never use a proxy here
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
expect() {  # expect WHAT GOT WANT
  if [ "$2" = "$3" ]; then ok "$1 ($2)"; else fail "$1: got '$2', want '$3'"; fi
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# ============================ HTTP fixture =====================================
www="$work/www"
mkdir -p "$www/ondrejov" "$www/other"
for f in ud090015 uj020083 vd250003; do cp "$spectra/$f.fits" "$www/ondrejov/"; done
echo "not a spectrum" > "$www/other/readme.txt"
big="$www/ondrejov/ud090015.fits"
size=$(stat -c %s "$big")

port=$("$services/start_http_fixture.sh" "$www" "$work/http" --auth alice:s3cret)
U="http://127.0.0.1:$port"
log="$work/http/http.log"
echo "HTTP fixture on $U"

# plain file with Content-Length and ETag
curl -s -D "$work/h" -o "$work/got" "$U/ondrejov/ud090015.fits"
cmp -s "$work/got" "$big" && ok "plain GET returns the file" || fail "plain GET content"
grep -qi "^content-length: $size" "$work/h" && ok "Content-Length $size" || fail "Content-Length"
etag=$(grep -i '^etag:' "$work/h" | cut -d' ' -f2- | tr -d '\r')
[ -n "$etag" ] && ok "ETag $etag" || fail "no ETag"
expect "If-None-Match with the ETag" "$(code -H "If-None-Match: $etag" "$U/ondrejov/ud090015.fits")" 304
expect "missing file" "$(code "$U/ondrejov/none.fits")" 404
expect "path escaping the root" "$(code --path-as-is "$U/../../etc/passwd")" 404

# status paths
expect "/status/404/" "$(code "$U/status/404/ondrejov/ud090015.fits")" 404
expect "/status/500/" "$(code "$U/status/500/ondrejov/ud090015.fits")" 500

# flaky: two 503, then the file; the log shows all three
f="$U/flaky/2/ondrejov/uj020083.fits"
expect "flaky try 1" "$(code "$f")" 503
expect "flaky try 2" "$(code "$f")" 503
expect "flaky try 3" "$(code "$f")" 200
expect "flaky requests in the log" \
  "$(grep -c $'\t/flaky/2/ondrejov/uj020083.fits\t' "$log" | tr -d ' ')" 3
rm -f "$work/got"
curl -s --retry 3 --retry-delay 0 -o "$work/got" "$U/flaky/2/ondrejov/vd250003.fits"
cmp -s "$work/got" "$www/ondrejov/vd250003.fits" && ok "curl --retry gets past /flaky/2/" ||
  fail "retry through flaky"

# Range -> 206 with the right bytes
curl -s -r 100-1099 -D "$work/h" -o "$work/part" "$U/ondrejov/ud090015.fits"
grep -q '^HTTP/1.1 206' "$work/h" && ok "Range answered 206" || fail "Range status"
grep -qi "^content-range: bytes 100-1099/$size" "$work/h" && ok "Content-Range" || fail "Content-Range"
cmp -s "$work/part" <(tail -c +101 "$big" | head -c 1000) && ok "range bytes" || fail "range bytes"
expect "unsatisfiable range" "$(code -r "$size-" "$U/ondrejov/ud090015.fits")" 416

# drop: half the body then close; resuming with Range completes the file
rm -f "$work/got"
set +e; curl -s -o "$work/got" "$U/drop/ondrejov/ud090015.fits"; rc=$?; set -e
expect "drop: curl reports a partial transfer" "$rc" 18
expect "drop: half the body arrived" "$(stat -c %s "$work/got")" $((size / 2))
curl -s -C - -o "$work/got" "$U/drop/ondrejov/ud090015.fits"
cmp -s "$work/got" "$big" && ok "resumed download is complete" || fail "resume"
grep -q $'\t/drop/ondrejov/ud090015.fits\t206\tbytes='"$((size / 2))"$'-\t' "$log" &&
  ok "log shows the resume (206, Range bytes=$((size / 2))-)" || fail "resume not in log"

# badlength: Content-Length larger than the body
set +e; curl -s -o /dev/null "$U/badlength/ondrejov/ud090015.fits"; rc=$?; set -e
expect "badlength: curl reports a partial transfer" "$rc" 18

# slow: ~800 ms for the body, content intact
t0=$(date +%s%N)
curl -s -o "$work/got" "$U/slow/800/ondrejov/ud090015.fits"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cmp -s "$work/got" "$big" && [ "$ms" -ge 600 ] && ok "slow: intact after ${ms} ms" ||
  fail "slow: ${ms} ms"

# auth
expect "auth without credentials" "$(code "$U/auth/ondrejov/ud090015.fits")" 401
curl -s -D "$work/h" -o /dev/null "$U/auth/ondrejov/ud090015.fits"
grep -qi '^www-authenticate: basic' "$work/h" && ok "WWW-Authenticate: Basic" || fail "no WWW-Authenticate"
expect "auth with a wrong password" "$(code -u alice:wrong "$U/auth/ondrejov/ud090015.fits")" 401
expect "auth with the password" "$(code -u alice:s3cret "$U/auth/ondrejov/ud090015.fits")" 200

# index: relative links, one level deep, each resolving to the file
curl -s -o "$work/index.html" "$U/index/ondrejov/"
hrefs=$(grep -o 'href="[^"]*"' "$work/index.html" | cut -d'"' -f2 | grep -v '/$' || true)
expect "index links the three spectra" "$(echo "$hrefs" | tr '\n' ' ')" \
  "ud090015.fits uj020083.fits vd250003.fits "
for h in $hrefs; do
  curl -s -o "$work/got" "$U/index/ondrejov/$h"
  cmp -s "$work/got" "$www/ondrejov/$h" && ok "index link $h" || fail "index link $h"
done
expect "index without trailing slash redirects" "$(code "$U/index/ondrejov")" 301

# ============================ DaCHS ============================================
t0=$(date +%s)
base=$(VOCLOUD_DACHS_SPECTRA="$spectra" "$services/start_dachs.sh" "$work/dachs")
echo "DaCHS on $base (started in $(( $(date +%s) - t0 )) s)"
ssap=$(cat "$work/dachs/ssap.url")
soda="$base/ccd700/q/sdl/dlget"
id="ivo://asu.cas.cz/stel/ccd700/ud090015"
expect "SSAP queryData" "$(code "$ssap?REQUEST=queryData&POS=75.3,43.5&SIZE=0.3")" 200
expect "SODA unknown ID" "$(code "$soda?ID=ivo://asu.cas.cz/stel/ccd700/nope")" 404
expect "SODA cut-out outside the spectrum" \
  "$(code "$soda?ID=$id&LAMBDA_MIN=7e-7&LAMBDA_MAX=8e-7&FORMAT=application/fits")" 204
expect "SODA bad FLUXCALIB" "$(code "$soda?ID=$id&FLUXCALIB=bogus")" 422
expect "SODA FITS cut-out" \
  "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' \
     "$soda?ID=$id&LAMBDA_MIN=6.5e-7&LAMBDA_MAX=6.6e-7&FLUXCALIB=normalized&FORMAT=application/fits")" \
  "200 application/fits"

/usr/bin/python3 "$here/pyvo_ssap.py" "$ssap" "$spectra" || fails=$((fails + 1))

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "services smoke test passed"
