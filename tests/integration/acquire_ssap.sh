#!/usr/bin/env bash
# Data manager against a real SSAP + DataLink service (DaCHS on 127.0.0.1 publishing the
# Ondrejov spectra): vocloud must find the same rows and files as pyvo for the same query,
# the DataLink cut-outs must hold exactly the original samples in the requested range, and
# a query the service rejects (QUERY_STATUS=ERROR) must stop with the service's message.
source "$(dirname "$0")/lib.sh"
SERVICES="$VOCLOUD_SOURCE_DIR/tests/services"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
"$SERVICES/start_dachs.sh" "$SCRATCH/dachs" >/dev/null
trap '"$SERVICES/stop_dachs.sh" "$SCRATCH/dachs" >/dev/null 2>&1 || true; rm -rf "$SCRATCH"' EXIT
source "$SCRATCH/dachs/dachs.env"
cat > exp.yaml <<YAML
experiment: vo
output: out
stages: [acquire]
acquire:
  retries: 1
  retry_backoff: 0.1
  sources:
    - kind: ssap
      url: $DACHS_SSAP_URL
      pos: "75.3,43.5"
      size: 1.4
      label_column: ssa_targname
    - kind: ssap
      url: $DACHS_SSAP_URL
      maxrec: 100
      datalink: true
      datalink_params: [FLUXCALIB=normalized, LAMBDA_MIN=6.5e-7, LAMBDA_MAX=6.6e-7, FORMAT=application/fits]
YAML
mpi 2 run exp.yaml >run.txt 2>log.txt || { cat log.txt; fail "acquire from SSAP failed"; }
$PY - out/vo/acquire/bok "$DACHS_SSAP_URL" "$REAL/ondrejov/vo-table" <<'PYEOF'
import csv, glob, hashlib, os, sys, urllib.request
import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
import pyvo
bok, ssap_url, originals_dir = sys.argv[1:4]
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
rejects = list(csv.DictReader(open(os.path.join(bok, "catalog_rejects.csv"))))
assert not rejects, rejects
cone = [r for r in rows if r["path"].startswith("files/0/")]
cut = [r for r in rows if r["path"].startswith("files/1/")]

# Source 0: pyvo's answer to the same query.
res = pyvo.dal.SSAService(ssap_url).search(pos=SkyCoord(75.3 * u.deg, 43.5 * u.deg), diameter=1.4 * u.deg)
want = {str(r["ssa_pubDID"]): (str(r["accref"]), str(r["ssa_targname"])) for r in res}
got = {r["id"]: r for r in cone}
assert set(got) == set(want), (sorted(got), sorted(want))
for pid, (url, target) in want.items():
    r = got[pid]
    assert r["source_url"] == url, (r["source_url"], url)
    assert r["label"] == target, (r["label"], target)
    body = urllib.request.urlopen(url).read()
    data = open(os.path.join(bok, r["path"]), "rb").read()
    assert data == body and r["sha256"] == hashlib.sha256(body).hexdigest(), pid
    assert r["format"] == "ondrejov_ssap", r["format"]
print(f"cone: {len(cone)} spectra, the same rows and bytes as pyvo")

# Source 1: every spectrum through the DataLink cut-out service.
originals = {}
for path in glob.glob(os.path.join(originals_dir, "*.fits")):
    with fits.open(path) as h:
        originals[h[1].header["DS_IDPUB"]] = (np.array(h[1].data["spectral"], float), np.array(h[1].data["flux"], float))
assert {r["id"] for r in cut} == set(originals), len(cut)
for r in cut:
    with fits.open(os.path.join(bok, r["path"])) as h:
        wave = np.array(h[1].data["spectral"], float)
        flux = np.array(h[1].data["flux"], float)
    assert "dlget" in r["source_url"] and "LAMBDA_MIN=6.5e-7" in r["source_url"], r["source_url"]
    w0, f0 = originals[r["id"]]
    inside = (w0 >= 6500) & (w0 <= 6600)
    assert len(wave) == inside.sum() and np.allclose(wave, w0[inside]) and np.allclose(flux, f0[inside]), r["id"]
print(f"datalink: {len(cut)} cut-outs hold exactly the original samples in 6500-6600 A")
PYEOF

# The service rejects the query: the job stops with its message.
cat > bad.yaml <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: ssap
      url: $DACHS_SSAP_URL
      pos: "not a position"
      size: 1
YAML
set +e; mpi 2 run bad.yaml >/dev/null 2>bad.txt; status=$?; set -e
[ "$status" -ne 0 ] || fail "an SSAP error did not fail the run"
expect_contains bad.txt "QUERY_STATUS=ERROR"
echo "acquire from SSAP + DataLink: ok"
