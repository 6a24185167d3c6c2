#!/usr/bin/env bash
# A small experiment end to end, on 2 ranks: config check of the demo config, inspect of one
# real file of every layout, then synth -> preprocess -> som -> forest -> predict on 300
# spectra. The asan build runs it too (label asan): any AddressSanitizer or UBSan report
# ends vocloud with a non-zero status, so the test fails on it. The expectations are
# invariants read with h5py: every catalog row is either a data set row or a rejected one,
# the map and the forest cover those rows.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
"$VOCLOUD_BIN" config check "$VOCLOUD_SOURCE_DIR/configs/demo.yaml" >check.txt 2>&1 ||
  { cat check.txt >&2; fail "config check of configs/demo.yaml"; }

REAL="$VOCLOUD_SHARED_DATA/real"
if [ -d "$REAL" ]; then
  files=("$REAL/sdss/spec-0266-51602-0013.fits" "$REAL/lamost-dr1/spec-55862-B6212_sp06-003.fits"
         "$REAL/lamost-dr2/spec-55916-B5591606_sp01-001.fits" "$REAL/ondrejov/raw/gamma-cas-emission-raw.fits"
         "$(ls "$REAL"/ondrejov/vo-table/*.fits | head -n 1)" "$REAL/formats/hd217476/binary.vot"
         "$REAL/formats/hd217476/tabledata.vot" "$REAL/formats/hd217476/spectrum.csv")
  "$VOCLOUD_BIN" inspect --json --values "${files[@]}" >inspect.json 2>inspect.err ||
    { cat inspect.err >&2; fail "inspect of real files"; }
fi

cat > small.yaml <<'YAML'
experiment: small
output: out
stages: [synth, preprocess, som, forest, predict]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 5, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
predict: {class: double_peak, top: 20}
YAML
mpi 2 run small.yaml >run.out 2>run.err || { cat run.err >&2; fail "vocloud run small.yaml"; }

$PY - <<'PYEOF'
import csv, h5py
root = "out/small"
with open(f"{root}/synth/bok/catalog.csv") as f:
    catalog = list(csv.DictReader(f))
assert len(catalog) == 300, len(catalog)
data = h5py.File(f"{root}/preprocess/dataset.h5", "r")
kept, rejected = data["/flux"].shape[0], data["/rejected/id"].shape[0]
assert kept + rejected == 300, (kept, rejected)
assert data["/flux"].shape[1] == 200, data["/flux"].shape
for name in ("som/som.h5", "forest/forest.h5"):
    h5py.File(f"{root}/{name}", "r").close()
print(f"small experiment: {kept} rows kept, {rejected} rejected, som and forest written")
PYEOF
[ -s out/small/predict/candidates.csv ] || fail "predict wrote no candidates.csv"
