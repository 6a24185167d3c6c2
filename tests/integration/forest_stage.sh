#!/usr/bin/env bash
# The forest and predict stages end to end:
# - synthetic BoK: the same forest (every model array, bit for bit), folds and out-of-fold
#   predictions for 1, 2 and 4 ranks; CV accuracy within 1 percentage point of
#   scikit-learn's RandomForestClassifier on the same folds with the same hyperparameters;
# - predict from the saved model reproduces the in-memory predictions, and an independent
#   walk of the saved trees in numpy gives the same probabilities; candidates are ranked by
#   probability (out-of-fold for training rows) and the VOTable passes votlint; a data set
#   on another grid is refused, naming the key;
# - real LAMOST DR1 spectra labelled by the letter of SUBCLASS: CV accuracy within 1 point
#   of scikit-learn's (mean over seeds, same folds).
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > f.yaml <<'YAML'
experiment: f
output: out1
stages: [synth, preprocess, forest, predict]
synth: {count: 3000, seed: 8, outlier_fraction: 0.0}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 300, pca_components: 0}
forest: {trees: 60, folds: 5, seed: 4}
predict: {class: double_peak, top: 50}
YAML
mpi 2 run f.yaml >/dev/null 2>log1.txt
for n in 2 4; do
  mkdir -p out$n/f && cp -r out1/f/synth out1/f/preprocess out$n/f/
  mpi $n run f.yaml --set output=out$n >/dev/null 2>log$n.txt
done
mpi 1 forest f.yaml --force >/dev/null 2>>log1.txt
mpi 1 predict f.yaml --force >/dev/null 2>>log1.txt

/usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/sklearn_forest.py" --h5 out1/f/preprocess/dataset.h5 \
  --folds-h5 out1/f/forest/forest.h5 --folds-dataset /cv/fold --n-estimators 60 --n-jobs 2 --seed 4 > sk.json
$PY - <<'PYEOF'
import h5py, json, numpy as np
ref = h5py.File("out1/f/forest/forest.h5", "r")
for n in (2, 4):
    other = h5py.File(f"out{n}/f/forest/forest.h5", "r")
    for name in ["/model/" + k for k in ref["/model"].keys()] + ["/cv/fold", "/cv/probability",
                 "/cv/confusion", "/oob/probability", "/importance/impurity", "/spectra/probability"]:
        assert ref[name][()].tobytes() == other[name][()].tobytes(), (n, name)
print("1, 2 and 4 ranks: the same forest, folds and out-of-fold predictions, bit for bit")

# Folds: stratified (per class, fold sizes differ by at most 1).
d = h5py.File("out1/f/preprocess/dataset.h5", "r")
labels = d["/meta/label"][()].astype(str)
fold = ref["/cv/fold"][()]
for c in set(labels):
    counts = np.bincount(fold[labels == c], minlength=5)
    assert counts.max() - counts.min() <= 1, (c, counts)

# Accuracy from the stored out-of-fold predictions, recomputed here, and sklearn's.
names = ref["/classes/name"][()].astype(str)
truth = np.searchsorted(names, labels)
pred = ref["/cv/prediction"][()]
acc = [(pred[fold == f] == truth[fold == f]).mean() for f in range(5)]
assert np.allclose(acc, ref["/cv/accuracy"][()]), (acc, ref["/cv/accuracy"][()])
sk = json.load(open("sk.json"))
ours, theirs = np.mean(acc), sk["accuracy"]["mean"]
print(f"synthetic BoK CV accuracy: vocloud {ours:.4f}, scikit-learn {theirs:.4f} (same folds)")
assert abs(ours - theirs) <= 0.01, (ours, theirs)

# predict: the saved model reproduces the in-memory predictions ...
p = h5py.File("out1/f/predict/predictions.h5", "r")
assert p["/probability"][()].tobytes() == ref["/spectra/probability"][()].tobytes()
# ... and walking the saved trees independently gives the same probabilities.
m = {k: ref["/model/" + k][()] for k in ref["/model"].keys()}
X = d["/flux"][()]
rows = np.arange(0, len(X), 97)
offsets = m["tree_offsets"]
proba = np.zeros((len(rows), len(names)))
for t in range(len(offsets) - 1):
    base = offsets[t]
    for j, r in enumerate(rows):
        node = 0
        while m["feature"][base + node] >= 0:
            f = m["feature"][base + node]
            node = m["left"][base + node] if X[r, f] < m["threshold"][base + node] else m["right"][base + node]
        proba[j] += m["value"][base + node]
