#!/usr/bin/env bash
# 10^6 spectra end to end, on demand only (hours; about 12 GB of disk):
#   VOCLOUD_MILLION=1 scripts/run-bench million
#   VOCLOUD_MILLION=1 BENCH_MILLION_N=20000 BENCH_MILLION_RANKS="1 2" scripts/run-bench million
# Synthesises N spectra (default 10^6) in the Ondrejov raw layout (11.5 kB a spectrum, the
# smallest), then runs preprocess (800 points), SOM (30 x 30, 5 epochs), forest (100 trees,
# 5 folds) and predict at each number of ranks (default 2), and prints per stage and ranks:
# wall time, peak memory per rank (max over ranks), disk used, and the per-rank rate
# (spectra per second per rank) that docs/scaling.md's cost model starts from.
# Peak memory per rank must follow the rank's shard (N / ranks), not N.
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${BENCH_OUT:?}"
if [ "${VOCLOUD_MILLION:-0}" != 1 ]; then
  echo "million: skipped (hours of work and ~12 GB of disk); run it with VOCLOUD_MILLION=1"
  exit 0
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_MILLION_N:-1000000}"
RANKS="${BENCH_MILLION_RANKS:-2}"
data="${BENCH_MILLION_DIR:-$BENCH_OUT/million}"
mkdir -p "$data"
results="$BENCH_OUT/million.jsonl"
: > "$results"
cat > "$data/rows.py" <<'PYEOF'
import json, os, sys
root, ranks, n, stages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
def du(path):
    seen, total = set(), 0
    for d, _, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(d, f))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino)); total += st.st_blocks * 512
    return total
for stage in stages:
    t = json.load(open(f"{root}/{stage}/timings.json"))
    print(json.dumps({"stage": stage, "ranks": ranks, "n": n, "wall_s": t["wall_seconds"],
                      "peak_rss_mb": max(t["max_rss_mb_per_rank"]), "disk_mb": du(os.path.realpath(f"{root}/{stage}")) / 1e6,
                      "steps": {k: v["max"] for k, v in t["steps"].items()}}))
PYEOF
for n in $RANKS; do
  cat > "$data/million-$n.yaml" <<YAML
experiment: million-$N-r$n
output: $data
log: {level: warn}
stages: [synth, preprocess, som, forest, predict, report]
synth:
  count: $N
  seed: 7
  layouts: {sdss: 0, lamost_dr1: 0, lamost_dr2: 0, lamost_dr8: 0, ondrejov_raw: 1, ondrejov_ssap: 0}
preprocess: {input: synth, lambda_min: 6300, lambda_max: 6700, points: 800, pca_components: 10}
som: {rows: 30, cols: 30, epochs: 5, checkpoint_every: 0, somoclu_files: false}
forest: {trees: 100, folds: 5, seed: 3}
predict: {class: double_peak, top: 200}
YAML
  mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" run "$data/million-$n.yaml" >/dev/null
  /usr/bin/python3 "$data/rows.py" "$data/million-$N-r$n" "$n" "$N" synth,preprocess,som,forest,predict,report >> "$results"
done
# The report stage again at 1 rank, on the last run's results (the issue asks for both).
last="${RANKS##* }"
mpirun -n 1 --oversubscribe "$VOCLOUD_BIN" report "$data/million-$last.yaml" --force >/dev/null
/usr/bin/python3 "$data/rows.py" "$data/million-$N-r$last" 1 "$N" report >> "$results"
/usr/bin/python3 - "$results" "$BENCH_OUT/million.json" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"{'stage':<11}{'ranks':>6}{'N':>9}{'wall s':>9}{'peak MB/rank':>14}{'disk MB':>9}{'spectra/s/rank':>16}")
for r in rows:
    rate = r["n"] / r["wall_s"] / r["ranks"] if r["wall_s"] > 0 else 0
    r["rate_per_rank"] = rate
    print(f"{r['stage']:<11}{r['ranks']:>6}{r['n']:>9}{r['wall_s']:>9.1f}{r['peak_rss_mb']:>14.0f}{r['disk_mb']:>9.0f}{rate:>16.0f}")
json.dump(rows, open(sys.argv[2], "w"), indent=1)
PYEOF
