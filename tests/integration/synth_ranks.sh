#!/usr/bin/env bash
# The synthetic base of knowledge: byte-identical for 1, 2 and 4 ranks with the same seed,
# every file read by astropy with the right layout, wavelengths, flux and label, and the
# class, layout and outlier proportions as configured.
source "$(dirname "$0")/lib.sh"
cd "$SCRATCH"
cat > exp.yaml <<'YAML'
experiment: ranks
output: out
synth:
  count: 1200
  seed: 7
  outlier_fraction: 0.02
  layouts: {sdss: 1, lamost_dr1: 1, lamost_dr2: 1, lamost_dr8: 1, ondrejov_raw: 1, ondrejov_ssap: 1}
  classes: {absorption: 0.5, emission: 0.3, double_peak: 0.2}
YAML
# A small catalog_batch makes many collective rounds, as with millions of rows.
for n in 1 2 4; do
  mpi "$n" synth exp.yaml --set output=out$n --set synth.catalog_batch=$((n * 17)) >/dev/null 2>log$n.txt
  (cd out$n/ranks/synth/bok && find . -type f | sort | xargs sha256sum) > sums$n.txt
done
[ "$(wc -l < sums1.txt)" = 1201 ] || fail "expected 1200 spectra + catalog, got $(wc -l < sums1.txt) files"
cmp -s sums1.txt sums2.txt || { diff sums1.txt sums2.txt | head; fail "1 and 2 ranks differ"; }
cmp -s sums1.txt sums4.txt || { diff sums1.txt sums4.txt | head; fail "1 and 4 ranks differ"; }
echo "1, 2 and 4 ranks: identical bytes (1201 files)"

# Another seed gives other bytes.
mpi 2 synth exp.yaml --set output=outS --set synth.seed=8 >/dev/null 2>/dev/null
cmp -s out1/ranks/synth/bok/catalog.csv outS/ranks/synth/bok/catalog.csv && fail "seed has no effect"

BOK=out2/ranks/synth/bok
$PY "$VOCLOUD_SOURCE_DIR/tests/python/check_proportions.py" "$BOK/catalog.csv" \
  --classes absorption=0.5,emission=0.3,double_peak=0.2 \
  --layouts sdss=1,lamost_dr1=1,lamost_dr2=1,lamost_dr8=1,ondrejov_raw=1,ondrejov_ssap=1 \
  --outlier-fraction 0.02
$PY "$VOCLOUD_SOURCE_DIR/tests/python/check_synth_bok.py" "$BOK"
