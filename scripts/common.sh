# Shared by the scripts in this folder: paths, MPI-as-root settings, the release build.
set -euo pipefail
VOCLOUD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Containers often lack the kernel support for Open MPI's single-copy shared memory.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
NPROC="$(nproc)"

vocloud_build() {
  cd "$VOCLOUD_ROOT"
  if [ ! -f build/CMakeCache.txt ]; then
    cmake --preset release >/dev/null
  fi
  cmake --build build --parallel "$NPROC"
}
