#!/usr/bin/env bash
# The report's data files on a small experiment (synth -> ... -> predict -> report on 2 ranks):
# check_report.py compares them with h5py/numpy/astropy readings of the outputs; then the
# report written again on 1 rank must hold the same files (the creation time aside).
source "$(dirname "$0")/../integration/lib.sh"
cd "$SCRATCH"
cat > small.yaml <<'YAML'
experiment: small
output: out
stages: [synth, preprocess, som, forest, predict, report]
synth: {count: 240, seed: 7, outlier_fraction: 0.03, snr_min: 4, snr_max: 60}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 150, pca_components: 3,
             normalise: continuum, min_snr: 6}
som: {rows: 4, cols: 4, epochs: 3}
forest: {trees: 8, folds: 3, seed: 2}
predict: {class: double_peak, top: 15}
report: {outliers: 20, members_per_node: 6, members_per_cell: 9, per_shard: 16, max_rejected: 5}
YAML
mpi 2 run small.yaml >run.out 2>run.err || { cat run.err >&2; fail "vocloud run small.yaml"; }
if [ -f "$VOCLOUD_BUILD_DIR/share/vocloud/report-ui/index.html" ]; then
  [ -f out/small/report/index.html ] || fail "the front end was built but not copied"
else  # no bundle in this build: data only, said in one warning line
  [ "$(grep -c "report: the front end" run.err)" = 1 ] || { cat run.err >&2; fail "one warning"; }
fi
$PY "$(dirname "$0")/check_report.py" out/small \
  '{"outliers": 20, "members_per_node": 6, "members_per_cell": 9, "per_shard": 16, "max_rejected": 5}'

cp -r out/small/report/data data-2ranks
mpi 1 report small.yaml --force >one.out 2>one.err || { cat one.err >&2; fail "vocloud report on 1 rank"; }
$PY - <<'PYEOF'
import filecmp, os, re
a, b = "data-2ranks", "out/small/report/data"
def files(d):
    return sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(d) for f in fs)
assert files(a) == files(b), (files(a), files(b))
for f in files(a):
    x, y = open(f"{a}/{f}").read(), open(f"{b}/{f}").read()
    if f == "overview.js":
        x, y = (re.sub(r'"created":"[^"]*"', "", t) for t in (x, y))
    assert x == y, f"{f} differs between 2 ranks and 1 rank"
print(f"1 and 2 ranks: the same {len(files(a))} files")
PYEOF
