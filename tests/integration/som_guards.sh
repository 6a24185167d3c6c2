#!/usr/bin/env bash
# The som stage refuses what it cannot do instead of failing late:
# - a map the host cannot hold (10000 x 10000 nodes, allowed by the schema) stops before any
#   allocation with the memory it would need and what the host has, exit 2, not bad_alloc;
# - a corrupt checkpoint.h5 left by an interrupted run is named, removed, and the training
#   starts over (with --resume it is kept and the run stops, saying what to do).
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > g.yaml <<'YAML'
experiment: g
output: out
stages: [synth, preprocess, som]
synth: {count: 300, seed: 2}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 0}
som: {rows: 4, cols: 4, epochs: 4, checkpoint_every: 1, outlier_list: 10}
YAML
sed 's/^stages: .*/stages: [synth, preprocess]/' g.yaml > prep.yaml
mpi 2 run prep.yaml >/dev/null 2>prep.txt

# A map of 10^8 nodes: refused with figures before the rows are read.
status=0
mpi 2 run g.yaml --set som.rows=10000 --set som.cols=10000 >/dev/null 2>big.txt || status=$?
expect_status 2 "$status" "a 10000 x 10000 map"
expect_contains big.txt "som: a 10000 x 10000 map of 200 values per node over 300 rows needs about"
expect_contains big.txt "available: use a smaller map"
expect_not_contains big.txt "bad_alloc"
[ ! -e out/g/som/stage.json ] || fail "a refused som stage left a complete-looking output"
$PY - <<'PYEOF'
# The figure is at least the codebook alone: 10^8 nodes x 200 float32 values.
import re
text = open("big.txt").read()
value, unit = re.search(r"needs about ([0-9.]+) (\w+) per rank", text).groups()
scale = {"GiB": 2**30, "TiB": 2**40, "PiB": 2**50}[unit]
assert float(value) * scale >= 1e8 * 200 * 4, (value, unit)
print("the refused map's figure exceeds its codebook alone:", value, unit)
PYEOF

# A corrupt checkpoint in the partial folder of an interrupted run.
mkdir -p out/g/.som.partial
head -c 4096 /dev/urandom > out/g/.som.partial/checkpoint.h5
status=0
mpi 2 run g.yaml --resume >/dev/null 2>resume.txt || status=$?
expect_status 2 "$status" "--resume with a corrupt checkpoint"
expect_contains resume.txt "checkpoint.h5 cannot be read"
expect_contains resume.txt "run without --resume to start the training over"
ls out/g/.variants/som/*.partial/checkpoint.h5 >/dev/null 2>&1 || fail "--resume removed the checkpoint it could not read"

mpi 2 run g.yaml >/dev/null 2>again.txt || { cat again.txt; fail "a corrupt checkpoint blocked the run"; }
expect_contains again.txt "som: not resuming: "
expect_contains again.txt "it was removed and the training starts over"
[ -e out/g/som/som.h5 ] && [ -e out/g/som/stage.json ] || fail "the som stage did not complete"
$PY -c "import h5py; f = h5py.File('out/g/som/som.h5'); assert f.attrs['epochs'] == 4, f.attrs['epochs']"
echo "som guards: a huge map refused with figures; a corrupt checkpoint set aside"
