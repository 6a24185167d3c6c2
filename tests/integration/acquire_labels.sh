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
inspected = {f["path"]: f["id"] for f in json.load(open("inspect.json"))["files"]}
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
    assert r["id"] == inspected[original], (r["id"], inspected[original])
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
import csv, glob, os, re, sys
from astropy.io import fits
bok, real = sys.argv[1:3]
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
rejects = list(csv.DictReader(open(os.path.join(bok, "catalog_rejects.csv"))))
lamost = sorted(glob.glob(f"{real}/lamost-dr1/*.fits"))
sdss = sorted(glob.glob(f"{real}/sdss/*.fits"))
groups = {"A": "hot", "F": "hot", "G": "sun_like", "K": "cool"}
first, third, excluded = {}, {}, set()
for p in lamost:
    sub = fits.getheader(p)["SUBCLASS"].strip()
    letter = next((c for c in sub if c.isalpha()), "")
    first[p] = letter
    m = re.search(r"^([A-Z])[0-9]", sub)
    if m is None:
        third[p] = ""          # no match: unlabelled
    elif m.group(1) in groups:
        third[p] = groups[m.group(1)]
    else:
        excluded.add(p)
by_source = {}
for r in rows:
    by_source.setdefault(r["path"].split("/")[1], []).append(r)
got = {r["source_url"][7:]: r["label"] for r in by_source["0"]}
assert got == first, [(p, got.get(p), first[p]) for p in first if got.get(p) != first[p]][:5]
for r in by_source["1"]:
    cls = fits.getdata(r["source_url"][7:], 2)["CLASS"][0].strip().lower()
    assert r["label"] == cls, (r, cls)
got = {r["source_url"][7:]: r["label"] for r in by_source.get("2", [])}
assert got == {p: l for p, l in third.items() if p not in excluded}, "regex + map labels differ"
ex = {r["source_url"][7:] for r in rejects if r["status"] == "excluded"}
assert ex == excluded and excluded, (len(ex), len(excluded))
for r in rejects:
    if r["status"] == "excluded":
        assert "maps to exclude" in r["error"], r
# Excluded files are not in the base of knowledge.
kept = {r["path"] for r in rows}
assert len([f for f in os.listdir(os.path.join(bok, "files", "2"))]) == len(by_source.get("2", []))
print(f"LAMOST/SDSS header labels: {len(rows)} rows, {len(ex)} excluded, as astropy reads them")
PYEOF

# --- Keys that do not apply to a source kind, or two label sources, are config errors at
# the key's position.
bad() {  # bad NAME EXPECTED-TEXT: the YAML on stdin must be refused with TEXT
  cat > "$1.yaml"
  set +e; mpi 1 run "$1.yaml" >/dev/null 2>"$1.txt"; status=$?; set -e
  [ "$status" -ne 0 ] || fail "$1 was accepted"
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
bad two_sources "two_sources.yaml:8:21: acquire.sources[0].labels_file and acquire.sources[0].label are two label sources" <<YAML
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
