#!/usr/bin/env bash
# slurm/vocloud.sbatch on a real single-node Slurm that this test starts (cluster.sh): the small
# demo through sbatch equals a direct mpirun run (every data set, read with h5py); a sweep of
# three SOM sizes as a job array (slurm/sweep.sbatch) shares its upstream stages; scancel in
# the middle of the SOM leaves no stage that a later run takes as complete; scontrol requeue
# of a SOM job runs the script again, which resumes from the SOM's checkpoint. Skips (77)
# where Slurm cannot run.
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/cluster.sh"
trap 'stop_slurm; rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
start_slurm
export VOCLOUD="$VOCLOUD_BIN"
SBATCH_SCRIPT="$VOCLOUD_SOURCE_DIR/slurm/vocloud.sbatch"

submit() {  # submit OUTFILE ARGS...: sbatch on 2 tasks without waiting; prints the job id
  local out="$1"; shift
  timeout 30 sbatch --parsable --ntasks=2 --ntasks-per-node=2 --time=10 -o "$out" \
    "$SBATCH_SCRIPT" "$@"
}

run_job() {  # run_job OUTFILE ARGS...: sbatch on 2 tasks and wait (at most 5 minutes)
  local out="$1"; shift
  timeout 300 sbatch --wait --ntasks=2 --ntasks-per-node=2 --time=10 -o "$out" \
    "$SBATCH_SCRIPT" "$@" >/dev/null || { cat "$out" >&2; slurm_logs; fail "sbatch $*"; }
}

# --- 1. the small demo through sbatch == the same run through mpirun
for where in slurm direct; do
  cat > "small-$where.yaml" <<YAML
experiment: small
output: $where
stages: [synth, preprocess, som, forest, predict]
synth: {count: 300, seed: 5, outlier_fraction: 0.02}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 5, cols: 5, epochs: 3}
forest: {trees: 10, folds: 3, seed: 2}
predict: {class: double_peak, top: 20}
YAML
done
run_job small.out small-slurm.yaml
expect_contains small.out "vocloud.sbatch: job"
expect_contains small.out "experiment 'small' done"
mpi 2 run small-direct.yaml >direct.out 2>&1 || { cat direct.out >&2; fail "mpirun of small"; }
$PY - <<'PYEOF'
import h5py, json, numpy as np
def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out
for stage, name in (("preprocess", "dataset.h5"), ("som", "som.h5"), ("forest", "forest.h5")):
    a, b = datasets(f"slurm/small/{stage}/{name}"), datasets(f"direct/small/{stage}/{name}")
    assert a.keys() == b.keys(), (name, sorted(set(a) ^ set(b)))
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, np.ndarray) and x.dtype.kind in "fiu":
            assert x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), (name, key)
    ranks = json.load(open(f"slurm/small/{stage}/stage.json"))["ranks"]
    assert ranks == 2, (stage, ranks)  # srun --mpi=pmix gave one job of 2 ranks
    print(f"{name}: {len(a)} data sets equal between sbatch and mpirun")
PYEOF
[ -s slurm/small/predict/candidates.csv ] || fail "predict wrote nothing through sbatch"
# The path column names each run's own output folder.
cmp <(sed "s|$SCRATCH/slurm/|OUT/|g" slurm/small/predict/candidates.csv) \
    <(sed "s|$SCRATCH/direct/|OUT/|g" direct/small/predict/candidates.csv) ||
  fail "predict's candidates differ between sbatch and mpirun"

# --- 2. a sweep of three SOM sizes as a job array (slurm/sweep.sbatch), one rank per task
cat > sw.yaml <<'YAML'
experiment: sw
output: out
stages: [synth, preprocess, som]
synth: {count: 300, seed: 5}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 4}
som: {rows: 4, cols: 4, epochs: 3}
sweep:
  grid:
    - {key: som.rows, values: [4, 5, 6]}
YAML
timeout 600 sbatch --wait --array=0-2 --ntasks=1 --ntasks-per-node=1 --time=10 -o "sw-%a.out" \
  "$VOCLOUD_SOURCE_DIR/slurm/sweep.sbatch" sw.yaml >/dev/null ||
  { cat sw-*.out >&2; slurm_logs; fail "the sweep array"; }
