#!/usr/bin/env bash
# SOM training speed: seconds per epoch and achieved GFLOP/s (counting 2NKD per epoch) for
# N rows (default 100000; BENCH_SOM_N) of D = 1000 values on a 30 x 30 map at 1 and 2 ranks;
# against the same machine's single-core SGEMM rate measured with Eigen in the same run,
# and the parallel efficiency from 1 to 2 ranks. Peak memory per rank is reported too.
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${VOCLOUD_SOURCE_DIR:?}" "${VOCLOUD_BUILD_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_SOM_N:-100000}"
D=1000
EPOCHS="${BENCH_SOM_EPOCHS:-5}"
data="$BENCH_OUT/data"
mkdir -p "$data"
file="$data/som-$N.h5"
[ -f "$file" ] || /usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/make_forest_data.py" "$file" \
  --rows "$N" --dims "$D" --classes 5 --informative 40 --seed 3 >/dev/null
cat > "$data/som-bench.yaml" <<YAML
experiment: som-bench-$N
output: $data
log: {level: warn}
stages: [som]
som: {input: file, dataset_file: $file, rows: 30, cols: 30, epochs: $EPOCHS,
      checkpoint_every: 0, somoclu_files: false}
YAML
results="$BENCH_OUT/som.jsonl"
: > "$results"
for n in 1 2; do
  mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" som "$data/som-bench.yaml" --force >/dev/null
  /usr/bin/python3 -c "
import json
t=json.load(open('$data/som-bench-$N/som/timings.json'))
print(json.dumps({'ranks':$n,'train':t['steps']['train']['max'],'read':t['steps']['read']['max'],
  'evaluate':t['steps']['evaluate']['max'],'rss':t['max_rss_mb_per_rank']}))" >> "$results"
done
# Eigen's single-core SGEMM on the same shapes (20000 rows of the BMU product).
sgemm=$(OMP_NUM_THREADS=1 "$VOCLOUD_BUILD_DIR/tests/vocloud_bench_som_bmu" 20000 "$D" 900 | \
        sed -n 's/^gaussian.*Eigen SGEMM whole *[0-9.]* s *\([0-9.]*\) GFLOP.*/\1/p')
/usr/bin/python3 - "$results" "$sgemm" "$N" "$D" "$EPOCHS" "$BENCH_OUT/som.json" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sgemm, n, d, epochs = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
k = 900
flops = 2.0 * n * k * d
print(f"SOM: N={n} D={d} K=30x30, {epochs} epochs; Eigen single-core SGEMM {sgemm:.1f} GFLOP/s")
print(f"{'ranks':>5} {'s/epoch':>8} {'GFLOP/s':>8} {'per core':>9} {'x SGEMM/core':>12} {'eff':>5} {'MB/rank':>8}")
base = None
out = {"n": n, "d": d, "k": k, "epochs": epochs, "sgemm_gflops": sgemm, "runs": []}
for r in rows:
    per_epoch = r["train"] / epochs
    gf = flops / per_epoch * 1e-9
    base = base or per_epoch
    eff = base / (per_epoch * r["ranks"])
    per_core = gf / r["ranks"]
    print(f"{r['ranks']:>5} {per_epoch:>8.3f} {gf:>8.1f} {per_core:>9.1f} {per_core / sgemm:>12.2f} {eff:>5.2f} {max(r['rss']):>8.0f}")
    out["runs"].append({**r, "seconds_per_epoch": per_epoch, "gflops": gf,
                        "fraction_of_sgemm_per_core": per_core / sgemm, "efficiency": eff})
json.dump(out, open(sys.argv[6], "w"), indent=1)
PYEOF
