#!/usr/bin/env bash
# Kept variants: a re-run with changed parameters keeps the earlier result, `<exp>/<stage>`
# links to the latest, `vocloud runs` lists the variants with the parameters that differ and
# the headline figures (checked against som.h5 and forest.h5 read with h5py), `vocloud gc`
# removes exactly the variants that the latest results were not computed from (the closure
# computed here from stage.json) and states the disk use du counts; two concurrent runs that
# need the same SOM compute it once (one waits, then reuses it).
source "$(dirname "$0")/../integration/lib.sh"
cd "$SCRATCH"
cat > v.yaml <<'YAML'
experiment: v
output: out
stages: [synth, preprocess, som, forest]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 5, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
YAML
mpi 2 run v.yaml >/dev/null 2>first.txt || { cat first.txt >&2; fail "first run"; }
first=$(readlink out/v/som)
mpi 2 run v.yaml --set som.rows=6 >/dev/null 2>second.txt || { cat second.txt >&2; fail "som.rows=6"; }
expect_contains second.txt "stage preprocess: reused"
expect_contains second.txt "stage som: computing"
expect_contains second.txt "stage forest: reused"
[ "$(readlink out/v/som)" != "$first" ] || fail "out/v/som still links to the first variant"
[ -f "out/v/$first/som.h5" ] || fail "the re-run did not keep the first SOM ($first)"
"$VOCLOUD_BIN" runs v.yaml --json >runs.json 2>runs.err || { cat runs.err >&2; fail "vocloud runs"; }
"$VOCLOUD_BIN" runs v.yaml >runs.txt 2>&1 || fail "vocloud runs (text)"
expect_contains runs.txt "som.rows = 6"
$PY - <<'PYEOF'
import h5py, json, os
runs = json.load(open("runs.json"))
som = [r for r in runs if r["stage"] == "som"]
assert len(som) == 2, som
rows = sorted(int(r["differing"]["som.rows"]) for r in som)
assert rows == [5, 6], rows
latest = [r for r in som if r["latest"]]
assert len(latest) == 1 and latest[0]["differing"]["som.rows"] == "6", latest
assert os.path.realpath("out/v/som").endswith(latest[0]["variant"])
for r in som:
    with h5py.File(f"out/v/.variants/som/{r['variant']}/som.h5") as f:
        assert int(f.attrs["rows"]) == int(r["differing"]["som.rows"])
        for key in ("quantisation_error", "topographic_error"):
            want = float(f.attrs[key])
            assert abs(r["figures"][key] - want) <= 1e-3 * max(1, abs(want)), (key, r["figures"], want)
(forest,) = [r for r in runs if r["stage"] == "forest"]
with h5py.File("out/v/forest/forest.h5") as f:
    cv = f["cv"].attrs
    for key, attr in (("cv_accuracy", "accuracy_mean"), ("cv_macro_f1", "macro_f1_mean")):
        assert abs(forest["figures"][key] - float(cv[attr])) <= 1e-3, (key, forest["figures"], cv[attr])
for stage in ("synth", "preprocess", "forest"):
    assert len([r for r in runs if r["stage"] == stage]) == 1, stage
print("runs: 2 som variants, rows and figures as som.h5/forest.h5 say")
PYEOF
mpi 2 run v.yaml >/dev/null 2>back.txt || { cat back.txt >&2; fail "back to som.rows=5"; }
expect_contains back.txt "stage som: reused"
[ "$(readlink out/v/som)" = "$first" ] || fail "the reused first variant is not the latest again"

# A new preprocess variant: the latest chain no longer needs the first preprocess and what
# was computed from it.
mpi 2 run v.yaml --set preprocess.points=150 >/dev/null 2>third.txt || { cat third.txt >&2; fail "points=150"; }
$PY - <<'PYEOF' >expected.txt
# The closure of the latest variants over stage.json inputs; what gc must remove and its du.
import json, os
root = "out/v"
variants = {}
for stage in os.listdir(f"{root}/.variants"):
    for name in os.listdir(f"{root}/.variants/{stage}"):
        d = f"{root}/.variants/{stage}/{name}"
        if os.path.isdir(d) and "." not in name:
            variants[(stage, name)] = json.load(open(f"{d}/stage.json"))
keep = [(s, os.path.basename(os.readlink(f"{root}/{s}"))) for s in ("synth", "preprocess", "som", "forest")]
kept = set()
while keep:
    k = keep.pop()
    if k in kept: continue
    kept.add(k)
    for stage, fp in variants[k]["inputs"].items():
        keep += [v for v in variants if v[0] == stage and variants[v]["fingerprint"] == fp]
removed = sorted(set(variants) - kept)
def du(path):
    seen, total = set(), 0
    for d, _, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(d, f))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino)); total += st.st_blocks * 512
    return total
freed = sum(du(f"{root}/.variants/{s}/{n}") for s, n in removed)
print(len(removed), f"{freed / 1e6:.1f}")
for s, n in removed: print(f"{s}/{n}")
PYEOF
read -r count freed < expected.txt
[ "$count" -ge 4 ] || { cat expected.txt; fail "expected at least 4 variants to collect"; }
"$VOCLOUD_BIN" gc v.yaml >gc.txt 2>&1 || { cat gc.txt >&2; fail "vocloud gc"; }
expect_contains gc.txt "gc: removed $count variant(s), $freed MB"
tail -n +2 expected.txt | while read -r v; do
  expect_contains gc.txt "gc: removed $v"
  [ ! -e "out/v/.variants/$v" ] || fail "gc left $v"
done
mpi 2 run v.yaml --set preprocess.points=150 >/dev/null 2>after-gc.txt || { cat after-gc.txt >&2; fail "run after gc"; }
for s in synth preprocess som forest; do expect_contains after-gc.txt "stage $s: reused"; done

# Two runs at once that need the same (new) SOM: one computes it, the other waits and reuses.
slow=(--set preprocess.points=150 --set som.rows=20 --set som.cols=20 --set som.epochs=300)
mpi 1 run v.yaml "${slow[@]}" >/dev/null 2>a.txt &
a=$!
for _ in $(seq 1 600); do grep -q "stage som: computing" a.txt && break; sleep 0.05; done
mpi 1 run v.yaml "${slow[@]}" >/dev/null 2>b.txt || { cat b.txt >&2; fail "the second concurrent run"; }
wait "$a" || { cat a.txt >&2; fail "the first concurrent run"; }
expect_contains a.txt "stage som: computing"
expect_contains b.txt "waiting for it"
expect_contains b.txt "stage som: reused"
expect_not_contains b.txt "stage som: computing"
echo "variants: kept, listed, collected; concurrent runs computed the SOM once"