proba /= len(offsets) - 1
assert np.allclose(proba, p["/probability"][()][rows], atol=1e-5)
print("predict: saved model == in-memory model == an independent walk of the saved trees")

# Candidates: ranked by the probability of the class, highest first; the rows the forest
# was trained on show their out-of-fold probability, the others the model's.
c = h5py.File("out1/f/predict/candidates.h5", "r")
k = list(names).index("double_peak")
trained = ref["/spectra/label"][()] >= 0
pk = np.where(trained, ref["/cv/probability"][()][:, k], p["/probability"][()][:, k])
order = np.lexsort((np.arange(len(pk)), -pk))[:50]
assert (c["/row"][()] == order).all()
assert np.allclose(c["/probability"][()], pk[order])
PYEOF
# The candidates as CSV, VOTable and HDF5: the same columns and values, VO-readable.
$PY "$VOCLOUD_SOURCE_DIR/tests/python/check_result_tables.py" out1/f/predict/candidates \
  out1/f/predict/candidates.h5 / out1/f/preprocess/dataset.h5 || fail "the candidate tables disagree"

# A data set on another grid is refused with a message that says so.
cat > other.yaml <<YAML
experiment: other
output: outO
stages: [preprocess]
preprocess: {input: directory, bok_dir: $SCRATCH/out1/f/synth/bok, lambda_min: 6400, lambda_max: 6700, points: 280, pca_components: 0}
YAML
mpi 2 run other.yaml >/dev/null 2>&1
status=0
mpi 2 predict f.yaml --set predict.input=file --set predict.dataset_file=outO/other/preprocess/dataset.h5 \
  --set predict.model_file=out1/f/forest/forest.h5 >/dev/null 2>grid.txt || status=$?
[ "$status" -ne 0 ] || fail "predict accepted a data set on another grid"
expect_contains grid.txt "was made with preprocess.points=280"

# Real LAMOST DR1 spectra, labelled by the spectral-type letter of SUBCLASS (read here with
# astropy), preprocessed onto one grid.
mkdir -p lamost
$PY - "$VOCLOUD_SHARED_DATA/real/lamost-dr1" <<'PYEOF'
import glob, sys, os
from astropy.io import fits
rows = ["id,path,format,label,outlier_kind,ra,dec,z,snr"]
for f in sorted(glob.glob(sys.argv[1] + "/*.fits")):
    h = fits.getheader(f)
    rows.append(f"{os.path.basename(f)[:-5]},{f},lamost_dr1,{h['SUBCLASS'][:1]},,,,,")
open("lamost/catalog.csv", "w").write("\n".join(rows) + "\n")
PYEOF
cat > lamost.yaml <<YAML
experiment: lamost
output: outL
stages: [preprocess, forest]
preprocess: {input: directory, bok_dir: $SCRATCH/lamost, lambda_min: 4000, lambda_max: 8800, points: 1200, pca_components: 0}
forest: {trees: 300, folds: 5}
YAML
ours=(); theirs=()
for seed in 1 2 3; do
  mpi 2 run lamost.yaml --set forest.seed=$seed >/dev/null 2>lamost$seed.txt
  /usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/sklearn_forest.py" --h5 outL/lamost/preprocess/dataset.h5 \
    --folds-h5 outL/lamost/forest/forest.h5 --folds-dataset /cv/fold --n-estimators 300 --n-jobs 2 --seed $seed > sk$seed.json
  cp outL/lamost/forest/forest.h5 forest$seed.h5
done
$PY - <<'PYEOF'
import h5py, json, numpy as np
ours = [h5py.File(f"forest{s}.h5", "r")["/cv"].attrs["accuracy_mean"] for s in (1, 2, 3)]
theirs = [json.load(open(f"sk{s}.json"))["accuracy"]["mean"] for s in (1, 2, 3)]
n = len(h5py.File("forest1.h5", "r")["/cv/fold"][()])
print(f"LAMOST DR1 ({n} spectra, classes by SUBCLASS letter) CV accuracy per seed: vocloud "
      f"{np.round(ours, 4)}, scikit-learn {np.round(theirs, 4)}; means {np.mean(ours):.4f} vs {np.mean(theirs):.4f}")
assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01
PYEOF
echo "forest stage: ok"
