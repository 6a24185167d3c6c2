#!/usr/bin/env bash
# Data manager, local sources: every file of the real data set arrives in the BoK with the
# same bytes (sha256 from sha256sum, not from vocloud), its layout detected from content; a
# re-run reuses everything; unreadable files are rejected with a reason; links work.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
cd "$SCRATCH"
mkdir -p extra
printf 'not a spectrum\n' > extra/notes.fits
cat > exp.yaml <<YAML
experiment: local
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: $REAL/sdss
      label: galaxy_or_qso
    - kind: local
      path: $REAL/lamost-dr2
      pattern: "*.fits"
      mode: link
    - kind: local
      path: "$REAL/ondrejov/raw/*.fits"
      mode: symlink
    - kind: local
      path: extra
YAML
mpi 2 run exp.yaml >run1.txt 2>log1.txt
BOK=out/local/acquire/bok
expected=$( (ls $REAL/sdss/*.fits; find $REAL/lamost-dr2 -name '*.fits'; ls $REAL/ondrejov/raw/*.fits) | wc -l)
rows=$(($(wc -l < $BOK/catalog.csv) - 1))
[ "$rows" = "$expected" ] || fail "catalog has $rows rows, expected $expected"
expect_contains $BOK/catalog_rejects.csv "notes"
expect_contains $BOK/catalog_rejects.csv "unreadable"
$PY - "$BOK" <<'PYEOF'
import csv, hashlib, os, sys
bok = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
assert [c for c in rows[0]] == ["id", "path", "format", "label", "ra", "dec", "z", "source_url", "bytes", "sha256", "object"], rows[0].keys()
want = {"sdss": "sdss", "lamost-dr2": "lamost_dr2", "raw": "ondrejov_raw"}
for r in rows:
    original = r["source_url"][len("file://"):]
    data = open(original, "rb").read()
    copy = open(os.path.join(bok, r["path"]), "rb").read()
    assert copy == data, r["path"]
    assert hashlib.sha256(data).hexdigest() == r["sha256"], r
    assert int(r["bytes"]) == len(data), r
    folder = [k for k in want if f"/{k}/" in original][0]
    assert r["format"] == want[folder], (r["format"], original)
    assert (r["label"] == "galaxy_or_qso") == (folder == "sdss"), r
    if folder == "raw":
        assert os.path.islink(os.path.join(bok, r["path"])), r["path"]
print(f"{len(rows)} files: bytes, sha256, layout and labels as expected")
PYEOF
mpi 2 run exp.yaml --force acquire >run2.txt 2>log2.txt
expect_contains run2.txt "$expected already present"
echo "acquire local: ok"

# read.max_inflated_bytes bounds compressed files in acquire (and preprocess, report): a
# gzipped real SDSS file inflates past 100,000 bytes, so under that limit it is rejected as
# too_large, and with the default it is kept.
mkdir -p gz
gzip -c "$(ls $REAL/sdss/*.fits | head -n 1)" > gz/sdss.fits.gz
cat > gz.yaml <<YAML
experiment: gz
output: out
stages: [acquire]
read:
  max_inflated_bytes: 100000
acquire:
  sources:
    - kind: local
      path: $PWD/gz
YAML
set +e; mpi 1 run gz.yaml >gz.txt 2>gz.log; rc=$?; set -e
[ "$rc" != 0 ] || fail "acquire kept a gzip that inflates past read.max_inflated_bytes"
rejects=$(find out/gz -name catalog_rejects.csv | head -n 1)
[ -n "$rejects" ] || { cat gz.log; fail "no catalog_rejects.csv"; }
expect_contains "$rejects" "too_large"
mpi 1 run gz.yaml --set read.max_inflated_bytes=2147483648 >gz2.txt 2>gz2.log ||
  { cat gz2.log; fail "the gzipped file under the default limit"; }
expect_contains out/gz/acquire/bok/catalog.csv "sdss.fits.gz"
echo "acquire local: read.max_inflated_bytes rejects a gzip past it, keeps it under the default"
