#!/usr/bin/env bash
# Data manager, labels: a labels file (CSV and VOTable) joined on the spectrum's own id with a
# value map (Ondřejov labels.csv as it is, codes 0-3), a FITS header keyword with a
# transform, a regular expression and a map with 'exclude' (LAMOST SUBCLASS, SDSS CLASS),
# the folder a file sits in; ids agree with `vocloud inspect`; duplicates (one observation
# as raw and as SSAP file, one file from two sources) are listed; keys that do not apply to
# a source kind are errors at their file:line:col. Expectations come from astropy reading
# the headers and from Python reading labels.csv.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"

# --- Ondřejov: labels.csv (CSV) on the SSAP files, a VOTable labels file (half of the ids)
# on the raw files, and the folder each file sits in.
$PY - "$REAL" <<'PYEOF'
import csv, glob, os, sys
from astropy.io.votable.tree import VOTableFile, Resource, Table, Field
from astropy.io import fits
real = sys.argv[1]
labels = {r["id"]: r["label"] for r in csv.DictReader(open(f"{real}/ondrejov/labels.csv"))}
raw = sorted(glob.glob(f"{real}/ondrejov/raw/*.fits"))
ids = ["ivo://asu.cas.cz/stel/ccd700/" + fits.getheader(p)["FILENAME"].rsplit(".", 1)[0] for p in raw]
keep = ids[::2]
vot = VOTableFile()
res = Resource(); vot.resources.append(res)
t = Table(vot); res.tables.append(t)
t.fields.extend([Field(vot, name="spectrum", datatype="char", arraysize="*"),
                 Field(vot, name="klass", datatype="char", arraysize="*")])
t.create_arrays(len(keep))
for i, k in enumerate(keep):
    t.array[i] = (k, labels[k])
vot.to_xml("raw-labels.vot")
for folder, names in {"emission": ["gamma-cas-emission.fits", "bt-cmi-ondrejov.fits"],
                      "absorption": ["alpha-lyr-absorption.fits"]}.items():
    os.makedirs(f"byfolder/{folder}", exist_ok=True)
    for n in names:
        os.symlink(f"{real}/ondrejov/vo-table/{n}", f"byfolder/{folder}/{n}")
PYEOF
cat > ondrejov.yaml <<YAML
experiment: ondrejov
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: $REAL/ondrejov/vo-table
      mode: symlink
      labels_file: $REAL/ondrejov/labels.csv
      label_map: {0: emission, 1: absorption, 2: unlabelled, 3: double_peak}
    - kind: local
      path: $REAL/ondrejov/raw
      mode: symlink
      labels_file: raw-labels.vot
      labels_id_column: spectrum
      labels_label_column: klass
      label_map: {0: emission, 1: absorption, 2: unlabelled, 3: double_peak}
    - kind: local
      path: byfolder
      mode: symlink
      label_folder: true
