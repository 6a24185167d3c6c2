#!/usr/bin/env bash
# Data manager over HTTP against the fixture server on 127.0.0.1: plain files, 404 and 500,
# flaky (retried), slow, dropped and short bodies (resumed with Range), Basic auth from a
# netrc file, size and checksum checks, one level of an HTML index, a VOTable list with a
# label column; then idempotence (a re-run downloads nothing), resume of a partial file,
# and --max-bytes.
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
SERVICES="$VOCLOUD_SOURCE_DIR/tests/services"
cd "$SCRATCH"
mkdir -p www/sdss www/lamost
cp $REAL/sdss/spec-0266-51602-0013.fits $REAL/sdss/spec-0266-51602-0107.fits \
   $REAL/sdss/spec-0269-51581-0003.fits $REAL/sdss/spec-0280-51612-0117.fits \
   $REAL/sdss/spec-0295-51585-0596.fits $REAL/sdss/spec-0403-51871-0462.fits www/sdss/
cp $(ls $REAL/lamost-dr1/*.fits | head -4) www/lamost/
cp $(ls $REAL/ondrejov/vo-table/*.fits | head -3) www/
port=$("$SERVICES/start_http_fixture.sh" www fx --auth reader:s3cret)
trap '"$SERVICES/stop_service.sh" fx/http.pid >/dev/null 2>&1 || true; rm -rf "$SCRATCH"' EXIT
U="http://127.0.0.1:$port"
printf 'machine 127.0.0.1 login reader password s3cret\n' > netrc
good_sha=$(sha256sum www/sdss/spec-0280-51612-0117.fits | cut -d' ' -f1)
size=$(stat -c %s www/sdss/spec-0280-51612-0117.fits)
cat > urls.txt <<TXT
# url size sha256
$U/sdss/spec-0280-51612-0117.fits $size $good_sha
$U/sdss/spec-0295-51585-0596.fits $size 0000000000000000000000000000000000000000000000000000000000000000
TXT
ondrejov=($(cd www && ls *.fits))
/usr/bin/python3 - "$U" "${ondrejov[@]}" <<'PYEOF'
# A VOTable list of spectra as TOPCAT would save it, written by astropy.
import sys
from astropy.table import Table
from astropy.io.votable import from_table
base, names = sys.argv[1], sys.argv[2:]
t = Table({"url": [f"{base}/{n}" for n in names], "star": [f"star{i}" for i in range(len(names))],
           "klass": ["emission", "absorption", "emission"][:len(names)]})
vot = from_table(t)
vot.get_first_table().get_field_by_id("url").utype = "ssa:Access.Reference"
vot.to_xml("list.vot")
PYEOF
cat > exp.yaml <<YAML
experiment: web
output: out
stages: [acquire]
acquire:
  parallel_transfers: 3
  retries: 3
  retry_backoff: 0.05
  read_timeout: 10
  credentials: $SCRATCH/netrc
  sources:
    - kind: http
      urls:
        - $U/sdss/spec-0266-51602-0013.fits
        - $U/status/404/sdss/spec-0266-51602-0013.fits
        - $U/status/500/sdss/spec-0266-51602-0107.fits
        - $U/flaky/2/sdss/spec-0266-51602-0107.fits
        - $U/slow/300/sdss/spec-0269-51581-0003.fits
        - $U/drop/sdss/spec-0403-51871-0462.fits
        - $U/badlength/${ondrejov[0]}
        - $U/auth/${ondrejov[1]}
    - kind: http
      url_file: $SCRATCH/urls.txt
    - kind: http
      url: $U/index/lamost/
      follow_index: true
      pattern: "*.fits"
      label: star
    - kind: votable
      path: $SCRATCH/list.vot
      label_column: klass
YAML
mpi 2 run exp.yaml >run1.txt 2>log1.txt || { cat log1.txt; fail "acquire failed"; }
BOK=out/web/acquire/bok
$PY - "$BOK" www fx/http.log "$U" <<'PYEOF'
import csv, hashlib, os, sys
bok, www, log, base = sys.argv[1:5]
rows = {r["source_url"]: r for r in csv.DictReader(open(os.path.join(bok, "catalog.csv")))}
rejects = {r["source_url"]: r for r in csv.DictReader(open(os.path.join(bok, "catalog_rejects.csv")))}
def check(url, rel):
    assert url in rows, f"missing {url}; have {sorted(rows)}"
    got = open(os.path.join(bok, rows[url]["path"]), "rb").read()
    want = open(os.path.join(www, rel), "rb").read()
    assert got == want, url
    assert rows[url]["sha256"] == hashlib.sha256(want).hexdigest()
U = base
check(f"{U}/sdss/spec-0266-51602-0013.fits", "sdss/spec-0266-51602-0013.fits")
check(f"{U}/flaky/2/sdss/spec-0266-51602-0107.fits", "sdss/spec-0266-51602-0107.fits")
check(f"{U}/slow/300/sdss/spec-0269-51581-0003.fits", "sdss/spec-0269-51581-0003.fits")
check(f"{U}/drop/sdss/spec-0403-51871-0462.fits", "sdss/spec-0403-51871-0462.fits")
names = sorted(n for n in os.listdir(www) if n.endswith(".fits"))
check(f"{U}/badlength/{names[0]}", names[0])
check(f"{U}/auth/{names[1]}", names[1])
check(f"{U}/sdss/spec-0280-51612-0117.fits", "sdss/spec-0280-51612-0117.fits")
lamost = sorted(os.listdir(os.path.join(www, "lamost")))
for n in lamost:
    check(f"{U}/index/lamost/{n}", f"lamost/{n}")
    assert rows[f"{U}/index/lamost/{n}"]["label"] == "star"
    assert rows[f"{U}/index/lamost/{n}"]["format"] == "lamost_dr1"
for i, n in enumerate(names):
    check(f"{U}/{n}", n)
    assert rows[f"{U}/{n}"]["label"] == ["emission", "absorption", "emission"][i]
    assert rows[f"{U}/{n}"]["format"] == "ondrejov_ssap"
    assert rows[f"{U}/{n}"]["id"] == n[:-5]  # a list's spectrum keeps the list's id
# A file fetched by URL has its own id (DS_IDPUB as astropy reads it), not the URL's stem.
from astropy.io import fits
for url, n in ((f"{U}/badlength/{names[0]}", names[0]), (f"{U}/auth/{names[1]}", names[1])):
    assert rows[url]["id"] == fits.getheader(os.path.join(www, n), 1)["DS_IDPUB"], rows[url]
r404 = rejects[f"{U}/status/404/sdss/spec-0266-51602-0013.fits"]
assert r404["status"] == "404" and r404["attempts"] == "1", r404          # not retried
r500 = rejects[f"{U}/status/500/sdss/spec-0266-51602-0107.fits"]
assert r500["status"] == "500" and r500["attempts"] == "4", r500          # 1 + 3 retries
bad = rejects[f"{U}/sdss/spec-0295-51585-0596.fits"]
assert "sha256" in bad["error"], bad
assert len(rows) == 7 + len(lamost) + len(names) and len(rejects) == 3, (len(rows), len(rejects))
# The server's log: the flaky URL asked 3 times, the dropped ones resumed with a Range.
lines = [l.rstrip("\n").split("\t") for l in open(log)]
flaky = [l for l in lines if l[1] == "/flaky/2/sdss/spec-0266-51602-0107.fits"]
assert [l[2] for l in flaky] == ["503", "503", "200"], flaky
hits = [l for l in lines if l[1] == "/drop/sdss/spec-0403-51871-0462.fits"]
assert any(l[2] == "206" and l[3].startswith("bytes=") and not l[3].startswith("bytes=0-") for l in hits), hits
# A body shorter than its Content-Length: the resume request finds nothing missing (416
# with the real size), and the file is complete.
hits = [l for l in lines if l[1] == f"/badlength/{names[0]}"]
assert any(l[3].startswith("bytes=") and not l[3].startswith("bytes=0-") for l in hits), hits
print(f"{len(rows)} acquired, {len(rejects)} rejected, retries and resumes as expected")
PYEOF
# Idempotent: a re-run fetches no complete spectrum again.
before=$(wc -l < fx/http.log)
mpi 2 run exp.yaml --force acquire >run2.txt 2>log2.txt || { cat log2.txt; fail "the forced re-run failed"; }
# (the file with the wrong checksum is fetched again: it never became complete)
new_gets=$(tail -n +$((before + 1)) fx/http.log | grep -v spec-0295 | grep -c -P '\.fits\t(200|206)\t' || true)
[ "$new_gets" = 0 ] || { tail -n +$((before + 1)) fx/http.log; fail "re-run downloaded $new_gets file(s) again"; }
expect_contains run2.txt "already present"

# Resume: a partial file left by an interrupted run is continued with a Range request.
cat > resume.yaml <<YAML
experiment: resume
output: out
stages: [acquire]
acquire:
  sources:
    - kind: http
      urls: [$U/sdss/spec-0266-51602-0013.fits]
YAML
# The stored name of a remote file is its stem, '-', 16 hex digits of sha256("ID\nURL").
stored=$($PY -c 'import hashlib, sys; i, u = sys.argv[1:]; print(i + "-" + hashlib.sha256((i + "\n" + u).encode()).hexdigest()[:16] + ".fits")' \
  spec-0266-51602-0013 "$U/sdss/spec-0266-51602-0013.fits")
mkdir -p out/resume/.acquire.partial/bok/files/0
head -c 50000 www/sdss/spec-0266-51602-0013.fits > out/resume/.acquire.partial/bok/files/0/$stored.part
mpi 1 run resume.yaml >/dev/null 2>log3.txt || { cat log3.txt; fail "the resumed run failed"; }
cmp out/resume/acquire/bok/files/0/$stored www/sdss/spec-0266-51602-0013.fits || fail "resumed file differs"
tail -1 fx/http.log | grep -q "bytes=50000-" || { tail -3 fx/http.log; fail "no Range request from byte 50000"; }

# --max-bytes: the budget stops new downloads; the rest are listed as rejected. One transfer
# at a time, so that the first file (172,800 bytes) completes within the budget whatever the
# timing: parallel transfers share the budget as bytes arrive, and two large ones at once
# could both be cut, leaving nothing kept (which fails the stage).
mpi 1 run exp.yaml --set output=out2 --set acquire.parallel_transfers=1 --max-bytes 200000 \
  >/dev/null 2>log4.txt || { cat log4.txt; fail "the --max-bytes run failed"; }
expect_contains out2/web/acquire/bok/catalog_rejects.csv "max_bytes reached"
echo "acquire over HTTP: ok"
