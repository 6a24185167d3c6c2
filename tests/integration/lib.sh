# Helpers for the integration scripts: a scratch directory, mpirun, assertions.
set -euo pipefail
: "${VOCLOUD_BIN:?run through ctest}"
: "${VOCLOUD_SOURCE_DIR:?run through ctest}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/vocloud-it.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
PY=/usr/bin/python3

mpi() {  # mpi N args...: run vocloud on N ranks
  local n="$1"; shift
  mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" "$@"
}

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_contains() {  # expect_contains FILE TEXT
  grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "expected '$2' in $1"; }
}

expect_not_contains() {
  if grep -qF -- "$2" "$1"; then echo "--- $1:" >&2; cat "$1" >&2; fail "did not expect '$2' in $1"; fi
}

expect_status() {  # expect_status WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

kill_when() {  # kill_when JOB TRIES 'PYTHON STATEMENTS' MIN PATTERN: run the statements (they
  # print an integer; 0 while they fail) in one Python process every 10 ms, for at most
  # TRIES x 0.05 s, until the integer is >= MIN; then kill -9 the background job and every
  # process whose command line has PATTERN. One process for all polls: starting one per poll
  # took long enough under load that a short run could end between two polls.
  local job="$1" tries="$2" expr="$3" min="$4" pattern="$5"
  KILL_WHEN_EXPR="$expr" $PY - "$tries" "$min" <<'PYEOF' || true
import contextlib, io, os, sys, time
tries, least = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 0.05 * tries
while True:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(os.environ["KILL_WHEN_EXPR"], {})
        value = int(out.getvalue().split()[-1])
    except Exception:  # not written yet, or being replaced
        value = 0
    if value >= least or time.time() >= deadline:
        break
    time.sleep(0.01)
PYEOF
  kill -9 "$job" 2>/dev/null || true; pkill -9 -f "$pattern" 2>/dev/null || true; wait "$job" 2>/dev/null || true
}
