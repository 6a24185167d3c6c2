#!/usr/bin/env bash
# Stage reuse by fingerprint, --force, --set changing the fingerprint, progress lines in
# logs, and an interrupted stage that is never taken as complete.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > exp.yaml <<'YAML'
experiment: reuse
output: out
stages: [synth]
log:
  progress_interval: 0.1
synth:
  count: 200
YAML
mpi 2 run exp.yaml >run1.txt 2>log1.txt
expect_contains log1.txt "stage synth: computing"
expect_contains log1.txt "synth 200/200 (100.0%)"          # plain progress line (not a tty), every rank's count
expect_not_contains log1.txt "synth 100/100"                # not rank 0's share
expect_contains run1.txt "synth  computed"
[ -f out/reuse/synth/stage.json ] || fail "no stage manifest"
[ -f out/reuse/synth/config.effective.yaml ] || fail "no effective config beside the output"
[ -f out/reuse/config.effective.yaml ] || fail "no effective config at the experiment root"
$PY -c "import json,sys; t=json.load(open('out/reuse/synth/timings.json')); assert t['ranks']==2 and 'write_fits' in t['steps'], t"
fp1=$($PY -c "import json; print(json.load(open('out/reuse/synth/stage.json'))['fingerprint'])")

mpi 2 run exp.yaml >run2.txt 2>log2.txt
expect_contains log2.txt "stage synth: reused"
expect_contains run2.txt "synth  reused"

mpi 1 synth exp.yaml --force >run3.txt 2>log3.txt
expect_contains log3.txt "stage synth: computing (fingerprint"
expect_contains log3.txt "forced"
fp3=$($PY -c "import json; print(json.load(open('out/reuse/synth/stage.json'))['fingerprint'])")
[ "$fp1" = "$fp3" ] || fail "the same parameters gave another fingerprint"

# On a terminal the progress is a bar with rate and ETA (script(1) gives the run a tty).
script -qec "$VOCLOUD_BIN synth exp.yaml --force --set synth.count=2000" tty.txt >/dev/null
expect_contains tty.txt "] synth 2000/2000 (100.0%)"
expect_contains tty.txt "[##############################]"

mpi 2 run exp.yaml --set synth.count=300 >run4.txt 2>log4.txt
expect_contains log4.txt "parameters or inputs changed"
[ "$(($(wc -l < out/reuse/synth/bok/catalog.csv) - 1))" = 300 ] || fail "catalog does not have 300 rows"

# Interrupted: kill the job while it writes; nothing may count as complete.
cat > big.yaml <<'YAML'
experiment: killed
output: out
synth:
  count: 100000
YAML
mpi 2 run big.yaml >/dev/null 2>killed.txt &
job=$!
for _ in $(seq 1 300); do
  n=$( (find out/killed -name '*.fits' 2>/dev/null || true) | head -50 | wc -l)
  [ "$n" -ge 50 ] && break
  sleep 0.1
done
kill -9 "$job" 2>/dev/null || true
pkill -9 -f "vocloud run big.yaml" 2>/dev/null || true
wait "$job" 2>/dev/null || true
[ ! -e out/killed/synth ] || fail "a killed stage left out/killed/synth"
ls -d out/killed/.variants/synth/*.partial >/dev/null 2>&1 || fail "expected the partial directory of the killed stage"
mpi 2 run big.yaml --set synth.count=150 >run5.txt 2>log5.txt
expect_contains log5.txt "stage synth: computing"
[ -f out/killed/synth/stage.json ] || fail "stage did not complete after the interruption"
done_variant=$(basename "$(readlink out/killed/synth)")
[ ! -e "out/killed/.variants/synth/$done_variant.partial" ] || fail "partial directory left behind after completion"
echo "stage reuse: ok"
