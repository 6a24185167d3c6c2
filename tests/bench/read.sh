#!/usr/bin/env bash
# Reading throughput per layout (spectra/s, MB/s) at 1 and 2 ranks, against astropy reading
# the same files in one process and against `cat` of the same bytes (the I/O limit), all
# measured in this run on warm page cache. Target: >= 20x astropy per core.
set -euo pipefail
: "${VOCLOUD_BUILD_DIR:?}" "${VOCLOUD_SOURCE_DIR:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
REAL="${VOCLOUD_SHARED_DATA:-$VOCLOUD_SOURCE_DIR/../shared/data}/real"
BENCH="$VOCLOUD_BUILD_DIR/tests/vocloud_bench_read"
work="$(mktemp -d "${TMPDIR:-/tmp}/vocloud-bench-read.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# LAMOST DR8 has no real sample: synthesise 200 in that layout.
cat > "$work/dr8.yaml" <<YAML
experiment: dr8
output: $work/out
log: {level: warn}
synth: {count: 200, layouts: {sdss: 0, lamost_dr2: 0, lamost_dr8: 1, ondrejov_raw: 0, ondrejov_ssap: 0}}
YAML
"$VOCLOUD_BUILD_DIR/bin/vocloud" synth "$work/dr8.yaml" >/dev/null
declare -A sets=(
  [sdss]="$(ls $REAL/sdss/*.fits)"
  [lamost_dr1]="$(ls $REAL/lamost-dr1/*.fits)"
  [lamost_dr2]="$(find $REAL/lamost-dr2 -name '*.fits' | sort)"
  [lamost_dr8]="$(find $work/out/dr8/synth/bok/files -name '*.fits' | sort)"
  [ondrejov_raw]="$(ls $REAL/ondrejov/raw/*.fits)"
  [ondrejov_ssap]="$(ls $REAL/ondrejov/vo-table/*.fits)"
)
results="$work/results.jsonl"
for layout in sdss lamost_dr1 lamost_dr2 lamost_dr8 ondrejov_raw ondrejov_ssap; do
  files=(${sets[$layout]})
  # About 4000 reads per measurement (at least 2 passes).
  repeat=$(( 4000 / ${#files[@]} )); [ "$repeat" -ge 2 ] || repeat=2
  arepeat=$(( repeat / 10 )); [ "$arepeat" -ge 1 ] || arepeat=1
  cat "${files[@]}" > /dev/null   # warm the page cache for everyone
  # Best of BENCH_REPEAT (default 3) for every contender: the machine is shared.
  best() {  # best CMD...: the run with the highest spectra_per_s
    local out top=""
    for _ in $(seq 1 "${BENCH_REPEAT:-3}"); do
      out=$("$@")
      top=$(/usr/bin/python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]) if sys.argv[2] else None; print(json.dumps(a if b is None or a['spectra_per_s']>b['spectra_per_s'] else b))" "$out" "$top")
    done
    echo "$top"
  }
  r1=$(best mpirun -n 1 "$BENCH" "$repeat" "${files[@]}")
  r2=$(best mpirun -n 2 --oversubscribe "$BENCH" "$repeat" "${files[@]}")
  ra=$(best /usr/bin/python3 "$VOCLOUD_SOURCE_DIR/tests/bench/astropy_read.py" "$layout" "$arepeat" "${files[@]}")
  # cat reads the same bytes as often, in as few processes as xargs allows.
  for _ in $(seq 1 "$repeat"); do printf '%s\n' "${files[@]}"; done > "$work/list.txt"
  start=$(date +%s%N)
  xargs -a "$work/list.txt" -d '\n' cat > /dev/null
  cat_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  bytes=$(cat "${files[@]}" | wc -c)
  echo "{\"layout\": \"$layout\", \"files\": ${#files[@]}, \"bytes\": $bytes, \"repeat\": $repeat, \"one\": $r1, \"two\": $r2, \"astropy\": $ra, \"cat_ms\": $cat_ms}" >> "$results"
done
/usr/bin/python3 - "$results" "$BENCH_OUT/read.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"   {'layout':14s} {'1 rank/s':>9s} {'MB/s':>7s} {'2 ranks/s':>10s} {'eff':>5s} {'astropy/s':>10s} {'x astropy':>9s} {'cat/s':>9s} {'% of cat':>8s}")
out = []
for r in rows:
    one, two, ast = r["one"], r["two"], r["astropy"]
    cat_rate = r["files"] * r["repeat"] / (r["cat_ms"] / 1e3) if r["cat_ms"] else float("inf")
    ratio = one["spectra_per_s"] / ast["spectra_per_s"]
    eff = two["spectra_per_s"] / (2 * one["spectra_per_s"])
    print(f"   {r['layout']:14s} {one['spectra_per_s']:9.0f} {one['mb_per_s']:7.0f} {two['spectra_per_s']:10.0f} {eff:5.2f} "
          f"{ast['spectra_per_s']:10.0f} {ratio:9.1f} {cat_rate:9.0f} {100 * one['spectra_per_s'] / cat_rate:7.0f}%")
    out.append(dict(r, speedup_vs_astropy_per_core=ratio, parallel_efficiency=eff, cat_spectra_per_s=cat_rate))
json.dump({"benchmark": "read", "layouts": out}, open(sys.argv[2], "w"), indent=1)
PY
