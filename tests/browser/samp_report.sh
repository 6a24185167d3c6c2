#!/usr/bin/env bash
# "Send to TOPCAT / SPLAT" against a real SAMP hub: writes the report of a small experiment,
# then samp.test.mjs drives it over file:// in headless Chromium, first with no hub, then
# with astropy.samp's hub with the Web Profile on 127.0.0.1:21012 and a recording client
# (samp_hub.py); samp_check.py checks what the client received against the experiment's
# HDF5 and FITS files (h5py, astropy). data/spectra.vot must also pass votlint. Then the
# same against JSAMP's hub (TOPCAT's and SPLAT's): it refuses a page opened from disk (origin
# "null"), which must say so; served over http://127.0.0.1 the page sends (samp_jsamp.mjs).
source "$VOCLOUD_SOURCE_DIR/tests/integration/lib.sh"
here="$VOCLOUD_SOURCE_DIR/tests/browser"
ui="$VOCLOUD_BUILD_DIR/share/vocloud/report-ui"
[ -f "$ui/index.html" ] || fail "no front-end bundle in $ui (build the vocloud_report_ui target)"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/setup installs Debian's chromium)"
# The Web Profile's port is fixed by the standard; a hub already there would get the messages
# (SO_REUSEADDR: connections of an earlier run in TIME_WAIT do not count).
$PY -c "import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 21012)); s.close()" 2>/dev/null ||
  fail "port 21012 on 127.0.0.1 is in use (a SAMP hub runs?): this test starts its own hub there"
# samp.test.mjs stops its hub itself; this is for a test killed on its way.
# The JSAMP phase's processes (hub, recorder, web server) write their PIDs to $SCRATCH/*.pid.
stop_hub() {
  local f
  for f in "$SCRATCH"/*.pid; do [ -f "$f" ] && { kill "$(cat "$f")" 2>/dev/null || true; }; done
}
trap 'stop_hub; rm -rf "$SCRATCH"' EXIT
jsamp=/usr/share/java/jsamp.jar
[ -f "$jsamp" ] || fail "no $jsamp (scripts/setup installs libjsamp-java, the hub of TOPCAT and SPLAT)"

cat >"$SCRATCH/exp.yaml" <<YAML
experiment: samp
output: $SCRATCH/out
stages: [synth, preprocess, som, forest]
synth:
  count: 120
  seed: 7
  snr_min: 20
  snr_max: 80
  layouts: {sdss: 0.5, lamost_dr8: 0.5}
  classes: {absorption: 0.5, emission: 0.5}
preprocess:
  input: synth
  lambda_min: 6300
  lambda_max: 6700
  points: 400
  normalise: continuum
som:
  rows: 3
  cols: 3
  epochs: 3
forest:
  trees: 10
  folds: 3
YAML
mpi 1 run "$SCRATCH/exp.yaml" >"$SCRATCH/run.log" 2>&1 || { cat "$SCRATCH/run.log" >&2; fail "vocloud run"; }
mpi 2 report "$SCRATCH/exp.yaml" >"$SCRATCH/report.log" 2>&1 ||
  { cat "$SCRATCH/report.log" >&2; fail "vocloud report"; }
exp="$SCRATCH/out/samp"
stilts votlint "$exp/report/data/spectra.vot" >"$SCRATCH/votlint.txt" 2>&1 || true
if grep -E "ERROR|WARNING" "$SCRATCH/votlint.txt"; then fail "votlint complains about data/spectra.vot"; fi

# The node under test: the fullest whose members all fit on the node page's list (som.h5).
node=$($PY - "$exp/som/som.h5" <<'PYEOF'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as s:
    hits = np.bincount(s["spectra/bmu"][()], minlength=int(s.attrs["rows"]) * int(s.attrs["cols"]))
print(max((n for n in range(len(hits)) if 0 < hits[n] <= 50), key=lambda n: hits[n]))
PYEOF
)
node "$here/samp.test.mjs" "$exp/report" "$node" "$SCRATCH" "$SCRATCH/page.json"
$PY "$here/samp_check.py" "$exp" "$SCRATCH/record.jsonl" "$SCRATCH/page.json"

# JSAMP: its hub with the Web Profile accepting every registration (-web:auth true), its
# lock file in the scratch folder, the recording client on it, the report on a web server.
# (The hub writes its lock file as $HOME/.samp: a home of its own in the scratch folder.)
mkdir -p "$SCRATCH/jhome"
jlock="$SCRATCH/jhome/.samp"
HOME="$SCRATCH/jhome" java -Duser.home="$SCRATCH/jhome" -cp "$jsamp" org.astrogrid.samp.hub.Hub -mode no-gui \
  -profiles std,web -web:auth true >"$SCRATCH/jsamp.log" 2>&1 &
echo $! >"$SCRATCH/jsamp.pid"
for _ in $(seq 300); do [ -s "$jlock" ] && grep -q samp.hub.xmlrpc.url "$jlock" && break; sleep 0.1; done
[ -s "$jlock" ] || { cat "$SCRATCH/jsamp.log" >&2; fail "JSAMP's hub did not start"; }
$PY "$here/samp_hub.py" --external "$jlock" "$SCRATCH/record-jsamp.jsonl" "$SCRATCH/jsamp-client.ready" &
echo $! >"$SCRATCH/jsamp-client.pid"
port=$($PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
$PY -m http.server -b 127.0.0.1 -d "$exp/report" "$port" >"$SCRATCH/http.log" 2>&1 &
echo $! >"$SCRATCH/http.pid"
for _ in $(seq 300); do
  [ -f "$SCRATCH/jsamp-client.ready" ] && $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done
node "$here/samp_jsamp.mjs" "$exp/report" "http://127.0.0.1:$port" "$node" "$SCRATCH/page-jsamp.json"
$PY "$here/samp_check.py" "$exp" "$SCRATCH/record-jsamp.jsonl" "$SCRATCH/page-jsamp.json" --no-registration-record
