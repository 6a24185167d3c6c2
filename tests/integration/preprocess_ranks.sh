#!/usr/bin/env bash
# Preprocessing: one HDF5 data set whose /wave, /flux, /mask and /meta are bit-identical for
# 1, 2 and 4 ranks; PCA equal to numpy's SVD of /flux (up to sign) and bitwise between rank
# counts; unusable spectra listed with their reason while the run goes on; the CSV and
# VOTable exports hold the same rows (the VOTable passes votlint); a killed run resumes
# after its last complete round and ends with the same data.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
cat > synth.yaml <<'YAML'
experiment: base
output: out
synth: {count: 300, seed: 11, outlier_fraction: 0.02}
YAML
mpi 2 synth synth.yaml >/dev/null 2>&1
# A BoK made of the synthetic catalog plus three files that cannot be used: not a
# spectrum, a spectrum far outside the grid, an empty file.
BOK=$SCRATCH/out/base/synth/bok
# a blue spectrum (4000-4500 A) as two-column text: nowhere near the 6400-6700 A grid
$PY -c "
for i in range(200): print(f'{4000 + 2.5 * i:.2f},{1.0 + 0.01 * (i % 7):.3f}')" > "$BOK/blue.csv"
printf 'garbage\n' > "$BOK/garbage.fits"
: > "$BOK/empty.fits"
{ cat "$BOK/catalog.csv"
  echo "bad-1,garbage.fits,unknown,,,,,,"
  echo "bad-2,blue.csv,text,,,,,,"
  echo "bad-3,empty.fits,unknown,,,,,," ; } > "$BOK/catalog2.csv"
mkdir -p bok2 && ln -s "$BOK/files" bok2/files && cp "$BOK"/{garbage.fits,blue.csv,empty.fits} bok2/ && mv "$BOK/catalog2.csv" bok2/catalog.csv
cat > pre.yaml <<YAML
experiment: pre
output: out
stages: [preprocess]
preprocess:
  input: directory
  bok_dir: $SCRATCH/bok2
  lambda_min: 6400
  lambda_max: 6700
  points: 600
  round_rows: 37
  pca_components: 5
  wavelet: d4
  wavelet_levels: 3
  wavelet_detail_levels: 1
  export_csv: true
  export_votable: true
YAML
for n in 1 2 4; do
  mpi "$n" run pre.yaml --set output=out$n >/dev/null 2>log$n.txt || { cat log$n.txt; fail "preprocess on $n ranks failed"; }
done
$PY - <<'PYEOF'
import csv, h5py, numpy as np
from astropy.io.votable import parse
files = {n: h5py.File(f"out{n}/pre/preprocess/dataset.h5", "r") for n in (1, 2, 4)}
one = files[1]
N = one["/flux"].shape[0]
assert N == 300 and one["/flux"].shape[1] == 600, one["/flux"].shape
for n in (2, 4):
    for name in ["/wave", "/flux", "/mask", "/ivar", "/features/wavelet", "/meta/id", "/meta/path", "/meta/label",
                 "/meta/layout", "/meta/ra", "/meta/dec", "/meta/z", "/meta/snr", "/meta/catalog_row",
                 "/rejected/id", "/rejected/reason"]:
        a, b = one[name][()], files[n][name][()]
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), (name, n)
print("1, 2, 4 ranks: identical /wave /flux /mask /ivar /meta /rejected /features/wavelet")
# Row order is catalog order.
assert list(one["/meta/catalog_row"][()]) == list(range(300))
# Rejected: every unusable file, with its reason.
reasons = {i.decode(): r.decode() for i, r in zip(one["/rejected/id"][()], one["/rejected/reason"][()])}
assert set(reasons) == {"bad-1", "bad-2", "bad-3"}, reasons
assert reasons["bad-1"].split(":")[0] in ("not_fits", "unknown_layout", "zero_length"), reasons
assert reasons["bad-2"].startswith("coverage"), reasons
assert reasons["bad-3"].startswith("zero_length"), reasons
# PCA = numpy's SVD of the centred /flux, up to sign.
X = one["/flux"][()].astype(np.float64)
mean = X.mean(axis=0)
U, S, Vt = np.linalg.svd(X - mean, full_matrices=False)
var = S**2 / (N - 1)
comp = one["/pca/components"][()]
assert np.allclose(one["/pca/mean"][()], mean, rtol=1e-6, atol=1e-7)
assert np.allclose(one["/pca/explained_variance"][()], var[:5], rtol=1e-5), (one["/pca/explained_variance"][()], var[:5])
assert np.allclose(one["/pca/explained_variance_ratio"][()], var[:5] / var.sum(), rtol=1e-5)
for k in range(5):
    s = np.sign(np.dot(comp[k], Vt[k]))
    assert np.allclose(comp[k], s * Vt[k], atol=1e-5), k
