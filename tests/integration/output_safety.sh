#!/usr/bin/env bash
# Nothing lost, nothing mixed up (issue 13, points 1, 4, 5, 6), at 2 ranks:
# - a re-run that fails (a new lambda range that rejects every spectrum) leaves the complete
#   preprocess/ exactly as it was (every file hashed before and after);
# - while `som --force` computes, a second run of the stage is refused, naming the holder; a
#   kill -9 of the first leaves the old som/ intact and the stage unlocked, and the next run's
#   stage.json describes its som.h5 (h5py reading);
# - a re-run with export_csv off leaves no dataset.csv of the earlier run in preprocess/;
# - experiment names that are paths (../victim, an absolute path, .., "") are refused at
#   file:line:col and nothing is written or removed outside <output>.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > e.yaml <<'YAML'
experiment: e
output: out
stages: [synth, preprocess, som]
synth: {count: 400, seed: 3}
preprocess: {input: synth, lambda_min: 6400, lambda_max: 6700, points: 200, pca_components: 2, export_csv: true}
som: {rows: 5, cols: 5, epochs: 4, checkpoint_every: 1, outlier_list: 10}
YAML
mpi 2 run e.yaml >/dev/null 2>first.txt || { cat first.txt; fail "the first run failed"; }

hashes() {  # hashes DIR: one line per file (relative name, SHA-256), sorted
  $PY - "$1" <<'PYEOF'
import hashlib, os, sys
root = sys.argv[1]
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        p = os.path.join(d, f)
        print(os.path.relpath(p, root), hashlib.sha256(open(p, "rb").read()).hexdigest())
PYEOF
}

# 1. A failed re-run: the complete preprocess/ stays, byte for byte.
hashes out/e/preprocess > prep.before
status=0
mpi 2 preprocess e.yaml --set preprocess.lambda_min=30000 --set preprocess.lambda_max=30100 \
  >/dev/null 2>failed.txt || status=$?
[ "$status" -ne 0 ] || { cat failed.txt; fail "a range outside every spectrum did not fail"; }
hashes out/e/preprocess > prep.after
cmp -s prep.before prep.after || { diff prep.before prep.after >&2; fail "a failed re-run changed preprocess/"; }
[ -s prep.after ] || fail "preprocess/ is empty"
mpi 2 run e.yaml >/dev/null 2>reuse.txt
expect_contains reuse.txt "stage preprocess: reused"

# 4. A second run that needs the variant som --force computes waits for it (and would then
# reuse it); 1. a kill -9 keeps the old som/.
hashes out/e/som > som.before
mpi 2 som e.yaml --force --set som.epochs=100000 >/dev/null 2>slow.txt &
slow=$!
for _ in $(seq 1 2400); do  # until the first run has checkpointed its first epoch
  ls out/e/.variants/som/*.partial/checkpoint.h5 >/dev/null 2>&1 && break
  kill -0 "$slow" 2>/dev/null || { cat slow.txt; fail "the long som run ended early"; }
  sleep 0.05
done
ls out/e/.variants/som/*.partial/checkpoint.h5 >/dev/null 2>&1 || fail "the long som run never checkpointed"
mpi 2 som e.yaml --set som.epochs=100000 >/dev/null 2>second.txt &
second=$!
for _ in $(seq 1 600); do grep -q "waiting for it" second.txt && break; sleep 0.05; done
expect_contains second.txt "stage 'som' is being computed or read by another run (pid "
expect_contains second.txt "--set som.epochs=100000"
kill -0 "$second" 2>/dev/null || fail "the second run did not wait for the first"
kill_when "$slow" 1 "print(1)" 0 "som.epochs=100000"
kill -9 "$second" 2>/dev/null || true; wait "$second" 2>/dev/null || true
hashes out/e/som > som.after
cmp -s som.before som.after || { diff som.before som.after >&2; fail "a killed som --force changed som/"; }
mpi 2 som e.yaml --force --set som.epochs=6 >/dev/null 2>third.txt ||
  { cat third.txt; fail "the stage stayed locked after its holder was killed"; }
$PY - <<'PYEOF'
# stage.json describes the som.h5 beside it: the epochs of its summary are the file's.
import json, re, h5py
summary = json.load(open("out/e/som/stage.json"))["summary"]
epochs = int(re.search(r"after (\d+) epochs", summary).group(1))
with h5py.File("out/e/som/som.h5") as f:
    assert int(f.attrs["epochs"]) == epochs == 6, (f.attrs["epochs"], summary)
print("som.h5 and stage.json agree:", epochs, "epochs")
PYEOF

# 5. Fewer points and no CSV export: the earlier dataset.csv does not survive.
[ -e out/e/preprocess/dataset.csv ] || fail "export_csv: true wrote no dataset.csv"
mpi 2 preprocess e.yaml --set preprocess.export_csv=false --set preprocess.points=100 \
  >/dev/null 2>nocsv.txt || { cat nocsv.txt; fail "the re-run without CSV failed"; }
[ ! -e out/e/preprocess/dataset.csv ] || fail "a stale dataset.csv stayed in preprocess/"
$PY -c "import h5py; f = h5py.File('out/e/preprocess/dataset.h5'); assert f['wave'].shape == (100,), f['wave'].shape"
! ls -d out/e/.variants/preprocess/*.partial out/e/.variants/preprocess/*.old >/dev/null 2>&1 || fail "leftovers beside preprocess/"

# 6. Experiment names that are paths.
mkdir -p victim/synth meta && echo mine > victim/synth/mine.txt
listing() { find "$SCRATCH" \( -path "$SCRATCH/out" -o -path "$SCRATCH/meta" \) -prune -o -print | sort; }
for name in "../victim" "$SCRATCH/victim" ".." '""'; do
  printf 'experiment: %s\noutput: out\nstages: [synth]\nsynth: {count: 20}\n' "$name" > n.yaml
  listing > meta/before.txt
  status=0
  mpi 2 run n.yaml >/dev/null 2>meta/name.txt || status=$?
  expect_status 2 "$status" "experiment: $name"
  expect_contains meta/name.txt "n.yaml:1:13: experiment: "
  expect_contains meta/name.txt "is not a plain folder name"
  listing > meta/after.txt
  cmp -s meta/before.txt meta/after.txt ||
    { diff meta/before.txt meta/after.txt >&2; fail "experiment: $name wrote outside out/"; }
  status=0
  mpi 1 config check n.yaml >/dev/null 2>meta/check.txt || status=$?
  expect_status 2 "$status" "config check of experiment: $name"
done
[ "$(cat victim/synth/mine.txt)" = mine ] || fail "the user's file under victim/ was touched"
[ -z "$(ls -A out | grep -v '^e$')" ] || fail "something besides out/e was written under out/"
echo "output safety: failed and killed re-runs keep the old output, one run per stage, no stale files, plain names"
