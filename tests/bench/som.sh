#!/usr/bin/env bash
# SOM training and evaluation speed: seconds per epoch and achieved GFLOP/s (counting 2NKD per
# epoch) for N rows (default 100000; BENCH_SOM_N) of D = 1000 values on a 30 x 30 map at 1 and
# 2 ranks, the final evaluation (BMUs, second BMUs, residuals, density factors) in epochs'
# time, the parallel efficiency from 1 to 2 ranks and the peak memory per rank. The peer is
# the best single-core SGEMM of this machine at the SOM's shape (4000 x 1000 times
# 1000 x 900): the faster of OpenBLAS and Eigen as built (vocloud_bench_sgemm), measured
# between the SOM runs of the same script. Runs are interleaved (1 rank, 2 ranks, SGEMM) and
# repeated BENCH_SOM_REPEATS times (default 2); each figure is the best of its repeats and the
# table gives the spread (worst / best - 1) as the noise of the run.
# BENCH_SOM_LARGE=1 adds one 100 x 100 map (K = 10^4) run at 2 ranks, 1 epoch (on demand:
# about 20 minutes on 2 cores).
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${VOCLOUD_SOURCE_DIR:?}" "${VOCLOUD_BUILD_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_SOM_N:-100000}"
D=1000
EPOCHS="${BENCH_SOM_EPOCHS:-5}"
REPEATS="${BENCH_SOM_REPEATS:-2}"
data="$BENCH_OUT/data"
mkdir -p "$data"
file="$data/som-$N.h5"
[ -f "$file" ] || /usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/make_forest_data.py" "$file" \
  --rows "$N" --dims "$D" --classes 5 --informative 40 --seed 3 >/dev/null
results="$BENCH_OUT/som.jsonl"
: > "$results"

# som_run NAME SIDE EPOCHS RANKS: one vocloud som run, its timings appended to $results.
som_run() {
  local name=$1 side=$2 epochs=$3 ranks=$4
  cat > "$data/$name.yaml" <<YAML
experiment: $name
output: $data
log: {level: warn}
stages: [som]
som: {input: file, dataset_file: $file, rows: $side, cols: $side, epochs: $epochs,
      checkpoint_every: 0, somoclu_files: false}
YAML
  mpirun -n "$ranks" --oversubscribe "$VOCLOUD_BIN" som "$data/$name.yaml" --force >/dev/null
  /usr/bin/python3 -c "
import json
t=json.load(open('$data/$name/som/timings.json'))
print(json.dumps({'map':$side,'epochs':$epochs,'ranks':$ranks,'train':t['steps']['train']['max'],
  'evaluate':t['steps']['evaluate']['max'],'rss':max(t['max_rss_mb_per_rank'])}))" >> "$results"
}

sgemm_run() {
  OMP_NUM_THREADS=1 "$VOCLOUD_BUILD_DIR/tests/vocloud_bench_sgemm" 4000 "$D" 900 5 | \
    /usr/bin/python3 -c "
import json, sys
rows = {}
for line in sys.stdin:
    p = line.split()
    if p and p[0] == 'sgemm': rows[p[1]] = float(p[4])
print(json.dumps({'sgemm': rows}))" >> "$results"
}

for r in $(seq "$REPEATS"); do
  som_run "som-bench-$N" 30 "$EPOCHS" 1
  sgemm_run
  som_run "som-bench-$N" 30 "$EPOCHS" 2
  sgemm_run
done
if [ "${BENCH_SOM_LARGE:-0}" = 1 ]; then
  som_run "som-bench-large-$N" 100 1 2
  sgemm_run
fi

/usr/bin/python3 - "$results" "$N" "$D" "$BENCH_OUT/som.json" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n, d = int(sys.argv[2]), int(sys.argv[3])
sgemm = [r["sgemm"] for r in rows if "sgemm" in r]
names = sorted({k for s in sgemm for k in s})
best = {k: max(s[k] for s in sgemm if k in s) for k in names}
peak_name = max(best, key=best.get)
peak = best[peak_name]
spread = {k: max(s[k] for s in sgemm if k in s) / min(s[k] for s in sgemm if k in s) - 1 for k in names}
print(f"SOM: N={n} D={d}; single-core SGEMM at 4000x1000x900, best of the run: " +
      ", ".join(f"{k} {best[k]:.1f}" for k in names) + f" GFLOP/s; peak = {peak_name} {peak:.1f}")
print(f"{'map':>7} {'ranks':>5} {'s/epoch':>8} {'GFLOP/s':>8} {'per core':>9} {'x peak/core':>11} "
      f"{'eff':>5} {'eval s':>7} {'eval/epoch':>10} {'MB/rank':>8} {'spread':>6}")
out = {"n": n, "d": d, "sgemm_best_gflops": best, "peak": peak_name, "peak_gflops": peak, "runs": []}
runs = [r for r in rows if "map" in r]
base = None
for key in sorted({(r["map"], r["ranks"]) for r in runs}):
    group = [r for r in runs if (r["map"], r["ranks"]) == key]
    side, ranks = key
    epochs = group[0]["epochs"]
    per_epoch = min(r["train"] for r in group) / epochs
    worst = max(r["train"] for r in group) / epochs
    evaluate = min(r["evaluate"] for r in group)
    k = side * side
    gf = 2.0 * n * k * d / per_epoch * 1e-9
    if side == 30 and ranks == 1:
        base = per_epoch
    eff = base / (per_epoch * ranks) if (base and side == 30) else float("nan")
    per_core = gf / ranks
    print(f"{side}x{side:<3} {ranks:>5} {per_epoch:>8.3f} {gf:>8.1f} {per_core:>9.1f} {per_core / peak:>11.2f} "
          f"{eff:>5.2f} {evaluate:>7.2f} {evaluate / per_epoch:>10.2f} {max(r['rss'] for r in group):>8.0f} "
          f"{100 * (worst / per_epoch - 1):>5.0f}%")
    out["runs"].append({"map": side, "ranks": ranks, "seconds_per_epoch": per_epoch, "gflops": gf,
                        "fraction_of_peak_per_core": per_core / peak, "efficiency": eff,
                        "evaluate_seconds": evaluate, "evaluate_in_epochs": evaluate / per_epoch,
                        "repeats": group})
json.dump(out, open(sys.argv[4], "w"), indent=1)
PYEOF
