"""Checks a report's data files (docs/report-data.md) against independent readings of the
experiment's outputs: h5py for som.h5, forest.h5, candidates.h5 and dataset.h5 (numpy for the
out-of-fold confusion), astropy for the raw spectrum files.

usage: check_report.py EXPERIMENT_DIR REPORT_CONFIG_JSON"""
import glob, json, os, re, sys, warnings
import h5py
import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")
root, settings = sys.argv[1], json.loads(sys.argv[2])
data_dir = f"{root}/report/data"
WRAPPER = re.compile(r'\AvocloudData\("([^"]+)", (.*)\);\n\Z', re.S)


def load(name):
    """The JSON of data/NAME.js, after checking and stripping the one-line wrapper."""
    text = open(f"{data_dir}/{name}.js", encoding="utf-8").read()
    m = WRAPPER.match(text)
    assert m, f"{name}.js: not vocloudData(\"NAME\", JSON);"
    assert m.group(1) == name, (name, m.group(1))
    return json.loads(m.group(2))


def typed(obj):
    dtype = {"f32": "<f4", "f64": "<f8", "i32": "<i4", "u8": "u1"}[obj["dtype"]]
    import base64
    a = np.frombuffer(base64.b64decode(obj["b64"]), dtype=dtype)
    return a.reshape(obj["shape"])


# Every data file parses, under the name its path gives.
names = [os.path.relpath(p, data_dir)[:-3] for p in glob.glob(f"{data_dir}/**/*.js", recursive=True)]
docs = {n: load(n) for n in names}
overview, index = docs["overview"], docs["spectra/index"]

# Provenance: the same five attributes in every HDF5 output; the fingerprint is its stage's.
files = {"preprocess": ["dataset.h5"], "som": ["som.h5"], "forest": ["forest.h5"],
         "predict": ["predictions.h5", "candidates.h5"]}
