#!/usr/bin/env bash
# The report stage on a synthetic experiment of N spectra (default 100000; BENCH_REPORT_N):
# synth -> preprocess -> som -> forest -> predict once (2 ranks, kept between runs), then
# `vocloud report --force` at 1 and 2 ranks: seconds, peak memory per rank, the number of
# spectra included and the report's size on disk. Small layouts (200-point grid, Ondrejov
# files) keep 10^6 spectra on disk. Then, in headless Chromium (report_paint.mjs), the time
# to first paint, first contentful paint and largest contentful paint of the Overview, the SOM
# page and a spectrum view, the time until each is rendered, and each page's peak JS heap
# (goal: under 2 s each) -- for the report built here and for the report folder
# BENCH_REPORT_DIR when set (e.g. an existing 10^6-spectrum report; BENCH_REPORT_N=0 then
# builds nothing). BENCH_PAINT_RUNS: cold loads per page (default 3). Not run in CI:
# scripts/run-bench report.
set -euo pipefail
: "${VOCLOUD_BIN:?}" "${BENCH_OUT:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
N="${BENCH_REPORT_N:-100000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
paint_results="$BENCH_OUT/report-paint.jsonl"
: > "$paint_results"
paint() {  # paint REPORT_DIR: page timings and heap in headless Chromium
  if [ ! -f "$1/index.html" ]; then
    echo "report: $1 has no index.html (front end not built): no paint timings" >&2
  elif [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "report: no Chromium (scripts/setup installs Debian's chromium): no paint timings" >&2
  else
    node "$here/report_paint.mjs" "$1" "${BENCH_PAINT_RUNS:-3}" "$paint_results"
  fi
}
if [ "$N" = 0 ]; then
  [ -n "${BENCH_REPORT_DIR:-}" ] || { echo "report: BENCH_REPORT_N=0 needs BENCH_REPORT_DIR" >&2; exit 2; }
  paint "$BENCH_REPORT_DIR"
  exit 0
fi
data="$BENCH_OUT/data"
mkdir -p "$data"
cfg="$data/report-bench-$N.yaml"
cat > "$cfg" <<YAML
experiment: report-$N
output: $data
log: {level: warn}
stages: [synth, preprocess, som, forest, predict, report]
synth: {count: $N, seed: 11, layouts: {ondrejov_raw: 0.5, ondrejov_ssap: 0.5}}
preprocess: {input: synth, lambda_min: 6450, lambda_max: 6650, points: 200, pca_components: 5,
             normalise: continuum}
som: {rows: 20, cols: 20, epochs: 5}
forest: {trees: 30, folds: 3}
predict: {class: double_peak, top: 1000}
YAML
for stage in synth preprocess som forest predict; do
  mpirun -n 2 --oversubscribe "$VOCLOUD_BIN" "$stage" "$cfg" >/dev/null
done
results="$BENCH_OUT/report.jsonl"
: > "$results"
root="$data/report-$N"
for n in 1 2; do
  mpirun -n "$n" --oversubscribe "$VOCLOUD_BIN" report "$cfg" --force >/dev/null 2>&1
  bytes=$(du -sbL "$root/report" | cut -f1)
  files=$(find -L "$root/report/data" -type f | wc -l)
  /usr/bin/python3 -c "
import json
s = json.load(open('$root/report/stage.json')); t = json.load(open('$root/report/timings.json'))
print(json.dumps({'ranks': $n, 'seconds': s['seconds'], 'rss_mb': max(t.get('max_rss_mb_per_rank') or [0]),
                  'summary': s['summary'], 'bytes': $bytes, 'files': $files}))" >> "$results"
done
/usr/bin/python3 - "$results" "$N" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"report stage, {int(sys.argv[2]):,} spectra")
print(f"{'ranks':>5} {'seconds':>9} {'MB/rank':>9} {'report MB':>10} {'files':>7}  summary")
for r in rows:
    print(f"{r['ranks']:>5} {r['seconds']:>9.2f} {r['rss_mb']:>9.0f} {r['bytes'] / 1e6:>10.1f} "
          f"{r['files']:>7}  {r['summary']}")
one, two = rows[0]["seconds"], rows[1]["seconds"]
print(f"speed-up at 2 ranks: {one / two:.2f}x")
PYEOF
paint "$root/report"
if [ -n "${BENCH_REPORT_DIR:-}" ]; then paint "$BENCH_REPORT_DIR"; fi
