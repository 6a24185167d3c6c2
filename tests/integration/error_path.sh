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
