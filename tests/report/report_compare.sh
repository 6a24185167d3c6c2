#!/usr/bin/env bash
# The comparison page's data after a sweep: `vocloud sweep` over som.epochs x forest.trees
# keeps two SOM and two forest variants; `vocloud report` then writes compare.js. Checked
# with h5py and numpy against each variant's own som.h5 and forest.h5 (the forest's per-fold
# accuracy and macro-F1 recomputed from its out-of-fold predictions), and the sweep table
# against summary.json ranked independently in Python.
source "$(dirname "$0")/../integration/lib.sh"
cd "$SCRATCH"
cat > c.yaml <<'YAML'
experiment: c
output: out
stages: [synth, preprocess, som, forest, report]
synth: {count: 200, seed: 3}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 120, pca_components: 3}
som: {rows: 3, cols: 3, epochs: 2}
forest: {trees: 5, folds: 3, seed: 2}
report: {outliers: 10, members_per_node: 3, members_per_cell: 3}
sweep:
  grid:
    - {key: som.epochs, values: [2, 3]}
    - {key: forest.trees, values: [5, 9]}
YAML
mpi 2 sweep c.yaml >sweep.out 2>&1 || { cat sweep.out >&2; fail "vocloud sweep c.yaml"; }
mpi 2 report c.yaml >report.out 2>&1 || { cat report.out >&2; fail "vocloud report c.yaml"; }
$PY - <<'PYEOF'
import glob, json, os, re
import h5py
import numpy as np
root = "out/c"
text = open(f"{root}/report/data/compare.js", encoding="utf-8").read()
m = re.match(r'\AvocloudData\("compare", (.*)\);\n\Z', text, re.S)
assert m, "compare.js: not vocloudData(\"compare\", JSON);"
compare = json.loads(m.group(1))
overview = json.loads(re.match(r'\AvocloudData\("overview", (.*)\);\n\Z',
                               open(f"{root}/report/data/overview.js").read(), re.S).group(1))
assert overview["pages"]["compare"] is True
stages = {s["stage"]: s for s in compare["stages"]}
assert "report" not in stages, stages.keys()

def kept(stage):
    return sorted(os.path.basename(os.path.dirname(p))
                  for p in glob.glob(f"{root}/.variants/{stage}/*/stage.json"))

som = stages["som"]
assert sorted(v["name"] for v in som["variants"]) == kept("som") and len(kept("som")) == 2
assert som["differing"] == ["som.epochs"], som["differing"]
for v in som["variants"]:
    with h5py.File(f"{root}/.variants/som/{v['name']}/som.h5", "r") as f:
        epochs = len(f["epochs/quantisation_error"])
        assert v["differing"]["som.epochs"] == str(epochs), (v["differing"], epochs)
        for key in ("quantisation_error", "topographic_error"):
            assert abs(v["measured"][key] - float(f.attrs[key])) <= 1e-12, (key, v["measured"], f.attrs[key])
    assert v["latest"] == (os.path.realpath(f"{root}/som") ==
                           os.path.realpath(f"{root}/.variants/som/{v['name']}"))

def fold_figures(path):
    """Per-fold accuracy and macro-F1 from the out-of-fold predictions (numpy alone)."""
    with h5py.File(path, "r") as f:
        label, pred, fold = f["spectra/label"][()], f["cv/prediction"][()], f["cv/fold"][()]
        classes = len(f["classes/name"])
    keep = (label >= 0) & (fold >= 0)
    label, pred, fold = label[keep], pred[keep], fold[keep]
    acc, f1 = [], []
    for k in np.unique(fold):
        t, p = label[fold == k], pred[fold == k]
        acc.append(np.mean(t == p))
        scores = []
        for c in range(classes):
            tp, fp, fn = np.sum((t == c) & (p == c)), np.sum((t != c) & (p == c)), np.sum((t == c) & (p != c))
            scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        f1.append(np.mean(scores))
    return np.array(acc), np.array(f1)

forest = stages["forest"]
assert sorted(v["name"] for v in forest["variants"]) == kept("forest") and len(kept("forest")) == 2
assert forest["differing"] == ["forest.trees"], forest["differing"]
for v in forest["variants"]:
    acc, f1 = fold_figures(f"{root}/.variants/forest/{v['name']}/forest.h5")
    for name, values in (("accuracy", acc), ("macro_f1", f1)):
        got = v["measured"][name]
        assert abs(got["mean"] - values.mean()) < 1e-9, (name, got, values)
        assert abs(got["sd"] - values.std(ddof=1)) < 1e-9, (name, got, values)  # sample sd

summary = json.load(open(f"{root}/sweep/summary.json"))
sweep = compare["sweep"]
assert sweep["rank_by"] == summary["rank_by"] == "cv_macro_f1", (sweep["rank_by"], summary["rank_by"])
assert len(sweep["rows"]) == 4 == len(summary["variants"])
key = sweep["rank_by"]
order = sorted(summary["variants"], key=lambda r: (-r["figures"][key], r["variant"]))
assert [r["variant"] for r in sweep["rows"]] == [r["variant"] for r in order], (sweep["rows"], order)
assert [r["rank"] for r in sweep["rows"]] == [1, 2, 3, 4]
for row in sweep["rows"]:
    want = next(r for r in summary["variants"] if r["variant"] == row["variant"])
    assert row["overrides"] == want["overrides"] and row["stages"] == want["stages"], (row, want)
print(f"compare.js: 2 SOM and 2 forest variants as their files state; sweep of 4 ranked by {key}")
PYEOF
