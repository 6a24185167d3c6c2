#!/usr/bin/env bash
# A bad config stops before any work with file:line:col, on 1 and 2 ranks, exit code 2;
# --set is validated the same way; a good config prints its effective form.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > bad.yaml <<'YAML'
experiment: broken
output: out
synth:
  cuont: 500
  seed: many
YAML
for n in 1 2; do
  set +e; mpi "$n" run bad.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
  expect_status 2 "$status" "run bad.yaml on $n rank(s)"
  expect_contains stderr.txt "bad.yaml:4:3: unknown key 'synth.cuont' (did you mean 'synth.count'?)"
  expect_contains stderr.txt "bad.yaml:5:9: synth.seed: expected an integer, got 'many'"
  # Printed once, not once per rank.
  [ "$(grep -c "unknown key 'synth.cuont'" stderr.txt)" = 1 ] || fail "error printed more than once"
  [ ! -e out ] || fail "a bad config created output"
done

cat > good.yaml <<'YAML'
experiment: fine
output: out
synth:
  count: 300
YAML
set +e; "$VOCLOUD_BIN" config check good.yaml --set synth.cout=5 >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "--set of an unknown key"
expect_contains stderr.txt "--set synth.cout=5: unknown key 'synth.cout' (did you mean 'synth.count'?)"
set +e; "$VOCLOUD_BIN" config check good.yaml --set synth.count=50 >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "--set out of range"
expect_contains stderr.txt "synth.count: 50 is out of range [100, 10000000000]"

"$VOCLOUD_BIN" config check good.yaml --set synth.count=400 >stdout.txt 2>stderr.txt
expect_contains stdout.txt "count: 400"
expect_contains stdout.txt "outlier_fraction: 0.005"   # a default filled in
set +e; "$VOCLOUD_BIN" rnu good.yaml 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "misspelt command"
expect_contains stderr.txt "unknown command 'rnu' (did you mean 'run'?)"
echo "config errors: ok"

# Every example experiment shipped in configs/ is valid.
for f in "$VOCLOUD_SOURCE_DIR"/configs/*.yaml; do
  "$VOCLOUD_BIN" config check "$f" >/dev/null 2>"$SCRATCH/check.txt" || { cat "$SCRATCH/check.txt"; fail "$f is not a valid experiment"; }
done
echo "configs/*.yaml: all valid"
