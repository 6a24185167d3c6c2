#!/usr/bin/env bash
# vocloud sweep: a grid (som.rows x som.cols) and a listed variant (forest.trees) run in
# sequence; stages whose fingerprint variants share are computed once (counted in the log);
# every result is kept; summary.csv/json rank the variants by the forests' CV macro-F1 as
# forest.h5 (read with h5py) states it; gc keeps what the sweep names.
source "$(dirname "$0")/../integration/lib.sh"
cd "$SCRATCH"
cat > s.yaml <<'YAML'
experiment: s
output: out
stages: [synth, preprocess, som, forest]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 4, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
sweep:
  grid:
    - {key: som.rows, values: [4, 5]}
    - {key: som.cols, values: [4]}
  variants:
    - set: [forest.trees=5]
YAML
"$VOCLOUD_BIN" sweep s.yaml --list >list.txt 2>&1 || { cat list.txt >&2; fail "sweep --list"; }
[ "$(wc -l < list.txt)" = 3 ] || { cat list.txt >&2; fail "expected 3 variants"; }
expect_contains list.txt "som.rows=4 som.cols=4"
expect_contains list.txt "forest.trees=5"
status=0
"$VOCLOUD_BIN" sweep s.yaml --array-task 3 >bad.txt 2>&1 || status=$?
expect_status 2 "$status" "--array-task past the last variant"
expect_contains bad.txt "the sweep has 3 variants (tasks 0-2)"

mpi 2 sweep s.yaml >sweep.out 2>sweep.log || { cat sweep.log >&2; fail "vocloud sweep"; }
count() { grep -c "stage $1: computing" sweep.log || true; }
# variant 0: som 4x4; 1: som 5x4 (the file's map); 2: the file's map, 5 trees.
[ "$(count synth)" = 1 ] && [ "$(count preprocess)" = 1 ] || fail "synth/preprocess computed more than once"
[ "$(count som)" = 2 ] || fail "expected 2 SOMs computed, got $(count som)"
[ "$(count forest)" = 2 ] || fail "expected 2 forests computed, got $(count forest)"
expect_contains sweep.out "summary of every finished one"
$PY - <<'PYEOF'
import csv, json, h5py
rows = list(csv.DictReader(open("out/s/sweep/summary.csv")))
assert len(rows) == 3, rows
f1 = {}
for r in rows:
    with h5py.File(f"out/s/.variants/forest/{r['forest']}/forest.h5") as f:
        f1[r["variant"]] = float(f["cv"].attrs["macro_f1_mean"])
    assert abs(float(r["cv_macro_f1"]) - f1[r["variant"]]) < 1e-4, (r, f1)
    with h5py.File(f"out/s/.variants/som/{r['som']}/som.h5") as f:
        assert abs(float(r["quantisation_error"]) - float(f.attrs["quantisation_error"])) < 1e-3
want = sorted(f1, key=lambda v: (-f1[v], int(v)))
got = [r["variant"] for r in rows]
assert got == want, (got, want, f1)
assert [int(r["rank"]) for r in rows] == [1, 2, 3]
summary = json.load(open("out/s/sweep/summary.json"))
assert summary["rank_by"] == "cv_macro_f1" and summary["larger_is_better"]
assert [str(v["variant"]) for v in summary["variants"]] == got
labels = {r["variant"]: r["overrides"] for r in rows}
assert labels["0"] == "som.rows=4 som.cols=4" and labels["2"] == "forest.trees=5", labels
print("sweep: 3 variants ranked by forest.h5's CV macro-F1:", got)
PYEOF
"$VOCLOUD_BIN" runs s.yaml --json >runs.json || fail "vocloud runs"
$PY -c "
import json; r = json.load(open('runs.json'))
n = {s: sum(1 for v in r if v['stage'] == s) for s in ('synth', 'preprocess', 'som', 'forest')}
assert n == {'synth': 1, 'preprocess': 1, 'som': 2, 'forest': 2}, n"
"$VOCLOUD_BIN" gc s.yaml >gc.txt 2>&1 || { cat gc.txt >&2; fail "vocloud gc"; }
expect_contains gc.txt "gc: removed 0 variant(s)"
# An array task alone: the record of variant 1 is rewritten, the summary still lists 3.
mpi 1 sweep s.yaml --array-task 1 >task.out 2>task.log || { cat task.log >&2; fail "--array-task 1"; }
expect_contains task.log "sweep: variant 1 of 3"
expect_not_contains task.log "computing"
[ "$(($(wc -l < out/s/sweep/summary.csv) - 1))" = 3 ] || fail "the summary lost variants"
echo "sweep: ok"
