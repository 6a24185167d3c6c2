#!/usr/bin/env bash
# One rank throws while the others wait in a collective: the job must end, non-zero, with
# that rank's message, in well under 30 seconds (never a hang).
source "$(dirname "$0")/lib.sh"
FAILER="$VOCLOUD_BUILD_DIR/tests/vocloud_fail_on_rank"
for n in 2 4; do
  start=$(date +%s)
  set +e
  timeout 60 mpirun -n "$n" --oversubscribe "$FAILER" >"$SCRATCH/out.txt" 2>&1
  status=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  [ "$status" -ne 0 ] || fail "$n ranks: exit status 0 after a rank failed"
  [ "$status" -ne 124 ] || fail "$n ranks: the job hung (killed by timeout)"
  [ "$elapsed" -lt 30 ] || fail "$n ranks: took ${elapsed}s to end (limit 30s)"
  last=$((n - 1))
  expect_contains "$SCRATCH/out.txt" "vocloud: error on rank $last: fits: cannot read 'broken.fits': not a FITS file"
  echo "$n ranks: ended with status $status in ${elapsed}s"
done

# A usage error is normally every rank's at once (rank 0 prints it, all return 2); one that
# only the last rank meets, while the others wait in a collective, must still end the job
# with its message instead of leaving them waiting.
start=$(date +%s)
set +e
timeout 90 mpirun -n 2 --oversubscribe "$FAILER" usage >"$SCRATCH/usage.txt" 2>&1
status=$?
set -e
elapsed=$(( $(date +%s) - start ))
[ "$status" -ne 124 ] || fail "a usage error on one rank hung the job"
[ "$status" -ne 0 ] || fail "a usage error on one rank ended with status 0"
[ "$elapsed" -lt 45 ] || fail "a usage error on one rank took ${elapsed}s to end (limit 45s)"
expect_contains "$SCRATCH/usage.txt" "vocloud: error on rank 1: config: e.yaml:3:5: som.rows: only this rank saw it"
echo "a usage error on one rank: ended with status $status in ${elapsed}s"

# A stage that keeps nothing fails (exit 1) with the reasons counted and examples shown,
# printed once at 2 ranks and without Open MPI's abort banner (every rank knows, so the job
# ends without MPI_Abort).
cd "$SCRATCH"
cat > empty.yaml <<'YAML'
experiment: empty
output: out
stages: [synth, preprocess]
synth: {count: 100, seed: 5}
preprocess:
  lambda_min: 9000
  lambda_max: 9500
  points: 100
YAML
set +e; timeout 120 mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" run empty.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 1 "$status" "a preprocess stage that keeps nothing"
expect_contains stderr.txt "vocloud: error: preprocess: kept none of the 100 spectra of"
expect_contains stderr.txt "rejects by reason: coverage (100)"  # the grid misses every spectrum
expect_contains stderr.txt "for example:"
[ "$(grep -c "kept none of the" stderr.txt)" = 1 ] || fail "the empty-stage error is not printed once"
expect_not_contains stderr.txt "MPI_ABORT"
[ ! -e out/empty/preprocess ] || fail "an empty preprocess stage was completed"
echo "empty stage: ok"

# Some rejects: a WARN line counts them by reason; the stage goes on. With PCA off the
# summary says nothing about PCA; progress counts every rank's rows.
BOK="$SCRATCH/out/empty/synth/bok"
mkdir -p bok2 && ln -s "$BOK/files" bok2/files
{ cat "$BOK/catalog.csv"; echo "gone-1,files/gone-1.fits,unknown,,,,,,"
  echo "gone-2,files/gone-2.fits,unknown,,,,,,"; } > bok2/catalog.csv
cat > rejects.yaml <<'YAML'
experiment: rejects
output: out
stages: [preprocess]
preprocess:
  input: directory
  bok_dir: bok2
  lambda_min: 6400
  lambda_max: 6700
  points: 300
  pca_components: 0
YAML
mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" run rejects.yaml >stdout.txt 2>stderr.txt
expect_contains stderr.txt "WARN  preprocess: rejected 2 spectra of 102, by reason: not_found (2)"
expect_contains stderr.txt "preprocess 102/102 (100.0%)"
expect_contains stdout.txt "100 of 102 spectra"
expect_not_contains stdout.txt "PCA"
echo "reject summary: ok"

# An acquire stage that keeps nothing fails the same way, with its reasons counted.
mkdir -p notspectra && printf 'not a spectrum\n' > notspectra/a.fits && : > notspectra/b.fits
cat > acq.yaml <<'YAML'
experiment: acq
output: out
stages: [acquire]
acquire:
  sources:
    - kind: local
      path: notspectra
YAML
set +e; timeout 120 mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" run acq.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 1 "$status" "an acquire stage that keeps nothing"
expect_contains stderr.txt "vocloud: error: acquire: kept none of the 2 spectra planned; rejects by reason: unreadable (2)"
[ "$(grep -c "kept none of the" stderr.txt)" = 1 ] || fail "the empty acquire error is not printed once"
expect_not_contains stderr.txt "MPI_ABORT"
echo "empty acquire: ok"

# Errors name classes by name: more folds than rows of the rarest class.
cat > folds.yaml <<'YAML'
experiment: folds
output: out
stages: [synth, preprocess, forest]
synth:
  count: 200
  seed: 3
  classes: {absorption: 0.49, emission: 0.49, double_peak: 0.02}
preprocess: {lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 0}
forest: {trees: 5, folds: 20}
YAML
set +e; timeout 120 mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" run folds.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 2 "$status" "more folds than rows of a class"
expect_contains stderr.txt "rows of class 'double_peak' (the smallest class)"
[ "$(grep -c "the smallest class" stderr.txt)" = 1 ] || fail "the folds error is not printed once"
echo "class names: ok"

# A data set that is not HDF5: every rank learns of it when opening, so the error is
# printed once, carries HDF5's reason, and neither HDF5's error stack nor MPI_ABORT follows.
printf 'not hdf5\n' > notdata.h5
cat > noth5.yaml <<'YAML'
experiment: noth5
output: out
stages: [som]
som: {input: file, dataset_file: notdata.h5}
YAML
set +e; timeout 120 mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" run noth5.yaml >stdout.txt 2>stderr.txt; status=$?; set -e
expect_status 1 "$status" "a data set that is not HDF5"
expect_contains stderr.txt "vocloud: error: hdf5: opening the file failed for '$(pwd -P)/notdata.h5' (Not an HDF5 file)"
[ "$(grep -c "opening the file failed" stderr.txt)" = 1 ] || fail "the HDF5 error is not printed once"
expect_not_contains stderr.txt "HDF5-DIAG"
expect_not_contains stderr.txt "MPI_ABORT"
echo "not HDF5: ok"
