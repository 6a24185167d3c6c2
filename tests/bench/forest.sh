#!/usr/bin/env bash
# Random forest fit time on N rows (default 100000; BENCH_FOREST_N) of 200 and of 1000
# features, 100 trees, at 1 and 2 ranks; against scikit-learn (n_jobs=2), XGBoost's
# random-forest mode (XGBRFClassifier, tree_method="hist", n_jobs=2; BENCH_FOREST_XGBOOST=0
# leaves it out) and ranger (num.threads=2) on the same file in the same run, at matched
# accuracy: every tool fits the same 80% of the rows and is scored on the same held-out 20%
# (ranger: its OOB accuracy). The table adds the parallel efficiency from 1 to 2 ranks.
# vocloud (1 and 2 ranks, in turn) and scikit-learn are each timed BENCH_FOREST_REPEATS times
# (default 3) and the fastest fit is reported for each alike: on a shared machine single fit
# times wander by a third; the other peers run once.
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${VOCLOUD_SOURCE_DIR:?}" "${VOCLOUD_BUILD_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_FOREST_N:-100000}"
DIMS="${BENCH_FOREST_DIMS:-200 1000}"
TREES=100
REPEATS="${BENCH_FOREST_REPEATS:-3}"
PY=/usr/bin/python3
data="$BENCH_OUT/data"
mkdir -p "$data"
results="$BENCH_OUT/forest.jsonl"
: > "$results"
for D in $DIMS; do
  full="$data/forest-$N-$D.h5"; train="$data/forest-$N-$D-train.h5"
  [ -f "$full" ] || $PY "$VOCLOUD_SOURCE_DIR/tests/bench/make_forest_data.py" "$full" --rows "$N" \
      --dims "$D" --classes 3 --informative 20 --seed 7 >/dev/null
  # The training file: the same rows with the labels of the last 20% blanked (rows are
  # shuffled by the generator, so this is a random held-out set).
  $PY - "$full" "$train" <<'PYEOF'
import h5py, shutil, sys
shutil.copyfile(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    lab = f["/meta/label"]; n = lab.shape[0]; cut = n - n // 5
    blank = lab[()]; blank[cut:] = b""; lab[...] = blank
PYEOF
  cat > "$data/forest-bench.yaml" <<YAML
experiment: forest-bench-$N-$D
output: $data
log: {level: warn}
stages: [forest, predict]
forest: {input: file, dataset_file: $train, trees: $TREES, folds: 0, permutation_importance: false, seed: 1}
predict: {input: file, dataset_file: $train, class: class_0, top: 10}
YAML
  runs="$data/vocloud-runs.jsonl"
  : > "$runs"
  for ((rep = 0; rep < REPEATS; ++rep)); do
    for n in 1 2; do
      mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" run "$data/forest-bench.yaml" --force all >/dev/null
      $PY - "$data/forest-bench-$N-$D" "$full" "$n" "$D" >> "$runs" <<'PYEOF'
import h5py, json, sys, numpy as np
d, full, ranks, dims = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = json.load(open(f"{d}/forest/timings.json"))
truth = h5py.File(full, "r")["/meta/label"][()].astype(str)
names = h5py.File(f"{d}/forest/forest.h5", "r")["/classes/name"][()].astype(str)
pred = names[h5py.File(f"{d}/predict/predictions.h5", "r")["/predicted"][()]]
held = np.arange(len(truth)) >= len(truth) - len(truth) // 5
print(json.dumps({"tool": f"vocloud {ranks} rank(s)", "dims": dims, "fit_seconds": t["steps"]["fit"]["max"],
                  "accuracy": float((pred[held] == truth[held]).mean()), "rss_mb": max(t["max_rss_mb_per_rank"])}))
PYEOF
    done
  done
  # The fastest fit of each rank count (the forest, and so the accuracy, is the same every time).
  $PY - "$runs" >> "$results" <<'PYEOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
for tool in dict.fromkeys(r["tool"] for r in runs):
    mine = [r for r in runs if r["tool"] == tool]
    best = dict(min(mine, key=lambda r: r["fit_seconds"]))
    best["fit_seconds_all"] = [r["fit_seconds"] for r in mine]
    best["rss_mb"] = max(r["rss_mb"] for r in mine)
    print(json.dumps(best))
PYEOF
  $PY - "$full" "$D" "$REPEATS" >> "$results" <<'PYEOF'
import h5py, json, sys, time, numpy as np
from sklearn.ensemble import RandomForestClassifier
f = h5py.File(sys.argv[1], "r"); x = f["/flux"][()]; y = f["/meta/label"][()].astype(str)
cut = len(y) - len(y) // 5
times = []
for _ in range(int(sys.argv[3])):
    model = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=1)
    t = time.perf_counter(); model.fit(x[:cut], y[:cut]); times.append(time.perf_counter() - t)
