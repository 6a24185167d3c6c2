#!/usr/bin/env bash
# Acquire against a hostile HTTP server on 127.0.0.1 (tests/services/http_fixture.py) and
# careless inputs, one part per point of issue 13:
#  3  stored names never collide (local a/x, b/x, c/x-2; VOTable ids ivo://a/x, b/x, c/x-2)
#  7  file://, gopher://, dict:// in listings, SSAP responses, index pages and redirects are
#     refused: no local file copied, nothing connects to the fixture's raw TCP sink
#  8  --max-bytes holds for bodies without Content-Length and parallel transfers
#  9  a drip is aborted by min_speed, a long transfer by transfer_timeout, also for SSAP
# 10  an endless SSAP response stops at max_response_bytes with a clear error; a large one
#     under a raised limit is streamed to disk and parsed in pieces (bounded memory)
# 11  a URL password never reaches the log, the catalogs or config.effective.yaml; a named
#     credentials file that does not exist is an error
# 12  rejected downloads leave nothing in bok/files (no .part); unreadable ones (a text,
#     a gzip bomb) are set apart in bok/rejected and listed
source "$(dirname "$0")/lib.sh"
REAL="${VOCLOUD_SHARED_DATA:?}/real"
SERVICES="$VOCLOUD_SOURCE_DIR/tests/services"
cd "$SCRATCH"
mkdir -p www fx
ond=($(ls $REAL/ondrejov/vo-table/*.fits | head -6))
for i in 0 1 2 3 4 5; do cp "${ond[$i]}" www/s$i.fits; done
printf 'not a spectrum\n' > www/junk.fits
cp "${ond[5]}" secret.fits  # a local file that no remote listing may bring in
port=$("$SERVICES/start_http_fixture.sh" www fx --auth reader:s3cr3tpw \
  --sink-port-file "$SCRATCH/fx/sink.port" --sink-log "$SCRATCH/fx/sink.log")
trap '"$SERVICES/stop_service.sh" fx/http.pid >/dev/null 2>&1 || true; rm -rf "$SCRATCH"' EXIT
U="http://127.0.0.1:$port"
SINK="127.0.0.1:$(cat fx/sink.port)"
touch fx/sink.log

votable() {  # votable OUT URL,ID...: an SSAP-like VOTable (access reference + publisher DID)
  $PY - "$@" <<'PYEOF'
import sys
from astropy.table import Table
from astropy.io.votable import from_table
out, rows = sys.argv[1], [a.split(",", 1) for a in sys.argv[2:]]
t = Table({"url": [r[0] for r in rows], "did": [r[1] for r in rows]})
vot = from_table(t)
vot.get_first_table().get_field_by_id("url").utype = "ssa:Access.Reference"
vot.get_first_table().get_field_by_id("did").utype = "ssa:Curation.PublisherDID"
vot.to_xml(out)
PYEOF
}

# Each catalog row holds the bytes of the file its source_url names (source_url is the
# original location; fetched here with urllib or read from disk, not through vocloud).
check_rows() {  # check_rows BOK N_EXPECTED
  $PY - "$1" "$2" <<'PYEOF'
import csv, os, sys, urllib.request
bok, n = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(os.path.join(bok, "catalog.csv"))))
assert len(rows) == n, (len(rows), n, rows)
paths = set()
for r in rows:
    url = r["source_url"]
    want = open(url[7:], "rb").read() if url.startswith("file://") else urllib.request.urlopen(url).read()
    got = open(os.path.join(bok, r["path"]), "rb").read()
    assert got == want, f"row {r['id']} ({r['path']}) does not hold the bytes of {url}"
    paths.add(r["path"])
assert len(paths) == n, "two rows share a stored file"
PYEOF
}

# --- 3: names unique by construction ------------------------------------------------
mkdir -p loc/a loc/b loc/c
cp www/s0.fits loc/a/x.fits; cp www/s1.fits loc/b/x.fits; cp www/s2.fits loc/c/x-2.fits
votable ids.vot "$U/s3.fits,ivo://a/x" "$U/s4.fits,ivo://b/x" "$U/s5.fits,ivo://c/x-2"
cat > names.yaml <<YAML
experiment: names
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: $SCRATCH/loc
    - kind: votable
      path: $SCRATCH/ids.vot
YAML
mpi 2 run names.yaml >names.txt 2>names.log || { cat names.log; fail "names: acquire failed"; }
check_rows out/names/acquire/bok 6
echo "3: six files, six stored names, each row with its own bytes"

# --- 7: only http and https -------------------------------------------------------------
votable hostile.vot "$U/s0.fits,ivo://ok/0" "file://$SCRATCH/secret.fits,ivo://bad/file" \
  "gopher://$SINK/_GOPHER-LIST,ivo://bad/gopher" "dict://$SINK/d:DICT-LIST,ivo://bad/dict" \
  "$U/redirect?to=file://$SCRATCH/secret.fits,ivo://bad/redir-file" \
  "$U/redirect?to=gopher://$SINK/_GOPHER-REDIRECT,ivo://bad/redir-gopher"
cp hostile.vot www/hostile.vot
cp hostile.vot www/ssap.vot
cat > www/index.html <<HTML
<html><body><a href="s1.fits">s1</a> <a href="file://$SCRATCH/secret.fits">secret.fits</a>
<a href="gopher://$SINK/_INDEX.fits">g.fits</a></body></html>
HTML
cat > schemes.yaml <<YAML
experiment: schemes
output: out
stages: [acquire]
acquire:
  retries: 0
  sources:
    - kind: votable
      url: $U/hostile.vot
    - kind: ssap
      url: $U/ssap.vot
    - kind: http
      url: $U/index.html
      follow_index: true
      pattern: "*.fits"
YAML
mpi 2 run schemes.yaml >schemes.txt 2>schemes.log || { cat schemes.log; fail "schemes: acquire failed"; }
BOK=out/schemes/acquire/bok
check_rows $BOK 3
$PY - secret.fits out/schemes <<'PYEOF' || fail "secret.fits was copied into the base of knowledge"
import os, sys
secret = open(sys.argv[1], "rb").read()
for d, _, names in os.walk(sys.argv[2]):
    for n in names:
        p = os.path.join(d, n)
        assert os.path.islink(p) or open(p, "rb").read() != secret, p
PYEOF
[ ! -s fx/sink.log ] || { cat fx/sink.log; fail "something connected to the raw TCP sink"; }
refused=$(grep -c "refused" $BOK/catalog_rejects.csv || true)
# 5 in the list, 5 in the SSAP response, 2 on the index page
[ "$refused" = 12 ] || { cat $BOK/catalog_rejects.csv; fail "expected 12 refused rows, got $refused"; }
# A URL the user gives with another scheme is a config error at the key.
sed "s#url: $U/hostile.vot#url: file://$SCRATCH/hostile.vot#" schemes.yaml > file_url.yaml
set +e; mpi 1 run file_url.yaml >/dev/null 2>file_url.log; rc=$?; set -e
expect_status 2 $rc "votable url file://"
expect_contains file_url.log "only http and https"
echo "7: file://, gopher://, dict:// refused in lists, SSAP, index pages and redirects"

# --- 8: --max-bytes is global and holds while bytes arrive --------------------------------
cat > budget.yaml <<YAML
experiment: budget
output: out
stages: [acquire]
acquire:
  parallel_transfers: 4
  retries: 0
  sources:
    - kind: local
      path: $SCRATCH/loc/a
    - kind: http
      urls: [$U/endless/s0.fits, $U/endless/s1.fits, $U/endless/s2.fits, $U/endless/s3.fits,
             $U/nolength/s0.fits, $U/nolength/s1.fits, $U/nolength/s2.fits, $U/nolength/s3.fits]
YAML
limit=1000000
mpi 2 run budget.yaml --max-bytes $limit >budget.txt 2>budget.log || { cat budget.log; fail "budget: acquire failed"; }
BOK=out/budget/acquire/bok
written=$($PY -c 'import os, sys
print(sum(os.path.getsize(os.path.join(d, f)) for top in sys.argv[1:] for d, _, fs in os.walk(top) for f in fs))' \
  $BOK/files/1 $BOK/rejected)
[ "$written" -le $limit ] || fail "max-bytes $limit: $written bytes downloaded"
expect_contains $BOK/catalog_rejects.csv "max_bytes reached"
# Four parallel bodies without Content-Length on one rank share one budget.
cat > budget2.yaml <<YAML
experiment: budget
output: out_small
stages: [acquire]
acquire:
  parallel_transfers: 4
  sources:
    - kind: local
      path: $SCRATCH/loc/a
    - kind: http
      urls: [$U/nolength/s0.fits, $U/nolength/s1.fits, $U/nolength/s2.fits, $U/nolength/s3.fits]
YAML
mpi 1 run budget2.yaml --max-bytes 100000 >budget2.txt 2>budget2.log || { cat budget2.log; fail "budget: acquire failed"; }
small=$($PY -c 'import os, sys
print(sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(sys.argv[1]) for f in fs))' out_small/budget/acquire/bok/files/1)
[ "$small" -le 100000 ] || fail "max-bytes 100000: $small bytes downloaded by 4 parallel transfers"
echo "8: $written bytes downloaded under --max-bytes $limit, $small under 100000"

# --- 9 and 10: drips, deadlines, endless SSAP responses -------------------------------
cat > slow.yaml <<YAML
experiment: slow
output: out
stages: [acquire]
acquire:
  retries: 0
  read_timeout: 2
  min_speed: 100
  sources:
    - kind: local
      path: $SCRATCH/loc/a
    - kind: http
      urls: [$U/drip/400/s0.fits]
YAML
# 2.5 bytes/s: under min_speed, aborted after read_timeout (slow); 10 bytes/s: above
# min_speed 1, only the total deadline stops it (deadline).
sed -e 's/min_speed: 100/min_speed: 1\n  transfer_timeout: 3/' -e 's#drip/400/s0#drip/100/s1#' \
  -e 's/experiment: slow/experiment: deadline/' slow.yaml > deadline.yaml
for name in slow deadline; do
  mpi 1 run $name.yaml >$name.txt 2>$name.log || { cat $name.log; fail "$name: acquire failed"; }
  expect_contains out/$name/acquire/bok/catalog_rejects.csv "Timeout was reached"
done
ssap_fails() {  # ssap_fails NAME URL TEXT [KEY: VALUE]: an SSAP query that must fail with TEXT
  cat > $1.yaml <<YAML
experiment: $1
output: out
stages: [acquire]
acquire:
  retries: 0
  read_timeout: 2
  min_speed: 100
  ${4:-retry_backoff: 1}
  sources:
    - kind: ssap
      url: $2
YAML
  set +e; mpi 1 run $1.yaml >$1.txt 2>$1.log; local rc=$?; set -e
  [ $rc != 0 ] || fail "$1: acquire succeeded"
  expect_contains $1.log "$3"
}
ssap_fails ssap_drip "$U/drip/400/ssap.vot" "Timeout was reached"
ssap_fails ssap_endless "$U/endless/ssap.vot" "larger than acquire.max_response_bytes" \
  "max_response_bytes: 1048576"
echo "9, 10: drips and long transfers time out; an endless SSAP response stops at its limit"
# A 400 MiB SSAP response (a valid document, mostly one XML comment) under a raised limit is
# streamed to disk and parsed in pieces: acquire's peak memory stays far below its size
# (buffered whole, as before, it was at least 400 MiB).
votable www/good.vot "$U/s0.fits,ivo://ok/0" "$U/s1.fits,ivo://ok/1"
cat > padded.yaml <<YAML
experiment: padded
output: out
stages: [acquire]
acquire:
  retries: 0
  max_response_bytes: 1073741824
  sources:
    - kind: ssap
      url: $U/padded/400/good.vot
YAML
/usr/bin/time -f %M -o padded.rss mpirun -n 1 "$VOCLOUD_BIN" run padded.yaml >padded.txt 2>padded.log ||
  { cat padded.log; fail "padded: acquire failed"; }
check_rows out/padded/acquire/bok 2
kept=out/padded/acquire/bok/sources/source-0.xml
[ "$(stat -c %s $kept)" -gt $((400 << 20)) ] || fail "the 400 MiB response was not kept whole"
rss_mib=$(( $(tail -n 1 padded.rss) / 1024 ))
[ "$rss_mib" -lt 200 ] || fail "acquire of a 400 MiB SSAP response peaked at $rss_mib MiB"
rm -f $kept
echo "10: a 400 MiB SSAP response is streamed: acquire peaked at $rss_mib MiB"

# --- 11: secrets ------------------------------------------------------------------------
cat > secret.yaml <<YAML
experiment: secret
output: out
stages: [acquire]
acquire:
  sources:
    - kind: ssap
      url: http://reader:s3cr3tpw@127.0.0.1:$port/auth/ssap.vot
      params: [token=t0ps3cret]
YAML
mpi 1 run secret.yaml --log-level debug >secret.txt 2>secret.log || { cat secret.log; fail "secret: acquire failed"; }
expect_contains out/secret/acquire/bok/catalog.csv "s0.fits"  # the credentials worked
for word in s3cr3tpw t0ps3cret; do
  if grep -rlF "$word" out/secret secret.txt secret.log; then fail "'$word' written above"; fi
done
expect_contains out/secret/config.effective.yaml "reader:***@"
sed "s#^acquire:#acquire:\n  credentials: $SCRATCH/no-such-netrc#" names.yaml > nocred.yaml
set +e; mpi 1 run nocred.yaml >/dev/null 2>nocred.log; rc=$?; set -e
expect_status 2 $rc "missing credentials file"
expect_contains nocred.log "no-such-netrc"
echo "11: no password in logs, catalogs or config.effective.yaml; missing credentials refused"

# --- 12: nothing rejected stays in files/ -----------------------------------------------
cat > leftovers.yaml <<YAML
experiment: leftovers
output: out
stages: [acquire]
acquire:
  retries: 0
  read_timeout: 2
  min_speed: 100
  sources:
    - kind: http
      urls: [$U/s0.fits, $U/junk.fits, $U/status/404/s1.fits, $U/drip/400/s2.fits,
             http://127.0.0.1:1/s3.fits, $U/gzipbomb/64/bomb.fits.gz]
YAML
mpi 1 run leftovers.yaml >leftovers.txt 2>leftovers.log || { cat leftovers.log; fail "leftovers: acquire failed"; }
$PY - out/leftovers/acquire/bok <<'PYEOF'
import csv, os, sys
bok = sys.argv[1]
listed = {r["path"] for r in csv.DictReader(open(os.path.join(bok, "catalog.csv")))}
stored = {os.path.relpath(os.path.join(d, f), bok)
          for d, _, fs in os.walk(os.path.join(bok, "files")) for f in fs}
assert stored == listed, f"files/ holds {sorted(stored - listed)} beyond the catalog"
rejects = list(csv.DictReader(open(os.path.join(bok, "catalog_rejects.csv"))))
assert len(rejects) == 5, rejects
junk = [r for r in rejects if r["source_url"].endswith("/junk.fits")][0]
kept = junk["error"].split("(kept as ")[1].rstrip(")")
assert open(os.path.join(bok, kept), "rb").read() == b"not a spectrum\n", kept
# 64 MiB of zeros in a gzip stream is no spectrum: set apart as it arrived (compressed).
bomb = [r for r in rejects if r["source_url"].endswith("/bomb.fits.gz")][0]
assert bomb["status"] == "unreadable", bomb
kept = bomb["error"].split("(kept as ")[1].rstrip(")")
assert os.path.getsize(os.path.join(bok, kept)) < 1 << 20, kept
PYEOF
echo "12: files/ holds only catalogued files; the unreadable one is in rejected/"
echo "acquire hostile: ok"
