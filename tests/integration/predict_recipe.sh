#!/usr/bin/env bash
# predict carries its preprocessing (docs/forest.md, "The model's recipe"):
# - forest.h5 keeps the training data set's recipe and PCA basis (h5py compares them with
#   dataset.h5's);
# - candidates of the training data set show the out-of-fold probabilities of its labelled
#   rows (h5py reads forest.h5's /cv/probability), not the in-sample ones;
# - predict on a fresh base of knowledge (another synth seed), and on a plain folder of its
#   files, in an experiment with no preprocess section, gives the same probabilities as
#   predict on a data set preprocessed by hand with the same recipe, and as numpy's walk of
#   the saved trees over that data set's flux projected on the model's PCA basis;
# - a data set preprocessed with another normalisation is refused, naming the key.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
RECIPE="lambda_min: 6400, lambda_max: 6700, points: 300, smooth_sigma: 1"
cat > t.yaml <<YAML
experiment: t
output: out
stages: [synth, preprocess, forest, predict]
synth: {count: 1500, seed: 8, outlier_fraction: 0.0}
preprocess: {input: synth, $RECIPE, normalise: continuum, pca_components: 8}
forest: {trees: 40, folds: 4, seed: 3, features: pca}
predict: {class: double_peak, top: 0}
YAML
mpi 2 run t.yaml >/dev/null 2>log_t.txt
cat > n.yaml <<'YAML'
experiment: n
output: out
stages: [synth]
synth: {count: 300, seed: 99, outlier_fraction: 0.0}
YAML
mpi 2 run n.yaml >/dev/null 2>log_n.txt
NEW="$SCRATCH/out/n/synth/bok"
MODEL="$SCRATCH/out/t/forest/forest.h5"

# New spectra: a base of knowledge, then a folder of bare files, no preprocess section.
for form in bok folder; do
  dir="$NEW"; [ "$form" = folder ] && dir="$NEW/files"
  cat > p_$form.yaml <<YAML
experiment: p_$form
output: out
stages: [predict]
predict: {input: directory, bok_dir: "$dir", model_file: "$MODEL", class: double_peak, top: 0}
YAML
  mpi 2 run p_$form.yaml >/dev/null 2>log_p_$form.txt
done
[ ! -e out/p_folder/predict/folder/catalog.csv ] && fail "the folder was not listed into a catalog"

# The same spectra preprocessed by hand with the training recipe (its own PCA basis).
cat > h.yaml <<YAML
experiment: h
output: out
stages: [preprocess, predict]
preprocess: {input: directory, bok_dir: "$NEW", $RECIPE, normalise: continuum, pca_components: 8}
predict: {model_file: "$MODEL", class: double_peak, top: 0}
YAML
mpi 2 run h.yaml >/dev/null 2>log_h.txt

$PY - <<'PYEOF'
import h5py, numpy as np
model = h5py.File("out/t/forest/forest.h5", "r")
train = h5py.File("out/t/preprocess/dataset.h5", "r")
# The recipe: the data set's effective configuration and its PCA basis, as recorded there.
assert model["/recipe"].attrs["effective_config"] == train.attrs["effective_config"]
assert np.array_equal(model["/recipe/pca/mean"][()], train["/pca/mean"][()])
assert np.array_equal(model["/recipe/pca/components"][()], train["/pca/components"][()])

# Candidates of the training data set: labelled rows show their out-of-fold probability.
names = list(model["/classes/name"][()].astype(str))
k = names.index("double_peak")
cand = h5py.File("out/t/predict/candidates.h5", "r")
pred = h5py.File("out/t/predict/predictions.h5", "r")
rows = cand["/row"][()]
labelled = model["/spectra/label"][()][rows] >= 0
assert labelled.sum() > 100, labelled.sum()
oof = model["/cv/probability"][()][rows, k]
insample = pred["/probability"][()][rows, k]
p = cand["/probability"][()]
assert np.array_equal(p[labelled], oof[labelled]), "candidates do not show out-of-fold probabilities"
assert np.array_equal(p[~labelled], insample[~labelled])
assert (np.abs(oof - insample)[labelled] > 1e-3).sum() > 10, "out-of-fold equal in-sample: weak test"
est = cand["/estimate"][()].astype(str)
assert (est[labelled] == "out_of_fold").all() and (est[~labelled] == "model").all()
assert np.all(np.diff(p) <= 0), "candidates not ranked by the probability they show"
print(f"candidates: {labelled.sum()} training rows show their out-of-fold probability")

# New spectra: directory (BoK), folder and the hand-made data set agree.
hand = h5py.File("out/h/preprocess/dataset.h5", "r")
ph = h5py.File("out/h/predict/predictions.h5", "r")["/probability"][()]
hand_ids = hand["/meta/id"][()].astype(str)
for form in ("bok", "folder"):
    d = h5py.File(f"out/p_{form}/predict/dataset.h5", "r")
    pf = h5py.File(f"out/p_{form}/predict/predictions.h5", "r")["/probability"][()]
    ids = d["/meta/id"][()].astype(str)
    assert sorted(ids) == sorted(hand_ids), form
    order = {i: r for r, i in enumerate(ids)}
    pf = pf[[order[i] for i in hand_ids]]
    assert np.array_equal(pf, ph), f"{form}: predictions differ from the hand-made data set's"
    assert "pca" not in d, f"{form}: a PCA basis was fitted on the new spectra"

# Independently: the hand-made flux projected on the model's basis (not the data set's own
# basis), walked through the saved trees.
X = hand["/flux"][()].astype(np.float64)
mean, comp = model["/recipe/pca/mean"][()], model["/recipe/pca/components"][()]
F = ((X - mean) @ comp.T).astype(np.float32)
own = hand["/features/pca"][()]
assert np.abs(own - F).max() > 1e-2, "the hand-made data set's own basis equals the model's: weak test"
m = {name: model["/model/" + name][()] for name in model["/model"].keys()}
offsets = m["tree_offsets"]
proba = np.zeros((len(F), len(names)))
for t in range(len(offsets) - 1):
    base = offsets[t]
    for r in range(len(F)):
        node = 0
        while m["feature"][base + node] >= 0:
            f = m["feature"][base + node]
            node = m["left"][base + node] if F[r, f] < m["threshold"][base + node] else m["right"][base + node]
        proba[r] += m["value"][base + node]
proba /= len(offsets) - 1
close = np.isclose(proba, ph, atol=1e-5).all(axis=1)
assert close.mean() >= 0.99, close.mean()
print(f"new spectra: BoK, folder and hand-made data set agree; numpy walk agrees on {close.mean():.1%} of rows")
PYEOF

# A data set made with another normalisation is refused, naming the key.
cat > r.yaml <<YAML
experiment: r
output: out
stages: [preprocess]
preprocess: {input: directory, bok_dir: "$NEW", $RECIPE, pca_components: 8, normalise: running_median}
YAML
mpi 2 run r.yaml >/dev/null 2>log_r.txt
status=0
mpi 2 predict t.yaml --set predict.input=file --set predict.dataset_file=out/r/preprocess/dataset.h5 \
  --set predict.model_file="$MODEL" --set experiment=r2 >/dev/null 2>refused.txt || status=$?
[ "$status" -ne 0 ] || fail "predict accepted a data set made with another normalisation"
expect_contains refused.txt "was made with preprocess.normalise=running_median"
expect_contains refused.txt "with continuum"
echo "predict recipe: ok"