print(json.dumps({"tool": "scikit-learn n_jobs=2", "dims": int(sys.argv[2]), "fit_seconds": min(times),
                  "fit_seconds_all": times, "accuracy": float((model.predict(x[cut:]) == y[cut:]).mean())}))
PYEOF
  # XGBoost's random-forest mode: one round of 100 parallel trees (it grows one tree per class
  # per round), histogram splits, the same sqrt(D) features per split, 63.2 % of the rows per
  # tree (a bootstrap's distinct rows) and depth 16 (unlimited lossguide growth took over
  # 10 minutes on 8000 x 200 here).
  if [ "${BENCH_FOREST_XGBOOST:-1}" = 1 ] && $PY -c "import xgboost" 2>/dev/null; then
    $PY - "$full" "$D" >> "$results" <<'PYEOF'
import h5py, json, sys, time, numpy as np
from xgboost import XGBRFClassifier
f = h5py.File(sys.argv[1], "r"); x = f["/flux"][()]; y = f["/meta/label"][()].astype(str)
cut = len(y) - len(y) // 5
names, code = np.unique(y, return_inverse=True)
model = XGBRFClassifier(n_estimators=100, tree_method="hist", n_jobs=2, random_state=1,
                        subsample=0.632, colsample_bynode=float(np.sqrt(x.shape[1])) / x.shape[1],
                        max_depth=16)
t = time.perf_counter(); model.fit(x[:cut], code[:cut]); seconds = time.perf_counter() - t
print(json.dumps({"tool": "XGBoost RF n_jobs=2", "dims": int(sys.argv[2]), "fit_seconds": seconds,
                  "accuracy": float((names[model.predict(x[cut:])] == y[cut:]).mean())}))
PYEOF
  fi
  if command -v Rscript >/dev/null; then
    Rscript "$VOCLOUD_SOURCE_DIR/tests/bench/ranger_forest.R" --h5 "$train" --trees $TREES --threads 2 --seed 1 \
      | $PY -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'tool':'ranger 2 threads','dims':$D,'fit_seconds':r['fit_seconds'],'accuracy':r.get('oob_accuracy')}))" >> "$results"
  fi
done
$PY - "$results" "$N" "$BENCH_OUT/forest.json" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"Random forest: N={sys.argv[2]}, 100 trees, 3 classes; accuracy on the same held-out 20% (ranger: OOB)")
print(f"{'features':>8} {'tool':<24} {'fit s':>8} {'accuracy':>9} {'x sklearn':>9}")
for dims in sorted({r["dims"] for r in rows}):
    group = [r for r in rows if r["dims"] == dims]
    sk = next(r for r in group if r["tool"].startswith("scikit"))
    for r in group:
        r["speedup_vs_sklearn"] = sk["fit_seconds"] / r["fit_seconds"]
        acc = "-" if r["accuracy"] is None else f"{r['accuracy']:.4f}"
        print(f"{dims:>8} {r['tool']:<24} {r['fit_seconds']:>8.2f} {acc:>9} {r['speedup_vs_sklearn']:>9.1f}")
    one = next((r for r in group if r["tool"] == "vocloud 1 rank(s)"), None)
    two = next((r for r in group if r["tool"] == "vocloud 2 rank(s)"), None)
    if one and two:
        print(f"{dims:>8} {'vocloud efficiency 1->2':<24} {one['fit_seconds'] / (2 * two['fit_seconds']):>8.2f}")
json.dump(rows, open(sys.argv[3], "w"), indent=1)
PYEOF
