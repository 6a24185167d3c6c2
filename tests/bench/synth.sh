#!/usr/bin/env bash
# Synthetic base of knowledge throughput at 1 and 2 ranks: spectra/s, MB/s, and the
# parallel efficiency from 1 to 2 ranks. N defaults to 10000 (BENCH_SYNTH_N overrides).
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_SYNTH_N:-10000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/vocloud-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat > "$work/exp.yaml" <<YAML
experiment: bench
output: $work/out
log: {level: warn}
synth: {count: $N, seed: 1}
YAML
# Alternating runs, best of BENCH_REPEAT (default 2) per rank count, so that neither
# count profits alone from a warm file system.
declare -A seconds bytes
for _ in $(seq 1 "${BENCH_REPEAT:-2}"); do
  for n in 1 2; do
    start=$(date +%s%N)
    mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" synth "$work/exp.yaml" --force >/dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "${seconds[$n]:-}" ] || [ "$ms" -lt "${seconds[$n]}" ]; then seconds[$n]=$ms; fi
    bytes[$n]=$(du -sb "$work/out/bench/synth/bok" | cut -f1)
  done
done
/usr/bin/python3 - "$N" "${seconds[1]}" "${seconds[2]}" "${bytes[1]}" "$BENCH_OUT/synth.json" <<'PY'
import json, sys
n = int(sys.argv[1]); s1, s2 = float(sys.argv[2]) / 1e3, float(sys.argv[3]) / 1e3; b = int(sys.argv[4])
rows = []
for ranks, s in ((1, s1), (2, s2)):
    rows.append({"ranks": ranks, "spectra": n, "seconds": s, "spectra_per_s": n / s,
                 "spectra_per_s_per_rank": n / s / ranks, "mb_per_s": b / 1e6 / s})
eff = s1 / (2 * s2)
print(f"   {'ranks':>5} {'spectra':>8} {'seconds':>8} {'spectra/s':>10} {'per rank':>9} {'MB/s':>7}")
for r in rows:
    print(f"   {r['ranks']:5d} {r['spectra']:8d} {r['seconds']:8.2f} {r['spectra_per_s']:10.0f} "
          f"{r['spectra_per_s_per_rank']:9.0f} {r['mb_per_s']:7.1f}")
print(f"   parallel efficiency 1 -> 2 ranks: {eff:.2f} (wall time includes MPI start-up)")
json.dump({"benchmark": "synth", "bytes": b, "runs": rows, "parallel_efficiency_1_to_2": eff},
          open(sys.argv[5], "w"), indent=1)
PY
