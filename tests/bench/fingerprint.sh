#!/usr/bin/env bash
# Input fingerprints at scale: FP_FILES (default 10^6) empty files in 1000 folders and a
# catalog naming them; times the acquire listing of the folder, the catalog + stat of every
# file (preprocess.input_check: stat) and the catalog + content hash of every file
# (input_check: content; the files are empty, so this is the per-file cost, not the read).
# Warm page cache (the files were just created). Target: 10^6 files in seconds.
set -euo pipefail
: "${VOCLOUD_BUILD_DIR:?}" "${BENCH_OUT:?}"
n="${FP_FILES:-1000000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/vocloud-bench-fp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/bok" "$n" <<'PY'
import os, sys
bok, n = sys.argv[1], int(sys.argv[2])
os.makedirs(bok)
with open(os.path.join(bok, "catalog.csv"), "w") as catalog:
    catalog.write("id,path,format,label,ra,dec,z\n")
    for i in range(n):
        folder = f"files/d{i // 1000:04d}"
        if i % 1000 == 0:
            os.makedirs(os.path.join(bok, folder))
        name = f"{folder}/s{i:07d}.fits"
        open(os.path.join(bok, name), "w").close()
        catalog.write(f"s{i:07d},{name},sdss,,,,\n")
PY
out=$("$VOCLOUD_BUILD_DIR/tests/vocloud_bench_fingerprint" "$work/bok")
echo "files: $n"
echo "$out"
echo "{\"files\": $n, \"seconds\": $out}" > "$BENCH_OUT/fingerprint.json"
