#!/usr/bin/env bash
# Outlier finding: the share of injected outliers in the top 2 % of vocloud's SOM outlier
# score, against scikit-learn's LocalOutlierFactor (k = 20 and 50) and IsolationForest on
# the same preprocessed spectra, at high S/N (150-400, as tests/integration/som_stage.sh)
# and at the demo's S/N (15-120). Also each row's distance to its nearest normal spectrum,
# a ranking that is told which rows are normal (it defines "detectable"), and the seconds
# each method took on one core (vocloud: training and evaluation of the map).
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${VOCLOUD_SOURCE_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_OUTLIER_N:-20000}"
work="$BENCH_OUT/data/som-outliers"
mkdir -p "$work"
results="$BENCH_OUT/som_outliers.jsonl"
: > "$results"
for snr in "150 400" "15 120"; do
  set -- $snr
  name="snr-$1-$2"
  cat > "$work/$name.yaml" <<YAML
experiment: $name
output: $work
log: {level: warn}
stages: [synth, preprocess, som]
synth: {count: $N, seed: 7, outlier_fraction: 0.01, snr_min: $1, snr_max: $2}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 400, pca_components: 0}
som: {rows: 30, cols: 30, epochs: 20, seed: 3, checkpoint_every: 0, somoclu_files: false}
YAML
  "$VOCLOUD_BIN" run "$work/$name.yaml" >/dev/null
  /usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/sklearn_outliers.py" "$work/$name" "$1-$2" >> "$results"
done
/usr/bin/python3 - "$results" "$BENCH_OUT/som_outliers.json" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    print(f"S/N {r['snr']}: {r['rows']} spectra, {r['injected']} injected outliers, "
          f"{r['detectable']} detectable by their nearest normal spectrum")
    print(f"  {'method':28s} {'top 2 %':>7s} {'seconds':>8s}   by kind")
    for m in r["methods"]:
        kinds = ", ".join(f"{k} {v:.0%}" for k, v in m["by_kind"].items())
        secs = f"{m['seconds']:8.1f}" if m["seconds"] is not None else f"{'-':>8s}"
        print(f"  {m['name']:28s} {m['found']:7.0%} {secs}   {kinds}")
json.dump(rows, open(sys.argv[2], "w"), indent=1)
PYEOF
