#!/usr/bin/env bash
# Grouped cross-validation end to end: LAMOST DR1 spectra acquired twice (two sources, so
# every observation has a copy with the same id), labelled by the letter of SUBCLASS,
# preprocessed, then the forest with forest.group_by = id (a /meta dataset) and = object
# (a catalog column found through /meta/catalog_row): h5py checks that no id or object
# spans two folds, at 1 and 2 ranks alike, while without group_by copies do split.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
cat > g.yaml <<YAML
experiment: g
output: out1
stages: [acquire, preprocess, forest]
acquire:
  sources:
    - kind: local
      path: $REAL/lamost-dr1
      mode: symlink
      label_header: SUBCLASS
      label_transform: first_letter
      label_map: {A: A, F: F, G: G, K: K, "*": unlabelled}
    - kind: local
      path: $REAL/lamost-dr1
      mode: symlink
      label_header: SUBCLASS
      label_transform: first_letter
      label_map: {A: A, F: F, G: G, K: K, "*": unlabelled}
preprocess: {input: acquire, lambda_min: 4000, lambda_max: 8800, points: 200, pca_components: 0}
forest: {trees: 10, folds: 3, seed: 2, group_by: id, permutation_importance: false}
YAML
mpi 2 run g.yaml >/dev/null 2>log1.txt || { cat log1.txt; fail "grouped forest failed"; }
mkdir -p out2/g && cp -r out1/g/acquire out1/g/preprocess out2/g/
mpi 1 run g.yaml --set output=out2 >/dev/null 2>log2.txt || { cat log2.txt; fail "1 rank failed"; }
for key in object none; do
  mkdir -p out_$key/g && cp -r out1/g/acquire out1/g/preprocess out_$key/g/
  value=$([ $key = none ] && echo '""' || echo $key)
  mpi 2 run g.yaml --set output=out_$key --set forest.group_by=$value >/dev/null 2>log_$key.txt ||
    { cat log_$key.txt; fail "forest with group_by=$key failed"; }
done
$PY - <<'PYEOF'
import csv, h5py, numpy as np
from collections import defaultdict
d = h5py.File("out1/g/preprocess/dataset.h5", "r")
ids = d["/meta/id"][()].astype(str)
labels = d["/meta/label"][()].astype(str)
bok = d.attrs["bok"]
bok = bok.decode() if isinstance(bok, bytes) else bok
catalog = list(csv.DictReader(open(f"{bok}/catalog.csv")))
objects = np.array([catalog[r]["object"] for r in d["/meta/catalog_row"][()]])
assert len(set(ids)) * 2 == len(ids), "every spectrum twice"
def spans(fold, keys):
    seen = defaultdict(set)
    for f, k, l in zip(fold, keys, labels):
        if l:
            seen[k].add(f)
    return sum(len(s) > 1 for s in seen.values())
fold = {name: h5py.File(f"{name}/g/forest/forest.h5", "r")["/cv/fold"][()]
        for name in ("out1", "out2", "out_object", "out_none")}
assert (fold["out1"] == fold["out2"]).all(), "group folds differ between 1 and 2 ranks"
assert spans(fold["out1"], ids) == 0, "an id spans two folds"
assert spans(fold["out_object"], objects) == 0, "an object spans two folds"
assert spans(fold["out_none"], ids) > 0, "without group_by copies should split"
attr = h5py.File("out1/g/forest/forest.h5", "r")["/cv"].attrs["group_by"]
assert (attr.decode() if isinstance(attr, bytes) else attr) == "id"
n = (labels != "").sum()
print(f"{n} labelled rows, {len(set(ids))} observations twice: no id or object spans two folds; "
      f"without grouping {spans(fold['out_none'], ids)} ids did")
PYEOF
echo "forest group folds: ok"
