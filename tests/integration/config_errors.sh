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
here="$(pwd -P)"  # what the program sees as the working directory (symbolic links resolved)

# Cross-key rules a stage would check later are reported by `config check` (and by `run`
# before any work) at the file:line:col of the key; one problem per stage, all at once.
cat > rules.yaml <<'YAML'
experiment: rules
output: out
stages: [preprocess, som, forest, predict]
preprocess:
  input: synth
  lambda_min: 7000
  lambda_max: 6000
forest:
  folds: 3
  max_features: lots
predict:
  top: 5
YAML
set +e; "$VOCLOUD_BIN" config check rules.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "config check of cross-key rules"
expect_contains stderr.txt "rules.yaml:6:15: preprocess.lambda_min must be below preprocess.lambda_max"
expect_contains stderr.txt "rules.yaml:10:17: forest.max_features: 'lots' is not sqrt"
# The issue's case: a missing predict.class passed check and failed in run.
expect_contains stderr.txt "rules.yaml:11:1: predict.class is required"
# preprocess reads synth's output, which is neither listed nor computed.
expect_contains stderr.txt "rules.yaml:3:9: stage 'preprocess' reads the output of stage 'synth'"
expect_not_contains stderr.txt "no key 'predict'"
# A stage command: its upstream must be completed already.
set +e; mpi 1 som rules.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "a stage command without its upstream"
expect_contains stderr.txt "stage 'som' reads the output of stage 'preprocess', which is not completed in $here/out/rules/preprocess (run that stage first)"
for n in 1 2; do
  set +e; mpi "$n" run rules.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
  expect_status 2 "$status" "run of cross-key rules on $n rank(s)"
  [ "$(grep -c "predict.class is required" stderr.txt)" = 1 ] || fail "$n ranks: error not printed once"
  [ ! -e out ] || fail "run created output before failing on a config rule"
done

cat > folds.yaml <<'YAML'
experiment: folds
output: out
stages: [synth, preprocess, forest]
forest:
  folds: 1
YAML
set +e; "$VOCLOUD_BIN" config check folds.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "forest.folds 1"
expect_contains stderr.txt "folds.yaml:5:10: forest.folds must be 0 (no cross-validation) or at least 2"

# Inputs that do not exist: a BoK directory, a data set file, a model file.
cat > inputs.yaml <<'YAML'
experiment: inputs
output: out
stages: [preprocess, som, predict]
preprocess:
  input: directory
  bok_dir: no_such_bok
som:
  input: file
  dataset_file: missing/dataset.h5
predict:
  class: emission
  model_file: missing/forest.h5
YAML
set +e; "$VOCLOUD_BIN" config check inputs.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "missing inputs"
expect_contains stderr.txt "inputs.yaml:6:12: preprocess.bok_dir: no such directory '$here/no_such_bok'"
expect_contains stderr.txt "inputs.yaml:9:17: som.dataset_file: no such file '$here/missing/dataset.h5'"
expect_contains stderr.txt "inputs.yaml:12:15: predict.model_file: no such file '$here/missing/forest.h5'"
cat > acq.yaml <<'YAML'
experiment: acq
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: no_such_dir
YAML
set +e; "$VOCLOUD_BIN" config check acq.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "a missing local source"
expect_contains stderr.txt "acq.yaml:7:13: acquire.sources[0].path: no such file or directory '$here/no_such_dir'"
echo "cross-key rules and inputs: ok"

# Relative paths come from the experiment file's folder: a config copied elsewhere works
# from any working directory; --set paths come from the working directory.
mkdir -p copied/exp elsewhere
cat > copied/exp/small.yaml <<'YAML'
experiment: small
output: ../results
stages: [synth]
synth:
  count: 100
YAML
(cd elsewhere && "$VOCLOUD_BIN" config check ../copied/exp/small.yaml >check.txt)
expect_contains elsewhere/check.txt "output: $here/copied/results"
(cd elsewhere && "$VOCLOUD_BIN" config check ../copied/exp/small.yaml --set output=here >check.txt)
expect_contains elsewhere/check.txt "output: $here/elsewhere/here"
(cd elsewhere && mpi 2 run ../copied/exp/small.yaml >run.txt 2>run.err)
[ -f copied/results/small/synth/bok/catalog.csv ] || fail "the copied config did not write beside itself"
[ ! -e elsewhere/results ] || fail "the copied config wrote under the working directory"
expect_contains copied/results/small/config.effective.yaml "output: $here/copied/results"
# Progress counts are the whole job's (100 spectra over 2 ranks), never one rank's share.
expect_contains elsewhere/run.err "synth 100/100 (100.0%)"
echo "relative paths: ok"

# --help prints vocloud's help only (no Kokkos banner or Kokkos help).
for args in "--help" "run --help" "synth --help" "config --help"; do
  # shellcheck disable=SC2086
  mpi 1 $args >help.txt 2>&1
  expect_contains help.txt "usage: vocloud"
  expect_not_contains help.txt "Kokkos"
  expect_not_contains help.txt "kokkos"
done
echo "help: ok"

# Every example experiment shipped in configs/ is valid.
for f in "$VOCLOUD_SOURCE_DIR"/configs/*.yaml; do
  case "$(basename "$f")" in uws-*) continue ;; esac  # vocloud-uws's own files (it_uws_config)
  "$VOCLOUD_BIN" config check "$f" >/dev/null 2>"$SCRATCH/check.txt" || { cat "$SCRATCH/check.txt"; fail "$f is not a valid experiment"; }
done
echo "configs/*.yaml: all valid"