proj = (X - mean) @ comp.T
assert np.allclose(one["/features/pca"][()], proj, rtol=1e-4, atol=1e-4)
err = np.linalg.norm((X - mean) - proj @ comp, axis=1)
assert np.allclose(one["/features/pca_reconstruction_error"][()], err, rtol=1e-3, atol=1e-4)
# The PCA sums are exact (fixed point over fixed chunks of rows): bitwise the same model and
# projections for every rank count.
for n in (2, 4):
    other = files[n]
    for name in ["/pca/mean", "/pca/components", "/pca/explained_variance",
                 "/pca/explained_variance_ratio", "/features/pca", "/features/pca_reconstruction_error"]:
        assert other[name][()].tobytes() == one[name][()].tobytes(), (n, name)
print("PCA: equals numpy SVD; bitwise the same on 1, 2 and 4 ranks")
# CSV export: one row per spectrum with the same values.
rows = list(csv.reader(open("out2/pre/preprocess/dataset.csv")))
meta = ["id", "label", "ra", "dec", "z", "snr", "layout", "path"]
assert rows[0][:8] == meta and len(rows) == N + 1 and len(rows[1]) == 8 + 600
texts = ("id", "label", "layout", "path")
for j, name in enumerate(meta):  # the CSV's columns are dataset.h5's /meta, by name
    got = [r[j] for r in rows[1:]]
    if name in texts:
        assert got == list(one["/meta/" + name].asstr()[()]), name
    else:
        assert np.allclose([float(g) for g in got], one["/meta/" + name][()], rtol=1e-8, equal_nan=True), name
vals = np.array([[float(v) for v in r[8:]] for r in rows[1:]])
assert np.allclose(vals, X, rtol=1e-7, atol=1e-12)
assert np.allclose([float(h[1:]) for h in rows[0][8:]], one["/wave"][()], rtol=1e-8)
# VOTable export: astropy reads the same flux arrays, the grid as a PARAM and the UCDs that
# tell VO tools the main id and position.
vot = parse("out4/pre/preprocess/dataset.vot").get_first_table()
t = vot.array
assert len(t) == N and np.allclose(np.array([np.asarray(v) for v in t["flux"]]), X, rtol=1e-6)
assert [f.name for f in vot.fields] == meta + ["flux"]
assert list(t["path"]) == list(one["/meta/path"].asstr()[()])
wave = vot.get_field_by_id_or_name("wave")
assert str(wave.unit) == "Angstrom" and wave.ucd == "em.wl"
assert np.allclose(np.asarray(wave.value, dtype=float), one["/wave"][()], rtol=1e-12)
ucd = {f.name: f.ucd for f in vot.fields}
assert ucd["id"] == "meta.id;meta.main" and ucd["ra"] == "pos.eq.ra;meta.main" and ucd["dec"] == "pos.eq.dec;meta.main"
# HDF5: strings are UTF-8 (h5py's asstr() reads them as str); attributes read as str.
assert h5py.check_string_dtype(one["/meta/id"].dtype).encoding == "utf-8"
text_attrs = {k: v for k, v in one.attrs.items() if isinstance(v, (str, bytes, np.bytes_))}
assert text_attrs and all(isinstance(v, str) for v in text_attrs.values()), {k: type(v) for k, v in text_attrs.items()}
print("CSV and VOTable exports: same rows and values, the columns of /meta, the grid as a PARAM")
PYEOF
stilts votlint out2/pre/preprocess/dataset.vot > votlint.txt 2>&1 || true
if grep -E "ERROR|WARNING" votlint.txt; then fail "votlint complains about dataset.vot"; fi
stilts tpipe in=out2/pre/preprocess/dataset.vot ifmt=votable omode=count > tpipe.txt 2>&1 ||
  { cat tpipe.txt; fail "stilts tpipe cannot read dataset.vot"; }
expect_contains tpipe.txt "rows: $($PY -c "import h5py; print(h5py.File('out2/pre/preprocess/dataset.h5')['/flux'].shape[0])")"


# Killed while writing: the next run continues after the last complete round.
mpi 2 run pre.yaml --set output=outK --set preprocess.round_rows=5 >/dev/null 2>killed.txt &
kill_when $! 300 "import glob,json;print(json.load(open(glob.glob('outK/pre/.variants/preprocess/*.partial/progress.json')[0]))['rounds'])" \
  5 "run pre.yaml --set output=outK"
[ ! -e outK/pre/preprocess ] || fail "a killed preprocessing left a complete-looking stage"
mpi 2 run pre.yaml --set output=outK --set preprocess.round_rows=5 >resumed.txt 2>resumed-log.txt
expect_contains resumed-log.txt "preprocess: resuming after round"
$PY - <<'PYEOF'
import h5py
a = h5py.File("out1/pre/preprocess/dataset.h5", "r"); b = h5py.File("outK/pre/preprocess/dataset.h5", "r")
for name in ["/flux", "/mask", "/meta/id", "/rejected/id"]:
    assert a[name][()].tobytes() == b[name][()].tobytes(), name
print("resumed run: same data as an uninterrupted one")
PYEOF

# --force recomputes from nothing instead of continuing the complete earlier run.
mpi 1 run pre.yaml --set output=out1 --force preprocess >/dev/null 2>forced.txt
expect_not_contains forced.txt "resuming"
expect_contains forced.txt "stage preprocess: computing"
echo "preprocess: ok"
