#!/usr/bin/env bash
# Preprocessing throughput on N synthetic spectra (default 100000; BENCH_PREPROCESS_N) at 1
# and 2 ranks: spectra/s per core, parallel efficiency, peak memory per rank, and the same
# at N/10 to show memory does not grow with N; against a plain astropy + numpy script doing
# the same cut/rebin/normalise per file, and against reading alone, in the same run.
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${VOCLOUD_SOURCE_DIR:?}" "${VOCLOUD_BUILD_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_PREPROCESS_N:-100000}"
SMALL=$((N / 10))
data="$BENCH_OUT/data"       # the synthetic BoKs are kept (and reused) between runs
mkdir -p "$data"
cat > "$data/preprocess-bench.yaml" <<YAML
experiment: bench-$N
output: $data
log: {level: warn}
stages: [synth, preprocess]
synth: {count: $N, seed: 5}
preprocess: {pca_components: 0}   # the peer script does no PCA: same steps on both sides
YAML
mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" synth "$data/preprocess-bench.yaml" >/dev/null
sed -e "s/bench-$N/bench-$SMALL/" -e "s/count: $N/count: $SMALL/" "$data/preprocess-bench.yaml" > "$data/preprocess-small.yaml"
mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" synth "$data/preprocess-small.yaml" >/dev/null
results="$BENCH_OUT/preprocess.jsonl"
: > "$results"
# Every contender reads warm files: the synthetic files were just written (write-back still
# going on), so settle the disk and read them all once first.
sync
find "$data/bench-$N/synth/bok/files" "$data/bench-$SMALL/synth/bok/files" -name '*.fits' -print0 | xargs -0 cat > /dev/null
for cfg in preprocess-small preprocess-bench; do
  for n in 1 2; do
    mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" preprocess "$data/$cfg.yaml" --force >/dev/null
    exp=$(grep '^experiment:' "$data/$cfg.yaml" | cut -d' ' -f2)
    /usr/bin/python3 -c "
import json,sys
s=json.load(open('$data/$exp/preprocess/stage.json')); t=json.load(open('$data/$exp/preprocess/timings.json'))
print(json.dumps({'config':'$cfg','ranks':$n,'seconds':s['seconds'],'rss':t['max_rss_mb_per_rank'],'steps':t['steps']}))" >> "$results"
  done
done
BOK="$data/bench-$N/synth/bok"
sample=2000
peer=$(/usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/numpy_preprocess.py" "$BOK/catalog.csv" $sample 6300 6700 800)
/usr/bin/python3 -c "
import csv,os
b='$BOK'; print('\n'.join(os.path.join(b,r['path']) for r,_ in zip(csv.DictReader(open(b+'/catalog.csv')),range($sample))))" > "$data/sample.txt"
read1=$(mpirun -n 1 "$VOCLOUD_BUILD_DIR/tests/vocloud_bench_read" 1 "@$data/sample.txt")
/usr/bin/python3 - "$results" "$N" "$SMALL" "$peer" "$read1" "$BENCH_OUT/preprocess.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
N, small = int(sys.argv[2]), int(sys.argv[3])
peer, read1 = json.loads(sys.argv[4]), json.loads(sys.argv[5])
def get(cfg, ranks): return next(r for r in rows if r["config"] == cfg and r["ranks"] == ranks)
big1, big2 = get("preprocess-bench", 1), get("preprocess-bench", 2)
s1, s2 = get("preprocess-small", 1), get("preprocess-small", 2)
rate1, rate2 = N / big1["seconds"], N / big2["seconds"]
print(f"   {'spectra':>8s} {'ranks':>5s} {'seconds':>8s} {'spectra/s':>10s} {'per core':>9s} {'peak MB/rank':>14s}")
for label, r, n in (("small", s1, small), ("small", s2, small), ("full", big1, N), ("full", big2, N)):
    print(f"   {n:8d} {r['ranks']:5d} {r['seconds']:8.1f} {n / r['seconds']:10.0f} {n / r['seconds'] / r['ranks']:9.0f} {max(r['rss']):14.0f}")
eff = rate2 / (2 * rate1)
print(f"   parallel efficiency 1 -> 2 ranks: {eff:.2f}")
print(f"   astropy + numpy script (same steps, {peer['spectra']} files, 1 core): {peer['spectra_per_s']:.0f} spectra/s -> vocloud {rate1 / peer['spectra_per_s']:.1f}x per core")
print(f"   reading alone (vocloud readers, same files, 1 core): {read1['spectra_per_s']:.0f} spectra/s; preprocessing runs at {100 * rate1 / read1['spectra_per_s']:.0f}% of it")
print(f"   peak memory per rank at N/10 vs N: {max(s2['rss']):.0f} MB vs {max(big2['rss']):.0f} MB")
json.dump({"benchmark": "preprocess", "n": N, "runs": rows, "peer": peer, "read": read1,
           "speedup_vs_numpy_per_core": rate1 / peer["spectra_per_s"], "parallel_efficiency": eff},
          open(sys.argv[6], "w"), indent=1)
PY