YAML
mpi 2 run ondrejov.yaml >run1.txt 2>log1.txt || { cat log1.txt; fail "acquire with labels failed"; }
BOK=out/ondrejov/acquire/bok
# 2 of the 5 raw files are not in raw-labels.vot: kept unlabelled, counted at WARN.
expect_contains log1.txt "2 spectra have no value in their source's labels file or header"
"$VOCLOUD_BIN" inspect --json $REAL/ondrejov/raw/*.fits $REAL/ondrejov/vo-table/*.fits > inspect.json
$PY - "$BOK" "$REAL" <<'PYEOF'
import csv, json, os, sys
from astropy.io import fits
bok, real = sys.argv[1:3]
names = {"0": "emission", "1": "absorption", "2": "", "3": "double_peak"}
labels = {r["id"]: r["label"] for r in csv.DictReader(open(f"{real}/ondrejov/labels.csv"))}
from astropy.io.votable import parse_single_table
vot = parse_single_table("raw-labels.vot").array
raw_listed = {str(s) for s in vot["spectrum"]}
inspected = {os.path.realpath(f["path"]): f["id"] for f in json.load(open("inspect.json"))["files"]}
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
assert list(rows[0])[-1] == "object", list(rows[0])
assert len(rows) == 25 + 5 + 3, len(rows)
did = "ivo://asu.cas.cz/stel/ccd700/"
for r in rows:
    original = r["source_url"][len("file://"):]
    if "/byfolder/" in original:
        assert r["label"] == original.split("/")[-2], r
        continue
    target = os.path.realpath(original)
    if "/raw/" in original:
        h = fits.getheader(original)
        want = did + h["FILENAME"].rsplit(".", 1)[0]
        want_label = names[labels[want]] if want in raw_listed else ""
    else:
        h = fits.getheader(original, 1)
        want = h["DS_IDPUB"]
        want_label = names[labels[want]]
    assert r["id"] == want, (r["id"], want)
    assert r["id"] == inspected[os.path.realpath(original)], (r["id"], original)
    assert r["label"] == want_label, (r, want_label)
    assert r["object"] == h["OBJECT"].strip(), (r["object"], h["OBJECT"])
# The raw files that repeat an SSAP observation, and the folder copies, are duplicates.
dups = list(csv.DictReader(open(os.path.join(bok, "duplicates.csv"))))
ids = [r["id"] for r in rows]
want = sorted(i for n, i in enumerate(ids) if i in ids[:n])
assert sorted(d["id"] for d in dups) == want, (dups, want)
assert len(want) >= 3 + 3, want  # alpha Lyr, BT CMi, gamma Cas raw + the 3 folder copies
assert all(d["reason"] == "same id" for d in dups), dups
print(f"{len(rows)} Ondřejov spectra: ids, labels, objects and {len(dups)} duplicates as expected")
PYEOF
expect_contains log1.txt "repeat an earlier one"

# --- LAMOST SUBCLASS letters, SDSS CLASS, a regular expression and a map with exclude.
cat > survey.yaml <<YAML
experiment: survey
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: $REAL/lamost-dr1
      mode: symlink
      label_header: SUBCLASS
      label_transform: first_letter
    - kind: local
      path: $REAL/sdss
      mode: symlink
      label_header: CLASS
      label_transform: lower
    - kind: local
      path: $REAL/lamost-dr1
      mode: symlink
      label_header: SUBCLASS
      label_regex: '^([A-Z])[0-9]'
      label_map: {A: hot, F: hot, G: sun_like, K: cool, "*": exclude}
YAML
mpi 2 run survey.yaml >run2.txt 2>log2.txt || { cat log2.txt; fail "acquire with header labels failed"; }
$PY - out/survey/acquire/bok "$REAL" <<'PYEOF'
import csv, os, re, sys
from astropy.io import fits
bok, real = sys.argv[1:3]
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
rejects = list(csv.DictReader(open(os.path.join(bok, "catalog_rejects.csv"))))
source = lambda r: r["path"].split("/")[1]
original = lambda r: os.path.realpath(r["source_url"][len("file://"):])
groups = {"A": "hot", "F": "hot", "G": "sun_like", "K": "cool"}
def expected(path, src):
    if src == "1":  # SDSS: CLASS is a column of the SPECOBJ table
        return fits.getdata(path, 2)["CLASS"][0].strip().lower()
    sub = fits.getheader(path)["SUBCLASS"].strip()
    if src == "0":
        return next((c for c in sub if c.isalpha()), "")
    m = re.search(r"^([A-Z])[0-9]", sub)
    if m is None:
        return ""  # no match: unlabelled
    return groups.get(m.group(1), "EXCLUDE")
for r in rows:
    want = expected(original(r), source(r))
    assert r["label"] == want, (r["path"], r["label"], want)
# Every source-2 file that maps to exclude is listed as excluded, and only those; the
# others of its files are in the catalog or unreadable.
excluded = {r["source_url"] for r in rejects if r["status"] == "excluded"}
for r in rejects:
    if r["status"] == "excluded":
        assert "maps to exclude" in r["error"], r
        assert expected(os.path.realpath(r["source_url"][7:]), "2") == "EXCLUDE", r
readable = {r["source_url"] for r in rows if source(r) == "0"}
want = {u for u in readable if expected(os.path.realpath(u[7:]), "2") == "EXCLUDE"}
assert excluded == want and want, (len(excluded), len(want))
# Excluded files are not in the base of knowledge.
in2 = [r for r in rows if source(r) == "2"]
assert len(os.listdir(os.path.join(bok, "files", "2"))) == len(in2)
assert len(in2) + len(excluded) == len(readable)
print(f"LAMOST/SDSS header labels: {len(rows)} rows, {len(excluded)} excluded, as astropy reads them")
PYEOF

# --- Keys that do not apply to a source kind, or two label sources, are config errors at
# the key's position.
bad() {  # bad NAME EXPECTED-TEXT: the YAML on stdin must be refused with TEXT
  cat > "$1.yaml"
  set +e; mpi 1 run "$1.yaml" >/dev/null 2>"$1.txt"; status=$?; set -e
  expect_status 2 "$status" "$1 (a usage error on every rank)"
  expect_contains "$1.txt" "$2"
}
bad folder_on_ssap "folder_on_ssap.yaml:7:21: acquire.sources[0].label_folder does not apply to a ssap source" <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: ssap
      label_folder: true
      url: http://127.0.0.1:9/ssap
YAML
bad two_sources "two_sources.yaml:8:20: acquire.sources[0].labels_file and acquire.sources[0].label are two label sources" <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      label: star
      labels_file: labels.csv
      path: .
YAML
bad column_on_local "column_on_local.yaml:8:21: acquire.sources[0].label_column does not apply to a local source" <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: .
      label_column: klass
YAML
bad id_without_file "id_without_file.yaml:8:25: acquire.sources[0].labels_id_column needs acquire.sources[0].labels_file" <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: .
      labels_id_column: spectrum
YAML
bad missing_column "labels file '$REAL/ondrejov/labels.csv' has no column 'klass'" <<YAML
experiment: bad
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: $REAL/ondrejov/raw
      labels_file: $REAL/ondrejov/labels.csv
      labels_label_column: klass
YAML
echo "acquire labels: ok"
