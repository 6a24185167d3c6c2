#!/usr/bin/env bash
# Runs a small experiment, writes its report, and checks every page of it in headless
# Chromium against the experiment's HDF5 and FITS files (report.test.mjs, expected.py).
# Screenshots of each page: $VOCLOUD_BUILD_DIR/tests/browser/screenshots/.
source "$VOCLOUD_SOURCE_DIR/tests/integration/lib.sh"
here="$VOCLOUD_SOURCE_DIR/tests/browser"
ui="$VOCLOUD_BUILD_DIR/share/vocloud/report-ui"
shots="$VOCLOUD_BUILD_DIR/tests/browser/screenshots"
[ -f "$ui/index.html" ] || fail "no front-end bundle in $ui (build the vocloud_report_ui target)"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/setup installs Debian's chromium)"

# 600 spectra in every layout; a toroidal hexagonal map, so the wrap is drawn.
cat >"$SCRATCH/exp.yaml" <<YAML
experiment: browser
output: $SCRATCH/out
stages: [synth, preprocess, som, forest, predict]
synth:
  count: 600
  seed: 2026
  snr_min: 15
  snr_max: 120
  outlier_fraction: 0.005
  layouts: {sdss: 0.2, lamost_dr2: 0.2, lamost_dr8: 0.2, ondrejov_raw: 0.2, ondrejov_ssap: 0.2}
  classes: {absorption: 0.46, emission: 0.40, double_peak: 0.14}
preprocess:
  input: synth
  lambda_min: 6300
  lambda_max: 6700
  points: 800
  normalise: continuum
  pca_components: 10
som:
  rows: 6
  cols: 6
  grid: hexagonal
  topology: toroidal
  epochs: 4
forest:
  trees: 20
  folds: 5
predict:
  class: double_peak
  rows: all
  top: 20
YAML
# A first, shorter map of the same data: a second kept SOM variant for the comparison page
# (synth and preprocess are shared; the run below makes the 4-epoch map the latest).
sed -e 's/^stages: .*/stages: [synth, preprocess, som]/' -e 's/^  epochs: 4$/  epochs: 2/' \
  "$SCRATCH/exp.yaml" >"$SCRATCH/exp-short.yaml"
mpi 2 run "$SCRATCH/exp-short.yaml" >"$SCRATCH/run-short.log" 2>&1 ||
  { cat "$SCRATCH/run-short.log" >&2; fail "vocloud run (2 epochs)"; }
mpi 2 run "$SCRATCH/exp.yaml" >"$SCRATCH/run.log" 2>&1 || { cat "$SCRATCH/run.log" >&2; fail "vocloud run"; }
exp="$SCRATCH/out/browser"
report="$exp/report"

# The report as `vocloud report` writes it (the bundle from the build, data/ from the HDF5
# outputs). make_fixture.py writes the same data/ independently from the contract
# (docs/report-data.md) for work on the front end without the C++ writer.
mpi 2 report "$SCRATCH/exp.yaml" >"$SCRATCH/report.log" 2>&1 ||
  { cat "$SCRATCH/report.log" >&2; fail "vocloud report"; }
[ -f "$report/index.html" ] || fail "vocloud report wrote no index.html (bundle not copied)"

# Every runtime dependency of the front end (what the bundle holds) ships its licence text.
for pkg in $($PY -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['dependencies']))" "$VOCLOUD_SOURCE_DIR/viz-export/package.json"); do
  [ -s "$report/licenses/${pkg//\//__}.txt" ] || fail "no licence text for $pkg in $report/licenses"
done

$PY "$here/expected.py" "$exp" >"$SCRATCH/expected.json"
rm -rf "$shots"
node "$here/report.test.mjs" "$report" "$SCRATCH/expected.json" "$shots"
