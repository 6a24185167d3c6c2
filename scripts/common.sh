# Shared by the scripts in this folder: paths, MPI-as-root settings, the release build.
set -euo pipefail
VOCLOUD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Containers often lack the kernel support for Open MPI's single-copy shared memory.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
NPROC="$(nproc)"

# vocloud_configure PRESET DIR: configures DIR with PRESET once, through ccache when
# scripts/setup installed it (the asan and fuzz builds then cost little after the first).
vocloud_configure() {
  local preset="$1" dir="$2" launcher=()
  if [ ! -f "$VOCLOUD_ROOT/$dir/CMakeCache.txt" ]; then
    if command -v ccache >/dev/null; then
      launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    fi
    (cd "$VOCLOUD_ROOT" && cmake --preset "$preset" "${launcher[@]}" >/dev/null)
  fi
}

# The release build (build/): every target.
vocloud_build() {
  cd "$VOCLOUD_ROOT"
  vocloud_configure release build
  cmake --build build --parallel "$NPROC"
}

# The AddressSanitizer + UBSan build (build-asan/): vocloud and the test suites (its
# default target holds nothing else: the asan preset turns the benchmarks off).
vocloud_build_asan() {
  cd "$VOCLOUD_ROOT"
  vocloud_configure asan build-asan
  cmake --build build-asan --parallel "$NPROC"
}

# The libFuzzer build (build-fuzz/, clang): only the fuzz targets and the io and config
# libraries they link; `$1`, when given, is one target (fuzz_fits, ...).
vocloud_build_fuzz() {
  cd "$VOCLOUD_ROOT"
  vocloud_configure fuzz build-fuzz
  cmake --build build-fuzz --parallel "$NPROC" --target "${1:-vocloud_fuzz_targets}"
}
