#!/usr/bin/env bash
# Reuse notices changed inputs (issue 12 §3): files added to or removed from a local
# source make acquire and then preprocess run again; `--force acquire` that finds new files
# makes preprocess run again; an edited spectrum under the base of knowledge is noticed by
# its size and mtime (input_check: stat) or by its content (input_check: content); a file
# touched without change makes stat mode recompute and leaves content mode reused; a BoK
# outside the pipeline (input: directory) counts by its files too; stage.json provenance.
# Row counts come from h5py and ls, not from vocloud's summary.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
mkdir src
spectra=($(ls $REAL/ondrejov/vo-table/*.fits | head -8))
cp -p "${spectra[@]:0:5}" src/
cat > exp.yaml <<'YAML'
experiment: inputs
output: out
stages: [acquire, preprocess]
acquire:
  sources:
    - kind: local
      path: src
      pattern: "*.fits"
preprocess:
  input: acquire
  pca_components: 2
YAML
DATA=out/inputs/preprocess/dataset.h5
rows() { $PY -c "import h5py,sys; print(h5py.File(sys.argv[1])['flux'].shape[0])" "$DATA"; }
flux_hash() { $PY -c "import h5py,hashlib,sys; print(hashlib.sha256(h5py.File(sys.argv[1])['flux'][()].tobytes()).hexdigest())" "$DATA"; }
n=0
step() {  # step ACQUIRE PREPROCESS ARGS...: run, expect each stage's log line
  local want_acquire="$1" want_preprocess="$2"; shift 2
  n=$((n + 1))
  mpi 2 run exp.yaml "$@" >"run$n.txt" 2>"log$n.txt"
  expect_contains "log$n.txt" "stage acquire: $want_acquire"
  expect_contains "log$n.txt" "stage preprocess: $want_preprocess"
}
expect_rows() { [ "$(rows)" = "$1" ] || fail "step $n: dataset has $(rows) rows, expected $1"; }

step computing computing;  expect_rows 5
step reused reused;        expect_rows 5

# Two files added: acquire lists them, preprocess reads the new catalog.
cp -p "${spectra[@]:5:2}" src/
step computing computing;  expect_rows "$(ls src | wc -l)"
# One removed.
rm "src/$(basename "${spectra[0]}")"
step computing computing;  expect_rows "$(ls src | wc -l)"

# `--force acquire` with nothing changed keeps the copies and the catalog: preprocess reused.
step "computing (fingerprint" reused --force acquire
expect_contains "log$n.txt" "forced"
# `vocloud acquire --force` finds a new file; the next run reuses acquire, recomputes preprocess.
cp -p "${spectra[7]}" src/
mpi 2 acquire exp.yaml --force >/dev/null 2>acq.txt
expect_contains acq.txt "stage acquire: computing"
step reused computing;     expect_rows "$(ls src | wc -l)"

# A source file touched without change: acquire lists it again, its copy in the BoK is kept,
# so preprocess is reused.
touch "src/$(basename "${spectra[1]}")"
step computing reused

# An edited spectrum under the BoK: same size, other flux values, mtime put back.
victim=$($PY -c "import csv; print(next(csv.DictReader(open('out/inputs/acquire/bok/catalog.csv')))['path'])")
victim="out/inputs/acquire/bok/$victim"
edit_same_size() {  # other flux values in the same bytes; the mtime is put back
  cp -p "$victim" stamp.ref
  $PY - "$victim" "$1" <<'PYEOF'
from astropy.io import fits
import sys
with fits.open(sys.argv[1], mode="update") as f:
    flux = f[1].data["flux"]
    flux[200:260] *= float(sys.argv[2])
PYEOF
  cmp -s "$victim" stamp.ref && fail "the edit did not change the file"
  [ "$(stat -c %s "$victim")" = "$(stat -c %s stamp.ref)" ] || fail "the edit changed the size"
  touch -r stamp.ref "$victim"
}
# stat mode: a same-size edit with the mtime put back goes unnoticed (documented).
edit_same_size 1.5
step reused reused
# content mode notices it (the mode change alone recomputes once; then a baseline).
step reused computing --set preprocess.input_check=content
step reused reused --set preprocess.input_check=content
before=$(flux_hash)
edit_same_size 0.5
step reused computing --set preprocess.input_check=content
[ "$(flux_hash)" != "$before" ] || fail "the recomputed data set did not see the edit"
expect_rows "$(ls src | wc -l)"
# content mode: touched without change is no change.
touch "$victim"
step reused reused --set preprocess.input_check=content
# stat mode: touched without change recomputes (as make does), and a normal edit is noticed.
step reused computing
step reused reused
touch "$victim"
step reused computing
before=$(flux_hash)
edit_same_size 3.0; touch "$victim"
step reused computing
[ "$(flux_hash)" != "$before" ] || fail "the recomputed data set did not see the edit"
expect_rows "$(ls src | wc -l)"

# A BoK outside the pipeline (input: directory) counts by its files too, not only its catalog.
cp -r out/inputs/acquire/bok bok2
cat > dir.yaml <<'YAML'
experiment: dir
output: out
stages: [preprocess]
preprocess: {input: directory, bok_dir: bok2, pca_components: 2}
YAML
mpi 2 run dir.yaml >/dev/null 2>dir1.txt
expect_contains dir1.txt "stage preprocess: computing"
mpi 2 run dir.yaml >/dev/null 2>dir2.txt
expect_contains dir2.txt "stage preprocess: reused"
victim="bok2/$($PY -c "import csv; print(list(csv.DictReader(open('bok2/catalog.csv')))[-1]['path'])")"
edit_same_size 0.25; touch "$victim"
mpi 2 run dir.yaml >/dev/null 2>dir3.txt
expect_contains dir3.txt "stage preprocess: computing"

# stage.json records the command line, host and UTC start and end times.
$PY - out/inputs/preprocess/stage.json "$(hostname)" <<'PYEOF'
import json, sys, datetime
m = json.load(open(sys.argv[1]))
assert m["command_line"].endswith("run exp.yaml"), m["command_line"]
assert m["host"] == sys.argv[2], (m["host"], sys.argv[2])
fmt = "%Y-%m-%dT%H:%M:%SZ"
start = datetime.datetime.strptime(m["started"], fmt)
end = datetime.datetime.strptime(m["ended"], fmt)
now = datetime.datetime.utcnow()
assert start <= end <= now + datetime.timedelta(seconds=1), m
assert now - start < datetime.timedelta(minutes=10), m
PYEOF
echo "input changes: ok"
