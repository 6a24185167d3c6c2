#!/usr/bin/env bash
# The report's object names and source URLs on real spectra: 25 Ondřejov SSAP FITS files
# (header OBJECT) acquired from disk -> preprocess -> som -> report. Every spectrum the
# report includes carries, in spectra/index and in its shard, the OBJECT that astropy reads
# from its file's header and the source_url that Python's csv reads from the catalog; in
# headless Chromium (when the front end is built), searching an object's name lists exactly
# the spectra whose id, object or label holds it, and their views show that object.
source "$(dirname "$0")/../integration/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
cat > obj.yaml <<YAML
experiment: obj
output: out
stages: [acquire, preprocess, som, report]
acquire:
  sources:
    - kind: local
      path: $REAL/ondrejov/vo-table
      labels_file: $REAL/ondrejov/labels.csv
      label_map: {0: emission, 1: absorption, 2: unlabelled, 3: double_peak}
preprocess: {input: acquire, lambda_min: 6400, lambda_max: 6700, points: 200}
som: {rows: 3, cols: 3, epochs: 2}
report: {per_shard: 7}
YAML
mpi 2 run obj.yaml >run.out 2>run.err || { cat run.err >&2; fail "vocloud run obj.yaml"; }
$PY - <<'PYEOF'
import csv, json, re, h5py
from astropy.io import fits
root = "out/obj"
def load(name):
    text = open(f"{root}/report/data/{name}.js", encoding="utf-8").read()
    m = re.match(r'\AvocloudData\("([^"]+)", (.*)\);\n\Z', text, re.S)
    assert m and m.group(1) == name, name
    return json.loads(m.group(2))
data = h5py.File(f"{root}/preprocess/dataset.h5", "r")
bok = data.attrs["bok"]
paths = [p.decode() for p in data["/meta/path"][:]]
catalog_rows = data["/meta/catalog_row"][:]
with open(f"{bok}/catalog.csv", newline="") as f:
    catalog = list(csv.DictReader(f))
def header_object(path):
    with fits.open(path if path.startswith("/") else f"{bok}/{path}") as hdus:
        for hdu in hdus:
            if "OBJECT" in hdu.header:
                return str(hdu.header["OBJECT"]).strip()
    return ""
index = load("spectra/index")
assert index["count"] == len(paths) > 20, (index["count"], len(paths))
shards = {}
for i, (row, shard) in enumerate(zip(index["row"], index["shard"])):
    if shard not in shards:
        shards[shard] = {s["row"]: s for s in load(f"spectra/shard-{shard:06d}")["spectra"]}
    spectrum = shards[shard][row]
    want = header_object(paths[row])
    assert want, f"row {row}: {paths[row]} has no OBJECT"
    assert index["object"][i] == want, (row, index["object"][i], want)
    assert spectrum["object"] == want, (row, spectrum["object"], want)
    url = catalog[catalog_rows[row]]["source_url"]
    assert spectrum["source_url"] == url, (row, spectrum["source_url"], url)
print(f"object of {index['count']} spectra equals their header OBJECT, e.g. {index['object'][0]!r}")
# What searching one object's name must list (ids, labels and header objects, case-insensitive).
objects = {row: header_object(paths[row]) for row in index["row"]}
labels = [s.decode() for s in data["/meta/label"][:]]
ids = [s.decode() for s in data["/meta/id"][:]]
query = objects[index["row"][0]]
q = query.lower()
rows = [r for r in index["row"] if q in objects[r].lower() or q in ids[r].lower() or q in labels[r].lower()]
json.dump({"query": query, "rows": rows, "object": {str(r): objects[r] for r in rows}}, open("search.json", "w"))
PYEOF
if [ -f out/obj/report/index.html ] && [ -x /usr/bin/chromium ] && [ -d "$VOCLOUD_SOURCE_DIR/viz-export/node_modules" ]; then
  node "$VOCLOUD_SOURCE_DIR/tests/browser/object_search.mjs" out/obj/report search.json ||
    fail "search by object in the browser"
else
  echo "report_object: front end or Chromium missing: browser part skipped"
fi