for t in 0 1 2; do expect_contains "sw-$t.out" "sweep.sbatch: array job"; expect_contains "sw-$t.out" "sweep: variant $t of 3"; done
cat sw-0.out sw-1.out sw-2.out > sw-all.out
[ "$(grep -c "stage synth: computing" sw-all.out)" = 1 ] || fail "the array computed synth more than once"
[ "$(grep -c "stage preprocess: computing" sw-all.out)" = 1 ] || fail "the array computed preprocess more than once"
[ "$(grep -c "stage som: computing" sw-all.out)" = 3 ] || fail "the array did not compute 3 SOMs"
$PY - <<'PYEOF'
import csv, h5py
rows = list(csv.DictReader(open("out/sw/sweep/summary.csv")))
assert sorted(r["variant"] for r in rows) == ["0", "1", "2"], rows
qe = {}
for r in rows:
    with h5py.File(f"out/sw/.variants/som/{r['som']}/som.h5") as f:
        assert int(f.attrs["rows"]) == 4 + int(r["variant"]), (r, f.attrs["rows"])
        qe[r["variant"]] = float(f.attrs["quantisation_error"])
assert [r["variant"] for r in rows] == sorted(qe, key=lambda v: (qe[v], int(v))), (rows, qe)
print("sweep array: 3 SOM sizes, ranked by quantisation error:", [r["variant"] for r in rows])
PYEOF

# --- 3. scancel in the middle of the SOM, then a later run
cat > slow.yaml <<'YAML'
experiment: slow
output: out
stages: [synth, preprocess, som]
synth: {count: 1000, seed: 7}
preprocess: {input: synth, lambda_min: 6300, lambda_max: 6700, points: 800, pca_components: 4}
som: {rows: 24, cols: 24, epochs: 40, checkpoint_every: 1, seed: 1}
YAML
job=$(submit cancel.out slow.yaml)
wait_for_text cancel.out "som: epoch 3/" 600 || { cat cancel.out >&2; fail "the SOM never reached epoch 3"; }
timeout 30 scancel "$job"
wait_job_gone "$job" 150 || fail "job $job still listed 30 s after scancel"
expect_not_contains cancel.out "stage som: done"
[ ! -e out/slow/som/stage.json ] || fail "scancel left out/slow/som/stage.json: a later run would reuse it"
ls -d out/slow/.variants/som/*.partial >/dev/null 2>&1 || fail "scancel left no partial SOM folder to resume from"
run_job after-cancel.out slow.yaml
expect_contains after-cancel.out "stage synth: reused"
expect_contains after-cancel.out "stage som: computing"
expect_not_contains after-cancel.out "stage som: reused"
expect_contains after-cancel.out "stage som: done"
[ -f out/slow/som/stage.json ] || fail "the run after scancel did not complete the SOM"

# --- 4. scontrol requeue of a SOM job: the script runs again and the SOM resumes
job=$(submit requeue.out slow.yaml --set som.seed=2)
wait_for_text requeue.out "som: epoch 4/" 600 || { cat requeue.out >&2; fail "the SOM never reached epoch 4"; }
timeout 30 scontrol requeue "$job" || fail "scontrol requeue $job"
# A requeued job waits for its begin time; release it at once.
for _ in $(seq 1 50); do
  timeout 5 scontrol update JobId="$job" StartTime=now >/dev/null 2>&1 || true
  grep -q "restart 1" requeue.out && break
  sleep 0.2
done
wait_for_text requeue.out "experiment 'slow' done" 900 || { cat requeue.out >&2; slurm_logs; fail "the requeued job did not finish"; }
expect_contains requeue.out "(restart 1)"
expect_contains requeue.out "som: resuming after epoch"
resumed=$(sed -n 's/.*som: resuming after epoch \([0-9]*\).*/\1/p' requeue.out | head -n 1)
[ "$resumed" -ge 3 ] || fail "the requeued SOM resumed after epoch $resumed, expected >= 3"
$PY - <<'PYEOF'
import json
m = json.load(open("out/slow/som/stage.json"))
assert "40 epochs" in m["summary"], m["summary"]
PYEOF
# The resumed map equals an uninterrupted one of the same parameters.
mpi 2 run slow.yaml --set som.seed=2 --set output=whole >whole.out 2>&1 || { cat whole.out >&2; fail "uninterrupted run"; }
$PY - <<'PYEOF'
import h5py, numpy as np
with h5py.File("out/slow/som/som.h5") as a, h5py.File("whole/slow/som/som.h5") as b:
    names = []
    a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    for n in names:
        x, y = a[n][()], b[n][()]
        if isinstance(x, np.ndarray) and x.dtype.kind in "fiu":
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), n
print("requeued SOM equals the uninterrupted one")
PYEOF
echo "slurm: demo through sbatch == mpirun; scancel left no complete stage; requeue resumed after epoch $resumed"
