#!/usr/bin/env bash
# Results do not depend on the number of ranks: a small experiment (synth, preprocess with
# PCA, a PCA-initialised SOM, forest, predict) on 1, 2 and 3 ranks (3 makes uneven blocks,
# and PCA chunks split between ranks) gives bitwise the same data sets and attributes in
# dataset.h5, som.h5, forest.h5, predictions.h5 and candidates.h5. Only what names the run
# may differ: creation times, paths of the run's own folder and the fingerprints that hash
# them. Every floating-point sum over rows is exact (fixed point), so none of them rounds
# with the rank count.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > exp.yaml <<'YAML'
experiment: rk
output: out
stages: [synth, preprocess, som, forest, predict]
synth: {count: 600, seed: 2026, outlier_fraction: 0.01}
preprocess: {input: synth, lambda_min: 6300, lambda_max: 6700, points: 400, normalise: continuum,
             pca_components: 6, wavelet: haar, wavelet_levels: 3}
som: {rows: 6, cols: 6, grid: hexagonal, epochs: 5, init: pca}
forest: {trees: 20, folds: 3}
predict: {class: double_peak, rows: all, top: 20}
YAML
for n in 1 2 3; do
  mpi "$n" run exp.yaml --set output=o$n >log$n.txt 2>&1 || { cat log$n.txt >&2; fail "run on $n ranks"; }
done
$PY - <<'PYEOF'
import h5py, numpy as np, re
FILES = ["preprocess/dataset.h5", "som/som.h5", "forest/forest.h5", "predict/predictions.h5",
         "predict/candidates.h5"]
RUN_NAMED = {"created", "fingerprint", "dataset_fingerprint"}  # times, hashes of paths
VARIANT = re.compile(r"/[0-9a-f]{16}/")  # a variant's folder is named by its fingerprint
def items(path, folder):
    out = {}
    def norm(v):
        if isinstance(v, bytes): v = v.decode()
        if isinstance(v, str): return VARIANT.sub("/-/", v.replace(folder, ""))
        a = np.asarray(v)
        if a.dtype.kind in "SOU": return VARIANT.sub("/-/", str(a.tolist()).replace(folder, ""))
        return (a.dtype.str, a.shape, a.tobytes())
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset): out["dataset " + name] = norm(obj[()])
        for key, value in obj.attrs.items():
            if key not in RUN_NAMED: out[f"attribute {name}@{key}"] = norm(value)
    with h5py.File(path, "r") as f:
        visit("/", f)
        f.visititems(visit)
    return out
for name in FILES:
    one = items(f"o1/rk/{name}", "/o1")
    assert any(k.startswith("dataset ") for k in one), name
    for n in (2, 3):
        other = items(f"o{n}/rk/{name}", f"/o{n}")
        assert one.keys() == other.keys(), (name, n, one.keys() ^ other.keys())
        differ = [k for k in one if one[k] != other[k]]
        assert not differ, (f"{n} ranks differ from 1 rank", name, differ)
    print(f"{name}: {len(one)} data sets and attributes bitwise the same on 1, 2 and 3 ranks")
PYEOF
echo "rank counts: bitwise the same outputs on 1, 2 and 3 ranks"
