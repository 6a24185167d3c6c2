#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz (ctest and scripts/run-fuzz call it).
#   fuzz_target.sh fuzz BINARY TARGET SECONDS WORKDIR
#     seeds WORKDIR/seeds from ../shared/data/real (and the committed regression inputs),
#     fuzzes for SECONDS, keeps what it learns in WORKDIR/corpus (later runs start from it)
#     and writes a crashing input to WORKDIR/crashes/.
#   fuzz_target.sh replay BINARY TARGET
#     runs every input of tests/fuzz/regressions/TARGET/ once.
# Needs VOCLOUD_SOURCE_DIR; VOCLOUD_SHARED_DATA defaults to <source>/../shared/data.
set -euo pipefail
mode="$1" bin="$2" target="$3"
src="${VOCLOUD_SOURCE_DIR:?set VOCLOUD_SOURCE_DIR (ctest and scripts/run-fuzz do)}"
real="${VOCLOUD_SHARED_DATA:-$src/../shared/data}/real"
regressions="$src/tests/fuzz/regressions/$target"
# Every finding is a failure: UBSan stops at the first report (the build also says so).
# Open MPI is never started here, so LeakSanitizer stays on (ASan's default).
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# real_files PATTERN...: files under the real-data folder whose names match.
real_files() {
  [ -d "$real" ] || return 0
  local args=() p
  for p in "$@"; do args+=(-o -iname "$p"); done
  find "$real" -type f \( "${args[@]:1}" \) | sort
}

# seed DIR: copies (or, for gzip, compresses) this target's seed files into DIR.
seed() {
  local dir="$1" f
  case "$target" in
    fits) real_files '*.fits' '*.fit' | xargs -r cp -t "$dir" ;;
    votable) real_files '*.vot' '*.xml' | xargs -r cp -t "$dir" ;;
    text) real_files '*.csv' '*.txt' '*.asc' | xargs -r cp -t "$dir" ;;
    yaml) cp "$src"/configs/*.yaml "$dir" ;;
    gzip)
      # One file of each kind and folder, gzip-compressed (the real data holds no .gz).
      for f in $( (real_files '*.vot' '*.csv' '*.txt' '*.asc' '*.fit'
                   for d in "$real"/*/; do real_files '*.fits' | grep "^$d" | head -n 2; done) | sort -u); do
        gzip -c "$f" >"$dir/$(echo "$f" | tr '/' '_').gz"
      done ;;
    *) echo "fuzz_target: unknown target '$target'" >&2; exit 2 ;;
  esac
  if [ -d "$regressions" ]; then find "$regressions" -type f -exec cp -t "$dir" {} +; fi
  [ -d "$real" ] || echo "fuzz_target: $real is missing: fuzzing $target without real seeds" >&2
  return 0
}

case "$mode" in
  fuzz)
    seconds="$4" work="$5"
    rm -rf "$work/seeds"
    mkdir -p "$work/seeds" "$work/corpus" "$work/crashes"
    seed "$work/seeds"
    echo "fuzz_target: $target for ${seconds}s from $(ls "$work/seeds" | wc -l) seeds and $(ls "$work/corpus" | wc -l) corpus inputs"
    # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: a reader that needs
    # 2 GB for an input of at most a few MB is a memory blow-up.
    # Text tables are mutated at up to 64 KiB (the real ones are larger, which only slows
    # the search); FITS and gzip inputs keep their size, so their data units stay whole.
    limits=()
    [ "$target" = text ] && limits=(-max_len=65536)
    status=0
    TMPDIR="$work" "$bin" "${limits[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/crashes/" "$work/corpus" "$work/seeds" || status=$?
    if [ "$status" -ne 0 ]; then
      echo "fuzz_target: $target found a crash (exit $status); the input is in $work/crashes/." >&2
      echo "fuzz_target: fix it, then commit the input to tests/fuzz/regressions/$target/." >&2
    fi
    exit "$status" ;;
  replay)
    inputs=()
    if [ -d "$regressions" ]; then mapfile -t inputs < <(find "$regressions" -type f | sort); fi
    if [ "${#inputs[@]}" -eq 0 ]; then
      echo "fuzz_target: no regression inputs for $target"
      exit 0
    fi
    echo "fuzz_target: replaying ${#inputs[@]} regression input(s) for $target"
    TMPDIR="${TMPDIR:-/tmp}" exec "$bin" -timeout=30 -rss_limit_mb=2048 "${inputs[@]}" ;;
  *) echo "usage: fuzz_target.sh fuzz BINARY TARGET SECONDS WORKDIR | replay BINARY TARGET" >&2; exit 2 ;;
esac
