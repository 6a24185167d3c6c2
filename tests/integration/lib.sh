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

kill_when() {  # kill_when JOB TRIES 'PYTHON EXPRESSION' MIN PATTERN: poll the expression (an
  # integer; 0 while it cannot be evaluated) every 0.05 s, at most TRIES times, until it is
  # >= MIN; then kill -9 the background job and every process whose command line has PATTERN.
  local job="$1" tries="$2" expr="$3" min="$4" pattern="$5" value
  for _ in $(seq 1 "$tries"); do
    value=$($PY -c "$expr" 2>/dev/null || echo 0)
    [ "$value" -ge "$min" ] && break
    sleep 0.05
  done
  kill -9 "$job" 2>/dev/null || true; pkill -9 -f "$pattern" 2>/dev/null || true; wait "$job" 2>/dev/null || true
}
