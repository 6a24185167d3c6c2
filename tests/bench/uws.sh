#!/usr/bin/env bash
# vocloud-uws (engine/uws) on 127.0.0.1, started and stopped by PID (tests/bench/uws_bench.py):
#  - create-to-COMPLETED latency of a trivial job (local launcher, mpirun -n 1): POST /jobs
#    with PHASE=RUN until a blocking WAIT sees COMPLETED; BENCH_UWS_RUNS jobs (default 20);
#    the job runs build/bin/vocloud (synth of 100 spectra) when built, else a stand-in that
#    exits at once (uws_trivial_vocloud.sh);
#  - p50/p99 of GET /jobs (timed by curl) while BENCH_UWS_WAITERS clients (default 200) block
#    in WAIT, each on a PENDING job of its own (200 jobs listed);
#  - the server's resident memory (VmRSS, VmHWM) empty and with BENCH_UWS_STORE jobs
#    (default 10000) created through the API, and GET /jobs then.
# Not run in CI: scripts/run-bench uws.
set -euo pipefail
: "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
/usr/bin/python3 "$here/uws_bench.py" "$BENCH_OUT/uws.json"