versions = set()
for stage, outputs in files.items():
    manifest = json.load(open(f"{root}/{stage}/stage.json"))
    for name in outputs:
        attrs = h5py.File(f"{root}/{stage}/{name}", "r").attrs
        for key in ("engine_version", "effective_config", "fingerprint", "inputs", "created"):
            assert isinstance(attrs[key], str), (name, key)
        assert attrs["fingerprint"] == manifest["fingerprint"], (name, attrs["fingerprint"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", attrs["created"]), attrs["created"]
        assert "experiment: small" in attrs["effective_config"], name
        assert attrs["inputs"], name
        versions.add(attrs["engine_version"])
assert len(versions) == 1, versions
assert overview["engine_version"] in versions

data = h5py.File(f"{root}/preprocess/dataset.h5", "r")
ids = [s.decode() for s in data["/meta/id"][:]]
labels = [s.decode() for s in data["/meta/label"][:]]
rows = len(ids)
assert overview["dataset"]["rows"] == rows
assert np.array_equal(typed(docs["grid"]["wave"]), data["/wave"][:])

# Rejected spectra: count and list as dataset.h5 has them.
rejected = docs["rejected"]
rej_ids = [s.decode() for s in data["/rejected/id"][:]]
assert rejected["count"] == len(rej_ids) > 0, rejected["count"]
assert [r["id"] for r in rejected["rows"]] == rej_ids[: settings["max_rejected"]]
assert sum(r["count"] for r in overview["dataset"]["rejected_reasons"]) == len(rej_ids)

# SOM: hit counts from the BMUs; each node lists its members (all, or the closest sample).
som = h5py.File(f"{root}/som/som.h5", "r")
bmu, som_rows = som["/spectra/bmu"][:], som["/spectra/row"][:]
dist = som["/spectra/distance"][:]
K = som.attrs["rows"] * som.attrs["cols"]
hits = np.bincount(bmu, minlength=K)
sj = docs["som"]
assert sj["nodes"]["hits"] == hits.tolist()
per_node = settings["members_per_node"]
for s in range(sj["node_shards"]["count"]):
    shard = docs[f"som/nodes-{s:04d}"]
    cb = typed(shard["codebook"])
    first = shard["first"]
    assert np.array_equal(cb, som["/codebook"][first:first + cb.shape[0]])
    for j, m in enumerate(shard["members"]):
        k = first + j
        members = som_rows[bmu == k]
        assert m["count"] == hits[k], (k, m["count"], hits[k])
        assert len(m["row"]) == min(hits[k], per_node)
        assert set(m["row"]) <= set(members.tolist())
        if hits[k] > per_node:  # the closest ones
            cut = np.sort(dist[bmu == k])[per_node - 1]
            assert all(d <= cut for d in m["distance"]), k
        assert m["id"] == [ids[r] for r in m["row"]]

assert sj["classes"]["hits"] == som["/classes/hits"][()].tolist()
assert sj["classes"]["names"] == som["/classes/name"].asstr()[()].tolist()

# Outliers: the first report.outliers of som.h5's ranked list, each included.
out = sj["outliers"]
assert out["row"] == som["/outliers/row"][: settings["outliers"]].tolist()
assert out["count"] == len(som["/outliers/row"])
assert all(s >= 0 for s in out["shard"]), "an outlier without a shard"

# Forest: the out-of-fold confusion computed with numpy; cells list exactly their spectra.
forest = h5py.File(f"{root}/forest/forest.h5", "r")
truth, pred = forest["/spectra/label"][:], forest["/cv/prediction"][:]
f_rows = forest["/spectra/row"][:]
C = len(forest["/classes/name"])
labelled = (truth >= 0) & (pred >= 0)
confusion = np.zeros((C, C), int)
np.add.at(confusion, (truth[labelled], pred[labelled]), 1)
fj = docs["forest"]
assert fj["confusion"] == confusion.tolist(), (fj["confusion"], confusion.tolist())
for t in range(C):
    for p in range(C):
        cell_rows = set(f_rows[labelled & (truth == t) & (pred == p)].tolist())
        name = f"forest/cell-{t}-{p}"
        if not cell_rows:
            assert name not in docs
            continue
        cell = docs[name]
        assert cell["count"] == len(cell_rows)
        if t != p:
            assert set(cell["row"]) == cell_rows, name
            assert all(s >= 0 for s in cell["shard"]), f"{name}: a misclassified row without a shard"
        else:
            assert set(cell["row"]) <= cell_rows and len(cell["row"]) == min(len(cell_rows), settings["members_per_cell"])

# Per class: support, ROC AUC (scikit-learn on the same out-of-fold probabilities) and the
# mean normalised spectrum of the class (numpy over /flux).
from sklearn.metrics import roc_auc_score
names = forest["/classes/name"].asstr()[()].tolist()
proba = forest["/cv/probability"][()]
assert fj["classes"] == names
for c, entry in enumerate(fj["per_class"]):
    assert entry["support"] == int(np.sum(truth == c)), entry
    auc = roc_auc_score(truth[labelled] == c, proba[labelled, c])
    assert abs(fj["roc"][c]["auc"] - auc) < 1e-9, (names[c], fj["roc"][c]["auc"], auc)
    assert len(fj["roc"][c]["fpr"]) <= 201
    members = [i for i, l in enumerate(labels) if l == names[c]]
    mean = data["/flux"][()][members].astype(np.float64).mean(axis=0).astype(np.float32)
    assert np.allclose(typed(fj["class_mean"][names[c]]), mean, rtol=1e-5, atol=1e-6), names[c]
assert abs(fj["accuracy"]["mean"] - forest["/cv"].attrs["accuracy_mean"]) < 1e-12

# Candidates: every one, in candidates.h5's order, each included.
cand = h5py.File(f"{root}/predict/candidates.h5", "r")
pj = docs["predict"]
assert pj["row"] == cand["/row"][:].tolist()
assert pj["id"] == [s.decode() for s in cand["/id"][:]]
assert all(s >= 0 for s in pj["shard"])

# The spectra index and the shards agree; every spectrum opens once.
assert index["count"] == len(set(index["row"])) == overview["spectra_index"]["count"]
per_shard = settings["per_shard"]
in_shards = {}
for s in range(overview["spectra_index"]["shards"]):
    spectra = docs[f"spectra/shard-{s:06d}"]["spectra"]
    assert 0 < len(spectra) <= per_shard
    for sp in spectra:
        in_shards[sp["row"]] = s
assert in_shards == dict(zip(index["row"], index["shard"]))


def raw_reference(path, layout):
    if layout == "sdss":
        d = fits.open(path)[1].data
        return 10 ** d["loglam"].astype(float), d["flux"]
    if layout == "lamost_dr2":
        d = fits.open(path)[0].data
        return d[2], d[0]
    if layout == "ondrejov_raw":
        h = fits.open(path)[0]
        i = np.arange(h.data.shape[0])
        return h.header["CRVAL1"] + h.header["CDELT1"] * (i + 1 - h.header["CRPIX1"]), h.data
    if layout == "ondrejov_ssap":
        d = fits.open(path)[1].data
        return d["spectral"], d["flux"]
    return None


flux, mask = data["/flux"], data["/mask"]
checked = set()
for s in range(overview["spectra_index"]["shards"]):
    for sp in docs[f"spectra/shard-{s:06d}"]["spectra"]:
        r, st = sp["row"], sp["stages"]
        assert sp["id"] == ids[r] and sp["label"] == labels[r]
        # The normalised panel is dataset.h5's row, recomputed from the raw file.
        assert np.array_equal(typed(st["normalised"]["flux"]), flux[r]), f"row {r}: normalised"
        assert np.array_equal(typed(st["normalised"]["mask"]), mask[r]), f"row {r}: mask"
        for panel in ("raw", "cut", "resampled", "continuum", "pca"):
            assert panel in st, (r, panel)
        ref = raw_reference(sp["path"], sp["layout"])
        if ref is not None:
            wave, fl = ref
            assert np.allclose(typed(st["raw"]["wave"]), np.asarray(wave, float), rtol=1e-12, atol=0)
            assert np.array_equal(typed(st["raw"]["flux"]), np.asarray(fl, np.float32)), f"row {r}: raw"
            checked.add(sp["layout"])
        som_i = np.flatnonzero(som_rows == r)[0]
        assert sp["som"]["bmu"] == bmu[som_i]
assert {"sdss", "lamost_dr2"} <= checked, checked
print(f"report data: {len(docs)} files, {index['count']} spectra, raw panels of {sorted(checked)} "
      "equal astropy's reading")
